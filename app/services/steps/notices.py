"""消息 raised by a change of an instance: the applicant is told of the decisions listed in
workflows/notices.py (退回 with its comment, 推荐, 遴选, 立项/资助, 绩效评价 …) and whoever is
offered a new task is told "您有新的待办" (and a colleague a task is 转办 to, ``tell_delegated``).

``save_instance`` calls ``collect`` for each change; the rows wait in the session and are
written with one INSERT (executemany) when that transaction commits — so a publication that
completes thousands of tasks writes its notices at once, and a refused action (rolled back)
writes none. With a mail server configured each notice also gets its e-mail job
(background/mail.py), for people with an e-mail address."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from forms.validators import fmt_number
from workflows import clock
from workflows.notices import (DELEGATED_TEXT, NEW_TASK_TEXT, QUIET_NEW_TASKS, NoticeEvent,
                               events_for)

from ...extensions import db
from ...models import Notification, Org, ProcessInstance, RoleAssignment, User

_PENDING = "grantflow.pending_notices"
APPLICANT_ROLE = "applicant"
_INSERT = sa.insert(Notification.__table__)


@dataclass
class _Pending:
    """Notices of the open transaction, and who holds which role where (looked up once)."""
    rows: list[dict] = field(default_factory=list)
    keys: set[tuple] = field(default_factory=set)  # (user, task, kind) is told once
    holders: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    org_names: dict[int, str] = field(default_factory=dict)

    def add(self, user_id, instance_id, task_id, kind, message, now) -> bool:
        """Queue one notice; False if this person is already told this of this task."""
        if task_id is not None:
            if (user_id, task_id, kind) in self.keys:
                return False
            self.keys.add((user_id, task_id, kind))
        self.rows.append(dict(user_id=user_id, instance_id=instance_id, task_id=task_id, kind=kind,
                              message=message[:500], created_at=now, read_at=None, emailed_at=None))
        return True

    def of_role(self, org_id: int, role: str) -> list[int]:
        key = (org_id, role)
        if key not in self.holders:
            self.holders[key] = sorted(db.session.scalars(
                sa.select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.org_id == org_id, RoleAssignment.role == role,
                       User.active.is_(True))).unique())
        return self.holders[key]

    def org_name(self, org_id: int | None) -> str:
        if org_id is None:
            return ""
        if org_id not in self.org_names:
            self.org_names[org_id] = db.session.scalar(sa.select(Org.name).where(Org.id == org_id)) or ""
        return self.org_names[org_id]


def _pending() -> _Pending:
    return db.session.info.setdefault(_PENDING, _Pending())


def collect(instance: ProcessInstance, *, kind: str, actor: User | None, task, data: dict | None,
            new_tasks: list[dict], now) -> None:
    """The notices of one saved change (``kind`` as audited: started, completed, message,
    timer); ``new_tasks``: the task rows this change created."""
    pending = _pending()
    offered = _offered(pending, [row for row in new_tasks
                                 if (instance.process_key, row["task_name"]) not in QUIET_NEW_TASKS],
                       actor)
    told: set[int] = set()
    for notice in _events(instance, kind, task, data or {}, new_tasks):
        subject, text = notice
        for user_id in applicants(instance, pending):
            task_id = offered.get(user_id, (None, None))[0]
            pending.add(user_id, instance.id, task_id, subject.kind, text, now)
            told.add(user_id)
    for user_id, (task_id, title) in offered.items():
        if user_id not in told:  # told of the decision already, and linked to the new task
            pending.add(user_id, instance.id, task_id, "new_task",
                        NEW_TASK_TEXT.format(task=title, title=instance.title), now)


def tell_delegated(task, by: User, to: User, reason: str) -> None:
    """转办: the colleague now holding the task is told (once per task)."""
    told = db.session.scalar(sa.select(Notification.id).filter_by(
        user_id=to.id, task_id=task.id, kind="delegated").limit(1))
    if told is None:
        _pending().add(to.id, task.instance_id, task.id, "delegated", DELEGATED_TEXT.format(
            by=by.display_name, task=task.title, title=task.instance.title, reason=reason),
            clock.now())


def _offered(pending: _Pending, new_tasks: list[dict], actor: User | None) -> dict[int, tuple]:
    """user id → (task id, title) of a new task offered to them (by name, else by role and
    org); not the person whose action created it."""
    offered: dict[int, tuple] = {}
    for row in new_tasks:
        users = ([row["candidate_user_id"]] if row["candidate_user_id"]
                 else pending.of_role(row["org_id"], row["role"]))
        for user_id in users:
            if actor is None or user_id != actor.id:
                offered.setdefault(user_id, (row["id"], row["title"]))
    return offered


def _events(instance, kind: str, task, data: dict, new_tasks: list[dict]
            ) -> list[tuple[NoticeEvent, str]]:
    """The decision of this change (a completion or a message) and the tasks it opened, as
    the events of workflows/notices.py they raise, each with its text."""
    sources = []
    if kind == "completed" and task is not None:
        sources.append((task.task_name, {**data.get("form", {}), **data.get("process_data", {})},
                        task.org_id))
    elif kind == "message":
        sources.append((f"message:{data.get('message')}", data.get("payload") or {}, None))
    sources += [(f"ready:{row['task_name']}", {}, None) for row in new_tasks]
    found = []
    for source, values, org_id in sources:
        for raised in events_for(instance.process_key, source, values):
            names = {"title": instance.title, "org": _pending().org_name(org_id)}
            found.append((raised, _text(raised, values, names)))
    return found


def _text(notice: NoticeEvent, values: dict, names: dict) -> str:
    shown = {key: _shown(value) for key, value in values.items()}
    text = notice.text.format_map(_Blank({**shown, **names}))
    if notice.detail:
        name, label = notice.detail
        given = _shown(values.get(name)).strip()
        if given:
            text += f"{label}：{given}"
    return text[:500]


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return fmt_number(Decimal(str(value)))
    return str(value)


def applicants(instance: ProcessInstance, pending: _Pending | None = None) -> list[int]:
    """Who is told of decisions on the instance: its applicant organisation's 经办人, else
    the person who started it."""
    found = (pending or _pending()).of_role(instance.owner_org_id, APPLICANT_ROLE)
    if found:
        return found
    return [instance.started_by_id] if instance.started_by_id else []


# Written when the transaction commits; dropped with a rollback -------------------------------

@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None or not pending.rows:
        return
    from ..background.mail import enqueue_emails, mail_configured
    if mail_configured():
        ids = list(session.scalars(_INSERT.returning(Notification.__table__.c.id), pending.rows))
        enqueue_emails(ids)
    else:
        session.execute(_INSERT, pending.rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
