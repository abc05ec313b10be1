"""What every blueprint shares: refusals of a list's buttons flashed, safe redirects, template
filters and the navigation (service errors otherwise go to views/errors.py)."""
from __future__ import annotations

from datetime import datetime
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, url_for
from flask_login import current_user

from workflows import clock
from workflows.dates import SHANGHAI
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


# (endpoint, label, who sees it: everyone (None), a role code, or a test of the user)
NAV = [("inbox.index", "我的待办", None), ("notifications.overdue", "逾期督办", None),
       ("instances.index", "流程实例", None),
       ("start.index", "发起申报", None),
       ("selection.latest", "科创会遴选", "selector"),
       ("ranking.index", "排序与立项", "grant_officer"),
       ("figures.index", "统计数据", _reads_figures),
       ("awards.index", "评选表扬", _takes_part_in_awards),
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


def org_choices(org_type: str) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in db.session.scalars(
        sa.select(Org).filter_by(org_type=org_type).order_by(Org.id))]


def local_time(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """Aware UTC from the database, shown in 北京时间."""
    return value.astimezone(SHANGHAI).strftime(pattern) if value else "—"


def nav_items() -> list[tuple[str, str]]:
    """The entries the logged-in user sees: (endpoint, label)."""
    roles = {r.role for r in current_user.roles} if current_user.is_authenticated else set()
    return [(endpoint, label) for endpoint, label, who in NAV
            if endpoint in current_app.view_functions and _sees(who, roles)]


def _sees(who, roles: set[str]) -> bool:
    if who is None or isinstance(who, str):
        return who is None or who in roles
    return current_user.is_authenticated and who(current_user)


def install(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_global(clock.now, "clock_now")
    app.add_template_global(nav_items)
    app.add_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
