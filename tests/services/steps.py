"""Driving instances through the services the way users do: find my task, complete it."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, ProcessInstance, Task, Timer
from app.services.steps.instances import complete_task


def task_of(instance: ProcessInstance, task_name: str, user=None) -> Task:
    query = sa.select(Task).filter_by(instance_id=instance.id, task_name=task_name)
    if user is not None:
        query = query.filter(sa.or_(Task.candidate_user_id == user.id, Task.candidate_user_id.is_(None)))
    tasks = db.session.scalars(query).all()
    assert tasks, f"no open task {task_name}; open: {open_tasks(instance)}"
    return tasks[0]


def complete(user, instance: ProcessInstance, task_name: str, raw: dict) -> ProcessInstance:
    return complete_task(task_of(instance, task_name, user).id, raw, user)


def open_tasks(instance: ProcessInstance) -> list[str]:
    return sorted(db.session.scalars(sa.select(Task.task_name).filter_by(instance_id=instance.id)))


def timers_of(instance: ProcessInstance) -> dict[str, Timer]:
    return {t.timer_name: t for t in db.session.scalars(sa.select(Timer).filter_by(instance_id=instance.id))}


def audit_kinds(instance: ProcessInstance) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.kind).filter_by(instance_id=instance.id)
                                   .order_by(AuditEvent.id)))


def snapshot(instance: ProcessInstance) -> tuple:
    """Everything a failed action must leave untouched."""
    db.session.expire_all()
    fresh = db.session.get(ProcessInstance, instance.id)
    return (fresh.state, fresh.lock_version, fresh.current_step, open_tasks(fresh),
            sorted(timers_of(fresh)), len(audit_kinds(fresh)))


def select(people, instance: ProcessInstance, raw: dict) -> ProcessInstance:
    """遴选 as seed 000 divides it: on the board 创发部 admits the project and the department
    owning its bucket places it; 创发部's 遴选 decision then confirms it (or declines it)."""
    from app.demo.acting import SELECTORS, place_on_board
    if raw["select_outcome"] == "selected" and raw["bucket"] in SELECTORS:
        place_on_board(instance.project, people, raw["bucket"], raw.get("sector"))
    return complete(people["sel_innovation"], instance, "select_project", raw)
