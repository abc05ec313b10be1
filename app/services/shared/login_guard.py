"""Login lockout: after too many failed logins for one user name the name is locked for a
while, and one client address that fails too often is held off — the same answer whether the
user exists or not, so the lockout reveals nothing. Counted in the database, so every web worker
sees the same failures. The numbers are settings (labelled defaults in ServiceSettings)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import sqlalchemy as sa

from workflows import clock
from workflows.dates import SHANGHAI

from ...extensions import db
from ...models import LoginFailure
from . import settings
from .unit_of_work import transaction

log = logging.getLogger("grantflow.login")


def locked_until(username: str, address: str) -> datetime | None:
    """When the name (or the address) may try again, if it is locked now."""
    rules = settings.current().login_guard
    now = clock.now()
    since = now - rules.window
    until = [_until(LoginFailure.username == _name(username), since, rules.max_failures, rules),
             _until(LoginFailure.address == address, since, rules.address_max_failures, rules)]
    until = [moment for moment in until if moment is not None and moment > now]
    return max(until) if until else None


def _until(which, since: datetime, limit: int, rules: settings.LoginGuardSettings) -> datetime | None:
    count, last = db.session.execute(sa.select(sa.func.count(), sa.func.max(LoginFailure.at))
                                     .where(which, LoginFailure.at > since)).one()
    return _aware(last) + rules.lock if count >= limit else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def record_failure(username: str, address: str) -> None:
    with transaction():
        db.session.add(LoginFailure(username=_name(username), address=address[:45], at=clock.now()))
        db.session.execute(sa.delete(LoginFailure).where(  # what no window counts any more
            LoginFailure.at < clock.now() - 2 * settings.current().login_guard.window))
    if locked_until(username, address):
        log.warning("login locked: user name %r, address %s", _name(username), address)


def record_success(username: str) -> None:
    """A successful login clears the name's failures."""
    with transaction():
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == _name(username)))


def unlock(username: str) -> None:
    """An admin lets the name try again now."""
    record_success(username)


def lock_message(until: datetime) -> str:
    return (f"登录失败次数过多，已暂时锁定，请于 {until.astimezone(SHANGHAI):%H:%M} 后再试；"
            "如需立即解锁请联系系统管理员。")


def _name(username: str) -> str:
    return username.strip().lower()[:64]
