"""What every blueprint shares: service errors → Chinese flash or 404, safe redirects,
template filters and the navigation."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask, abort, current_app, flash, redirect, request
from flask_login import current_user

from workflows import clock
from workflows.dates import SHANGHAI
from workflows.processes import OUTCOME_LABELS, ROLE_LABELS

from ..extensions import db
from ..models import Org
from ..services.shared.errors import InvalidInput, NotFound, ServiceError

NAV = [("inbox.index", "我的待办", None), ("notifications.overdue", "逾期督办", None),
       ("instances.index", "流程实例", None),
       ("start.index", "发起申报", None), ("admin.index", "系统管理", "admin")]


def run_service(action):
    """Run a use case; a refusal becomes a flashed Chinese message (404 when the thing must
    not be revealed). Returns the result, or None when refused."""
    try:
        return action()
    except NotFound:
        abort(404)
    except InvalidInput as err:
        for messages in err.errors.values():
            for message in messages:
                flash(message, "error")
    except ServiceError as err:
        flash(err.message, "error")
    return None


def attempt(action):
    """Run a use case behind a form: (result, errors). Refused input gives its errors, to show
    beside the fields; other refusals are flashed (result None); "not found" is a 404 page."""
    errors: dict[str, list[str]] = {}

    def guarded():
        try:
            return action()
        except InvalidInput as err:
            errors.update(err.errors)
            return None
    return run_service(guarded), errors


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
    roles = {r.role for r in current_user.roles} if current_user.is_authenticated else set()
    return [(endpoint, label) for endpoint, label, role in NAV
            if endpoint in current_app.view_functions and (role is None or role in roles)]


def install(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_global(clock.now, "clock_now")
    app.add_template_global(nav_items)
    app.add_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
