"""到期提醒与逾期督办: remind the people who may do a task N days before it is due and on the
day; tell the supervisor org (workflows.processes.ESCALATION_RULES) once it is overdue. Each
(person, task, kind) is told once — in the inbox's 提醒 list and, when a mail server is
configured, by e-mail (a job per e-mail, background/mail.py). ``send_due_reminders`` is what a
worker's sweep (or ``grantflow remind``) calls."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from workflows import clock
from workflows.dates import SHANGHAI, end_of_day, shown_day
from workflows.processes import ESCALATION_RULES, EscalationRule, escalation_rule

from ...extensions import db
from ...models import Notification, Org, ProcessInstance, RoleAssignment, Task, User
from ...models.notices import REMINDER_KINDS
from ..shared.paging import Paged, paged_at_most
from ..shared.read_once import read_once
from ..shared import settings
from ..shared.errors import NotFound
from ..shared.projections import grant_view
from ..shared.unit_of_work import transaction
from ..shared.visibility import is_admin
from .mail import enqueue_emails

log = logging.getLogger("grantflow.reminders")



def send_due_reminders() -> int:
    """One sweep: create the reminders and escalations due now (each once) and, in the same
    transaction, a job per e-mail to send (the worker sends them and retries a failure).
    Returns how many notifications were created."""
    return _create_notifications()


def _create_notifications() -> int:
    now = clock.now()
    today = now.astimezone(SHANGHAI).date()
    days_before = settings.current().reminder_days_before
    horizon = end_of_day(today + timedelta(days=days_before))
    rows = db.session.execute(
        sa.select(Task, Org).join(Org, Task.org_id == Org.id)
        .where(Task.due_at.is_not(None), Task.due_at <= horizon)
        .order_by(Task.due_at)).all()
    people = _People()
    wanted: dict[tuple[int, str, str], dict] = {}
    viewers: dict[int, set] = {}
    for task, org in rows:
        due_day = task.due_at.astimezone(SHANGHAI).date()
        if task.due_at < now:
            rule = escalation_rule(task.role, org.org_type)
            supervisor = people.supervisor_org(rule, org) if rule else None
            if supervisor is None:
                continue
            kind, recipients = "overdue_escalated", people.holders(supervisor.id, rule.roles)
            message = (f"{org.name}的「{task.title}」（{task.instance.title}）已于"
                       f"{_day(due_day)}逾期，请督办。")
            if rule.roles is None:
                viewers.setdefault(task.instance_id, set()).add((supervisor.id, None))
        else:
            kind = "due_today" if due_day == today else "reminder_before"
            recipients = people.doers(task)
            message = (f"「{task.title}」（{task.instance.title}）今天（{_day(due_day)}）到期，请及时办理。"
                       if kind == "due_today" else
                       f"「{task.title}」（{task.instance.title}）将于{_day(due_day)}到期，请及时办理。")
        for user_id in recipients:
            wanted[(user_id, task.id, kind)] = dict(
                user_id=user_id, instance_id=task.instance_id, task_id=task.id, kind=kind,
                message=message[:500], created_at=now, read_at=None, emailed_at=None)
    new = [row for key, row in wanted.items() if key not in _already_sent(wanted)]
    try:
        with transaction():
            if new:
                db.session.execute(sa.insert(Notification.__table__), new)
                enqueue_emails(_ids_of(new))
            for instance_id, pairs in viewers.items():
                grant_view(instance_id, pairs)
    except IntegrityError:  # a concurrent sweep sent them first: nothing lost
        log.info("reminders: a concurrent sweep created the same notifications")
        return 0
    return len(new)


def _already_sent(wanted: dict) -> set[tuple[int, str, str]]:
    task_ids = sorted({task_id for _, task_id, _ in wanted})
    sent: set[tuple[int, str, str]] = set()
    for start in range(0, len(task_ids), 500):
        sent.update(db.session.execute(
            sa.select(Notification.user_id, Notification.task_id, Notification.kind)
            .where(Notification.task_id.in_(task_ids[start:start + 500]))).all())
    return sent


def _ids_of(rows: list[dict]) -> list[int]:
    """The ids of notifications just inserted (a bulk insert returns none)."""
    keys = {(row["user_id"], row["task_id"], row["kind"]) for row in rows}
    found = db.session.execute(
        sa.select(Notification.id, Notification.user_id, Notification.task_id, Notification.kind)
        .where(Notification.task_id.in_(sorted({task_id for _, task_id, _ in keys})))).all()
    return [ident for ident, *key in found if tuple(key) in keys]


def _day(day: date) -> str:
    return shown_day(day)


class _People:
    """Who holds which role where, and the supervisor orgs, looked up once per sweep."""

    def __init__(self):
        self._holders: dict[int, list[tuple[int, str]]] = {}
        self._orgs: dict[str, Org | None] = {}

    def _of_org(self, org_id: int) -> list[tuple[int, str]]:
        if org_id not in self._holders:
            self._holders[org_id] = list(db.session.execute(
                sa.select(RoleAssignment.user_id, RoleAssignment.role)
                .join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.org_id == org_id, User.active.is_(True))).all())
        return self._holders[org_id]

    def holders(self, org_id: int, roles: frozenset[str] | None) -> list[int]:
        return sorted({user_id for user_id, role in self._of_org(org_id)
                       if roles is None or role in roles})

    def doers(self, task: Task) -> list[int]:
        """The people who may do the task: its assignee, else its claimer, else the role."""
        if task.candidate_user_id:
            return [task.candidate_user_id]
        if task.claimed_by_id:
            return [task.claimed_by_id]
        return self.holders(task.org_id, frozenset({task.role}))

    def supervisor_org(self, rule: EscalationRule, org: Org) -> Org | None:
        if rule.supervisor == "@same":
            return org
        if rule.supervisor == "@city":
            return db.session.get(Org, org.city_id) if org.city_id else None
        if rule.supervisor not in self._orgs:
            self._orgs[rule.supervisor] = db.session.scalar(sa.select(Org).filter_by(code=rule.supervisor))
        return self._orgs[rule.supervisor]


# --- the 提醒 list and the 逾期 view -----------------------------------------------------------

def unread_notifications(user: User, limit: int = 50) -> list[Notification]:
    """Unread 到期提醒 and 逾期督办 (the other notices are on the 消息 page); not read when
    nothing at all is unread (the header's count, which every page reads anyway)."""
    if not unread_count(user):
        return []
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                      Notification.kind.in_(REMINDER_KINDS))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    """Every unread notice of ``user``: the header's badge. Read once per transaction."""
    return read_once(("unread_count", user.id), lambda: db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))))


def mark_read(notification_id: int, user: User) -> Notification:
    """Only one's own notification; someone else's is "not found"."""
    with transaction():
        notification = db.session.get(Notification, notification_id)
        if notification is None or notification.user_id != user.id:
            raise NotFound("提醒不存在")
        if notification.read_at is None:
            notification.read_at = clock.now()
    return notification


def mark_all_read(user: User) -> int:
    with transaction():
        result = db.session.execute(
            sa.update(Notification).where(Notification.user_id == user.id,
                                          Notification.read_at.is_(None))
            .values(read_at=clock.now()))
    return result.rowcount


@dataclass(frozen=True)
class OverdueRow:
    task: Task
    instance: ProcessInstance
    org: Org
    days_overdue: int


OVERDUE_PAGE_SIZE = 50  # 本系统默认值: rows per page of 逾期督办
# 本系统默认值: 逾期督办 counts its rows up to this many and then says "1000+": a province's
# administrator may have tens of thousands overdue, counted on every page in ~30 ms on
# PostgreSQL; the list is worked from its top (longest overdue first), and how many are late
# where is the figures' business, not the pager's
OVERDUE_COUNTED_UP_TO = 1000


def overdue_escalated(user: User) -> list[OverdueRow]:
    """逾期督办: overdue tasks whose supervisor org (ESCALATION_RULES) is one where ``user``
    holds a role the rule names; administrators see every escalated task. All of them."""
    return _overdue_rows(_overdue(user))


@dataclass(frozen=True)
class OverdueFilter:
    """逾期督办's filters: one kind of task (事项), the 市州 of the org it is late in."""
    task_name: str | None = None
    city_id: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.task_name or self.city_id)


def overdue_page(user: User, page: int = 1, per_page: int | None = None,
                 wanted: OverdueFilter = OverdueFilter()) -> Paged:
    """One page of overdue_escalated (narrowed by ``wanted``), the longest overdue first;
    ``total`` exact up to OVERDUE_COUNTED_UP_TO rows (or the rows up to this page), else
    ``exact`` is False."""
    per_page = per_page or OVERDUE_PAGE_SIZE
    rows, total, page, exact = paged_at_most(_overdue(user, wanted), page, per_page, _overdue_rows,
                                             OVERDUE_COUNTED_UP_TO)
    return Paged(rows, total, page, per_page, exact)


def overdue_task_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 事项 filter's options: (process title, [(task name, title in the diagram)]) of every
    user task of the current models."""
    from ..shared.definitions import latest_definition, step_titles
    from ..steps.catalog import catalog
    groups = []
    for process in catalog().processes():
        titles = step_titles(latest_definition(process.key))
        groups.append((process.rules.title, [(step.task, titles.get(step.task, step.task))
                                             for step in process.steps]))
    return groups


def _overdue(user: User, wanted: OverdueFilter = OverdueFilter()):
    """The ids of the overdue tasks escalated to ``user``, the longest overdue first: read by
    walking the (due_at, id, role, org_id) index in order, so a page stops after its rows."""
    escalated = _escalated_by(*ESCALATION_RULES)
    condition = escalated if is_admin(user) else sa.or_(sa.false(), *_supervised_by(user))
    query = (sa.select(Task.id).join(Org, Task.org_id == Org.id)
             .where(Task.due_at.is_not(None), Task.due_at < clock.now(), condition)
             .order_by(Task.due_at, Task.id))
    if wanted.task_name:
        query = query.where(Task.task_name == wanted.task_name)
    if wanted.city_id:  # the 市州科协 itself, or an org of its 市州
        query = query.where(sa.or_(Org.id == wanted.city_id, Org.city_id == wanted.city_id))
    return query


def _overdue_rows(chosen) -> list[OverdueRow]:
    """The rows of the tasks ``chosen`` (a query of task ids), with their instances and orgs."""
    today = clock.now().astimezone(SHANGHAI).date()
    query = (sa.select(Task, ProcessInstance, Org)
             .join(ProcessInstance, Task.instance_id == ProcessInstance.id)
             .join(Org, Task.org_id == Org.id)
             .where(Task.id.in_(chosen)).order_by(Task.due_at, Task.id)
             .options(contains_eager(Task.instance)))  # the join above, not a second one
    return [OverdueRow(task, instance, org, (today - task.due_at.astimezone(SHANGHAI).date()).days)
            for task, instance, org in db.session.execute(query).all()]


def _escalated_by(*rules: EscalationRule):
    """SQL condition on (Task, Org): a task one of these rules escalates (its role, in an org
    of its kinds) — as one (role, org type) IN list: an OR of role comparisons would have
    SQLite read the tasks by role and sort them all instead of walking the due-date index."""
    return sa.tuple_(Task.role, Org.org_type).in_(
        sorted((rule.role, kind) for rule in rules for kind in rule.org_types))


def _supervised_by(user: User) -> list:
    """SQL conditions on (Task, Org): the tasks escalated to an org where the user holds a
    role the rule names."""
    codes = {rule.supervisor for rule in ESCALATION_RULES} - {"@city", "@same"}
    org_ids = dict(db.session.execute(sa.select(Org.code, Org.id).where(Org.code.in_(codes))).all())
    conditions = []
    for rule in ESCALATION_RULES:
        held = {r.org_id for r in user.roles if rule.roles is None or r.role in rule.roles}
        if not held:
            continue
        matches = _escalated_by(rule)
        if rule.supervisor == "@city":
            conditions.append(sa.and_(matches, Org.city_id.in_(held)))
        elif rule.supervisor == "@same":
            conditions.append(sa.and_(matches, Task.org_id.in_(held)))
        elif org_ids.get(rule.supervisor) in held:
            conditions.append(matches)
    return conditions
