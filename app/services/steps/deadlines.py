"""Deadlines hold at the moment of action, not only when the timer sweep runs.

Every action on a task (complete, 暂存, claim, release, delegate) first fires the timers of its
instance that are already due, in its own transaction (``on_time``). When that closes the task
(a boundary timer: 推荐截止, 申报截止 …), the action is late: it is refused with the deadline
named (``LateAction``, a 409), and what the deadline says still happens — ``deadlines_kept``
fires those timers again in a transaction of their own, which commits.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from workflows import clock, engine
from workflows.dates import SHANGHAI, shown_day
from workflows.processes import OUTCOME_LABELS

from ...extensions import db
from ...models import ProcessInstance, Task, Timer
from ..shared import workflow_cache
from ..shared.errors import Conflict
from ..shared.unit_of_work import transaction
from .handled import told_who_handled
from .saving import engine_errors, load_for_change, save_instance

log = logging.getLogger("grantflow.timers")


@dataclass(frozen=True)
class DueTimer:
    name: str
    title: str
    due_at: datetime


class LateAction(Conflict):
    """The task's deadline passed before the action: refused, the instance moved on as its
    timer says."""
    code = "deadline_passed"

    def __init__(self, message: str, instance_id: int, task_title: str, due_at: datetime):
        super().__init__(message)
        self.instance_id, self.task_title, self.due_at = instance_id, task_title, due_at


def apply_due_timers(instance: ProcessInstance, *, rows: bool = False) -> list[DueTimer]:
    """Fire the instance's timers that are due now, in the caller's transaction (the sweep's
    way and every action's); the timers fired. ``rows``: judge by the timer rows even when
    this worker has the workflow cached (the sweep found the instance by its rows)."""
    if instance.status != "running":
        return []
    now = clock.now()
    due = [timer for timer in _waiting_timers(instance, rows) if timer.due_at < now]
    if not due:
        return []
    workflow, before = load_for_change(instance)
    with engine_errors():
        engine.advance(workflow)
    if engine.waits(workflow) == before:  # the rows say due, the engine disagrees
        log.warning("instance %s: timers %s are due but the engine fired none", instance.id,
                    [timer.name for timer in due])
        return []
    save_instance(instance, workflow, before, kind="timer", actor=None,
                  data={"timers": [timer.name for timer in due]})
    return due


def _waiting_timers(instance: ProcessInstance, rows: bool) -> list[DueTimer]:
    """The instance's waiting timers: as this worker's cached workflow waits for them (the
    timer rows always equal that — saving.py; one query less per action), else the rows."""
    cached = None if rows else workflow_cache.cache.peek(instance)
    if cached is not None:
        return [DueTimer(t.name, t.title, t.due_at) for t in cached[1].timers]
    return [DueTimer(t.timer_name, t.title, t.due_at) for t in db.session.scalars(
        sa.select(Timer).where(Timer.instance_id == instance.id))]


def on_time(task: Task) -> Task:
    """Inside an action's transaction: the task, once its instance's due timers have fired —
    or LateAction when one of them closed it."""
    task_id, title, instance = task.id, task.title, task.instance
    fired = apply_due_timers(instance)
    if fired and db.session.get(Task, task_id) is None:
        due_at = min(timer.due_at for timer in fired)
        raise LateAction(late_message(title, due_at), instance.id, title, due_at)
    return task


def late_message(task_title: str, due_at: datetime, outcome: str | None = None) -> str:
    day = due_at.astimezone(SHANGHAI)
    message = f"「{task_title}」已于{shown_day(day)}截止，不能再办理"
    return f"{message}；已按期限办结：{OUTCOME_LABELS.get(outcome, '已处理')}。" if outcome else f"{message}。"


@contextmanager
def deadlines_kept(task_id: str):
    """Around an action's transaction: a late action stays refused, and its instance moves on
    as the deadline says (committed here, whatever the action did)."""
    try:
        yield
    except LateAction as late:
        outcome = _apply_due_timers_now(late.instance_id)
        raise LateAction(late_message(late.task_title, late.due_at, outcome), late.instance_id,
                         late.task_title, late.due_at) from late


def _apply_due_timers_now(instance_id: int) -> str | None:
    """Fire the due timers of an instance in a transaction of their own; its outcome then."""
    with transaction():
        instance = db.session.get(ProcessInstance, instance_id)
        apply_due_timers(instance)
        return instance.outcome


@contextmanager
def task_action(task_id: str, user):
    """The transaction of a use case on one task: deadlines kept, a task handled meanwhile told
    by whom and when (handled.py)."""
    with deadlines_kept(task_id), told_who_handled(task_id, user), transaction() as session:
        yield session
