"""我的待办: the home page — what is mine to do, filters, claim / release / delegate."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user, login_required

from forms.choices import SECTORS
from workflows.processes import PROCESSES

from ..services.reading import inbox as service
from ..services.reading import list_exports as lists
from .downloads import xlsx_response
from .helpers import back_or, org_choices, refusal_goes_back
from .converters import bounded_int

bp = Blueprint("inbox", __name__)

DUE_CHOICES = [("overdue", "已逾期"), ("week", "7日内到期")]


@bp.get("/")
@login_required
def index():
    wanted = _filter_from(request.args)
    listing = service.inbox_page(current_user, wanted, request.args.get("page", 1, type=bounded_int) or 1)
    return render_template(
        "inbox/index.html", listing=listing, rows=listing.rows, counts=listing.badges,
        wanted=wanted, selection_groups=listing.selection_groups,
        processes=[(key, rules.title) for key, rules in PROCESSES.items()],
        task_names=listing.task_choices,
        cities=org_choices("city_association"), sectors=SECTORS,
        due_choices=DUE_CHOICES, args={key: value for key, value in request.args.items() if key != "page"})


@bp.get("/inbox.xlsx")
@login_required
def export():
    """导出Excel: every row the page's filters match."""
    sheet = lists.inbox_sheet(current_user, _filter_from(request.args))
    return xlsx_response(sheet.content, "我的待办")


def _filter_from(args) -> service.InboxFilter:
    city = args.get("city", type=bounded_int)
    return service.InboxFilter(process=args.get("process") or None, task_name=args.get("task") or None,
                               city_id=city or None, sector=args.get("sector") or None,
                               due=args.get("due") if args.get("due") in ("overdue", "week") else None,
                               mine=args.get("mine") == "1")


@bp.post("/tasks/<task_id>/claim")
@login_required
@refusal_goes_back("inbox.index")
def claim(task_id: str):
    service.claim_task(task_id, current_user)
    return _done("已认领。")


@bp.post("/tasks/<task_id>/unclaim")
@login_required
@refusal_goes_back("inbox.index")
def unclaim(task_id: str):
    service.unclaim_task(task_id, current_user)
    return _done("已释放，同事可以认领。")


@bp.post("/tasks/<task_id>/delegate")
@login_required
@refusal_goes_back("inbox.index")
def delegate(task_id: str):
    to_user = request.form.get("to_user_id", type=bounded_int) or 0
    service.delegate_task(task_id, current_user, to_user, request.form.get("reason", ""))
    return _done("已转办。")


def _done(message: str):
    flash(message, "success")
    return back_or(url_for("inbox.index"))
