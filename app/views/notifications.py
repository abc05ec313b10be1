"""消息 (every notice of mine: decisions, new tasks, 到期提醒、逾期督办), marking them read, and
the 逾期 view of tasks escalated to my organisations."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.background import reminders as service
from ..services.reading import notices as notices_service
from .helpers import back_or, org_choices
from .converters import bounded_int

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    listing = notices_service.my_notices(current_user, request.args.get("page", 1, type=bounded_int))
    return render_template("notifications/index.html", listing=listing)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    service.mark_read(notification_id, current_user)
    return back_or(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    service.mark_all_read(current_user)
    return back_or(url_for("notifications.index"))


@bp.get("/overdue")
@login_required
def overdue():
    wanted = service.OverdueFilter(task_name=request.args.get("task") or None,
                                   city_id=request.args.get("city", type=bounded_int) or None)
    listing = service.overdue_page(current_user, request.args.get("page", 1, type=bounded_int) or 1,
                                   wanted=wanted)
    return render_template("notifications/overdue.html", listing=listing, rows=listing.rows,
                           wanted=wanted, task_groups=service.overdue_task_choices(),
                           cities=org_choices("city_association"),
                           args={key: value for key, value in request.args.items() if key != "page" and value})


def unread_notification_count() -> int:
    """For the header badge (every page)."""
    return service.unread_count(current_user) if current_user.is_authenticated else 0


def my_unread_notifications() -> list:
    """For the 提醒 list at the top of the inbox (到期提醒、逾期督办 only)."""
    return service.unread_notifications(current_user) if current_user.is_authenticated else []


def install(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(unread_notification_count)
    app.add_template_global(my_unread_notifications)
