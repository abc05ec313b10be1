"""Keeping the read projections (tasks, timers) equal to the workflow's waiting points."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from workflows import engine
from workflows.dates import parse_moment
from workflows.processes import ProcessRules

from ..extensions import db
from ..models import ProcessInstance, Task, Timer


def sync_projections(instance: ProcessInstance, workflow, rules: ProcessRules, now: datetime) -> None:
    _sync_tasks(instance, engine.ready_tasks(workflow), rules, now)
    _sync_timers(instance, engine.waiting_timers(workflow))


def _sync_tasks(instance, ready, rules, now) -> None:
    existing = set(db.session.scalars(sa.select(Task.id).filter_by(instance_id=instance.id)))
    wanted = {task.id: task for task in ready}
    gone = existing - wanted.keys()
    if gone:
        db.session.execute(sa.delete(Task).where(Task.id.in_(gone)))
    for task_id in wanted.keys() - existing:
        db.session.add(_task_row(instance, wanted[task_id], rules, now))


def _task_row(instance, ready, rules: ProcessRules, now) -> Task:
    assignee = rules.assignee.get(ready.name)
    due_key = rules.due_keys.get(ready.name)
    due = ready.data.get(due_key) if due_key else None
    return Task(id=ready.id, instance_id=instance.id, task_name=ready.name, title=ready.title,
                role=ready.role, org_id=rules.org_scope[ready.role](ready.data),
                candidate_user_id=assignee(ready.data) if assignee else None,
                due_at=parse_moment(due) if due else None, created_at=now)


def _sync_timers(instance, waiting) -> None:
    existing = {t.id: t for t in db.session.scalars(sa.select(Timer).filter_by(instance_id=instance.id))}
    wanted = {timer.task_id: timer for timer in waiting}
    gone = existing.keys() - wanted.keys()
    if gone:
        db.session.execute(sa.delete(Timer).where(Timer.id.in_(gone)))
    for task_id, timer in wanted.items():
        row = existing.get(task_id)
        if row is None:
            db.session.add(Timer(id=task_id, instance_id=instance.id, timer_name=timer.name,
                                 title=timer.title, due_at=timer.due_at))
        elif row.due_at != timer.due_at:
            row.due_at = timer.due_at


def current_step(workflow) -> str | None:
    """What the instance waits for, in words: ready tasks, else waiting events."""
    titles = sorted({task.title for task in engine.ready_tasks(workflow)})
    if not titles:
        titles = sorted({f"等待：{name}" for name in engine.waiting_event_titles(workflow)})
    return "、".join(titles)[:200] or None
