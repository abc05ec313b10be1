"""A task handled meanwhile: the 409 that says by whom and when, read from the audit trail."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from workflows.dates import SHANGHAI, shown_moment

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, User
from ..shared.errors import Conflict, TaskHandled
from ..shared.visibility import visible_to

GONE = "该事项已办理或不存在，请返回我的待办查看"


def task_gone() -> TaskHandled:
    """Raised inside a use case that finds its task missing (the transaction then rolls back)."""
    return TaskHandled(GONE)


def existing_task(task_id: str) -> Task:
    """The ready task, else the "already handled" conflict."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise task_gone()
    return task


@contextmanager
def told_who_handled(task_id: str, user: User):
    """Around a use case on one task: if the task was completed meanwhile (it vanished, or the
    optimistic lock was lost), the conflict names who completed it and when."""
    try:
        yield
    except Conflict as refused:
        handled = handled_by_someone(task_id, user)
        if handled is None:
            raise
        raise handled from refused


def handled_by_someone(task_id: str, user: User) -> TaskHandled | None:
    """After the rollback, from committed rows only: the completion of ``task_id``, told to a
    person who may see its instance (anyone else learns only that it is gone)."""
    done = db.session.execute(
        sa.select(AuditEvent.instance_id, AuditEvent.at, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.task_id == task_id, AuditEvent.kind == "completed").limit(1)).first()
    if done is None:
        return None
    if not _may_see(done.instance_id, user):
        return TaskHandled(GONE)
    by, at = done.display_name or "系统", done.at.astimezone(SHANGHAI)
    return TaskHandled(f"该事项已由{by}于{shown_moment(at)}办理，无需再次办理。", by, at)


def _may_see(instance_id: int, user: User) -> bool:
    return db.session.scalar(sa.select(ProcessInstance.id).where(
        ProcessInstance.id == instance_id, visible_to(user))) is not None
