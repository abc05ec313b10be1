"""Keeping the read projections (tasks, timers) equal to the workflow's waiting points."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from workflows import engine
from workflows.dates import SHANGHAI, end_of_day, parse_moment

from ...extensions import db
from ...models import InstanceViewer, ProcessInstance, Task, Timer


def sync_projections(instance: ProcessInstance, before: engine.Waits, after: engine.Waits,
                     process, now: datetime) -> list[dict]:
    """Apply the difference between what the workflow waited for before this change and after
    it. The rows always equal ``before`` (every change goes through here, in one transaction),
    so no reading back is needed. ``process``: the catalogue's Process (its rules and Steps).
    Returns the task rows it created (who is offered a new task is told, steps/notices.py)."""
    new = _sync_tasks(instance, before, after, process, now)
    _sync_timers(instance, before, after)
    return new


def _sync_tasks(instance, before, after, process, now) -> list[dict]:
    gone = before.task_ids - after.task_ids
    if gone:
        _delete_rows(Task, gone)
    new = [_task_row(instance, ready, process, now) for ready in after.ready
           if ready.id not in before.task_ids]
    if new:  # Core executemany: projection rows need no ORM identity
        db.session.execute(_INSERT[Task], new)
        grant_view(instance.id, {(None, r["candidate_user_id"]) if r["candidate_user_id"]
                                 else (r["org_id"], None) for r in new})
    return new


def grant_view(instance_id: int, viewers: set[tuple[int | None, int | None]]) -> None:
    """Let these (org, None) or (None, user) see the instance from now on (idempotent): each
    row inserted unless it is there already, in one statement (a step offering a task used to
    read the instance's viewers, then insert the missing one)."""
    if viewers:
        db.session.execute(_GRANT_VIEW, [{"instance": instance_id, "org": org, "user": user}
                                         for org, user in viewers])


def _grant_view():
    table = InstanceViewer.__table__
    instance, org, user = (sa.bindparam(name, type_=sa.Integer) for name in ("instance", "org", "user"))
    known = sa.exists().where(table.c.instance_id == instance, table.c.org_id.is_not_distinct_from(org),
                              table.c.user_id.is_not_distinct_from(user))
    return sa.insert(table).from_select(["instance_id", "org_id", "user_id"],
                                        sa.select(instance, org, user).where(~known))


def _delete_by_id(model):
    table = model.__table__
    return sa.delete(table).where(table.c.id == sa.bindparam("ident"))


# Built once: constructing SQL expressions costs more than running these statements.
_DELETE = {Task: _delete_by_id(Task), Timer: _delete_by_id(Timer)}
_INSERT = {Task: sa.insert(Task.__table__), Timer: sa.insert(Timer.__table__)}
_GRANT_VIEW = _grant_view()
_UPDATE_TIMER_DUE = sa.update(Timer.__table__).where(Timer.__table__.c.id == sa.bindparam("ident"))


def _delete_rows(model, ids: set[str]) -> None:
    """Delete by id with a Core statement (the ORM's session sync is O(identity map));
    objects of those rows already loaded in this session are detached instead."""
    db.session.execute(_DELETE[model], [{"ident": ident} for ident in ids])
    for ident in ids:
        loaded = db.session.identity_map.get(db.session.identity_key(model, ident))
        if loaded is not None:
            db.session.expunge(loaded)


def _task_row(instance, ready, process, now) -> dict:
    step, rules = process.step(ready.name), process.rules
    due = ready.data.get(step.due.key) if step.due.key else None
    due_at = parse_moment(due) if due else _due_after(step.due.days, now)
    return dict(id=ready.id, instance_id=instance.id, task_name=ready.name, title=ready.title,
                role=ready.role, org_id=rules.scope(ready.name, ready.role, ready.data),
                candidate_user_id=step.assignee(ready.data) if step.assignee else None,
                claimed_by_id=None, due_at=due_at, created_at=now,
                edition_id=rules.edition_of(ready.data) if rules.edition_of else None)


def _due_after(days: int | None, now: datetime) -> datetime | None:
    """A configured duration, ending at the close of that Shanghai calendar day."""
    if days is None:
        return None
    return end_of_day((now.astimezone(SHANGHAI) + timedelta(days=days)).date())


def _sync_timers(instance, before, after) -> None:
    previous = {timer.task_id: timer.due_at for timer in before.timers}
    gone = previous.keys() - {timer.task_id for timer in after.timers}
    if gone:
        _delete_rows(Timer, gone)
    new = [dict(id=t.task_id, instance_id=instance.id, timer_name=t.name, title=t.title,
                due_at=t.due_at) for t in after.timers if t.task_id not in previous]
    if new:
        db.session.execute(_INSERT[Timer], new)
    for timer in after.timers:
        if timer.task_id in previous and previous[timer.task_id] != timer.due_at:
            db.session.execute(_UPDATE_TIMER_DUE, {"ident": timer.task_id, "due_at": timer.due_at})


def current_step(workflow, waits: engine.Waits) -> str | None:
    """What the instance waits for, in words: ready tasks, else waiting events."""
    titles = sorted({task.title for task in waits.ready})
    if not titles:
        titles = sorted({f"等待：{name}" for name in engine.waiting_event_titles(workflow)})
    return "、".join(titles)[:200] or None
