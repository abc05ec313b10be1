"""What every blueprint shares: refusals of a list's buttons flashed, safe redirects, template
filters and the navigation (service errors otherwise go to views/errors.py)."""
from __future__ import annotations

from datetime import date, datetime
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, send_from_directory, url_for
from flask_login import current_user

from workflows import clock
from workflows.dates import shown_day, shown_moment
from workflows.processes import OUTCOME_LABELS, ROLE_LABELS

from ..extensions import db
from ..models import Org
from ..services.shared.errors import Conflict, InvalidInput, PermissionDenied

def _reads_figures(user) -> bool:
    from ..services.reading.figure_scope import may_read_figures
    return may_read_figures(user)


def _takes_part_in_awards(user) -> bool:
    from ..services.awards.access import actor
    return actor(user).sees


def _starts_something(user) -> bool:
    from ..services.steps.starting import may_start
    return may_start(user)


def _uses_exports(user) -> bool:
    from ..services.documents.exports import may_use_exports
    return may_use_exports(user)


# (endpoint, label, who sees it: everyone (None), a role code, or a test of the user)
NAV = [("inbox.index", "我的待办", None), ("notifications.overdue", "逾期督办", None),
       ("instances.index", "项目与申报", None),
       ("start.index", "发起申报", _starts_something),
       ("selection.latest", "科创会遴选", "selector"),
       ("ranking.index", "排序与立项", "grant_officer"),
       ("figures.index", "统计数据", _reads_figures),
       ("awards.index", "评选表扬", _takes_part_in_awards),
       ("documents.export_index", "批量导出", _uses_exports),
       ("admin.index", "系统管理", "admin")]


def refusal_goes_back(fallback_endpoint: str):
    """For a button on a list (claim, release, delegate…): a refused action is flashed on the
    page the button was on (else ``fallback_endpoint``); "not found" stays the 404 page and
    every other error goes to the app's error handler."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except (PermissionDenied, Conflict, InvalidInput) as refused:
                flash(refused.message, "error")
                return back_or(url_for(fallback_endpoint))
        return guarded
    return decorate


def back_or(fallback: str):
    """Redirect to the page the form came from, if it is on this site."""
    referrer = request.referrer
    if referrer and referrer.startswith(request.host_url):
        return redirect(referrer)
    return redirect(fallback)

HEADER_PAGES = {"notifications.index", "tokens.index"}  # linked from the header (消息, API令牌), not the menu


def org_choices(org_type: str) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(
        sa.select(Org).filter_by(org_type=org_type).order_by(Org.id))]


def local_time(value: datetime | None) -> str:
    """Aware UTC from the database, shown in 北京时间: "2023年12月15日 23:59"."""
    return shown_moment(value)


def local_date(value: date | datetime | None) -> str:
    """A day (or an aware moment's Shanghai day): "2023年12月15日"."""
    return shown_day(value)


def nav_items() -> list[tuple[str, str]]:
    """The entries the logged-in user sees: (endpoint, label)."""
    roles = {r.role for r in current_user.roles} if current_user.is_authenticated else set()
    return [(endpoint, label) for endpoint, label, who in NAV
            if endpoint in current_app.view_functions and _sees(who, roles)]


def nav_active(endpoint: str) -> bool:
    """The entry of the page shown: its own endpoint, else the entry of the page's blueprint —
    unless the page is another entry's or the header's own (消息 shares 逾期督办's blueprint)."""
    if request.endpoint == endpoint:
        return True
    elsewhere = {entry for entry, _, _ in NAV} | HEADER_PAGES
    return request.endpoint not in elsewhere and request.blueprint == endpoint.split(".")[0]


def _sees(who, roles: set[str]) -> bool:
    if who is None or isinstance(who, str):
        return who is None or who in roles
    return current_user.is_authenticated and who(current_user)


def favicon():
    """/favicon.ico, which browsers ask for whatever the page links: the same icon as favicon.svg."""
    return send_from_directory(current_app.static_folder, "img/favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=7 * 24 * 3600)


def install(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.add_template_filter(local_time)
    app.add_template_filter(local_date)
    app.add_template_global(clock.now, "clock_now")
    app.add_template_global(nav_items)
    app.add_template_global(nav_active)
    app.add_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
