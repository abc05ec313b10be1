"""Saving one change of an instance: restore its workflow, then write the new state with an
optimistic lock, the read projections (tasks, timers, progress) and one audit event — always in
the caller's transaction. Engine errors become the service errors a person is told."""
from __future__ import annotations

import logging
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from SpiffWorkflow.exceptions import WorkflowException

from workflows import clock, engine

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, User
from ..shared import workflow_cache
from ..shared.definitions import specs_of
from ..shared.errors import Conflict, ServiceError
from ..shared.progress import read_view
from ..shared.projections import current_step, sync_projections
from . import notices
from .catalog import catalog


log = logging.getLogger("grantflow.process")


class ProcessError(ServiceError):
    """The process model could not advance (a modelling error); nothing was changed."""
    code = "process_error"


@contextmanager
def engine_errors():
    try:
        yield
    except engine.ModelError as err:
        raise ProcessError(f"流程模型有误：{err}") from err
    except engine.EngineError as err:  # the step is no longer there (raced, or stale page)
        raise Conflict("该事项已办理或流程已变化，请刷新后重试") from err
    except WorkflowException as err:  # a script or condition of the model failed (or ran away)
        log.error("the process model failed: %s", err)  # the detail is for the administrator
        raise ProcessError("流程无法继续：流程模型中的脚本或条件执行出错，本次办理未生效（已记录，"
                           "请联系系统管理员）") from err


def load_workflow(instance: ProcessInstance):
    """The instance's workflow as stored (from this worker's cache when it is current). The
    cache entry is taken, never shared: whoever loads may change the workflow."""
    return load_for_change(instance)[0]


def load_for_change(instance: ProcessInstance):
    """The workflow, and what it waits for now (which the projection rows mirror)."""
    cached = workflow_cache.cache.take(instance)
    if cached is not None:
        return cached
    workflow = engine.restore(instance.state, *specs_of(instance.definition))
    return workflow, engine.waits(workflow)


def save_instance(instance: ProcessInstance, workflow, before: engine.Waits, *, kind: str,
                  actor: User | None, task: Task | None = None, data: dict | None = None) -> None:
    """Write state, status, projections and one audit event for this change."""
    now, step_before, after = clock.now(), instance.current_step, engine.waits(workflow)
    outcome = engine.outcome(workflow)
    process = catalog().process(instance.process_key)
    with db.session.no_autoflush:  # one flush at commit instead of one per statement
        _write_state(instance, state=engine.dump(workflow), outcome=outcome,
                     status="completed" if outcome else "running", updated_at=now,
                     completed_at=now if outcome else None,
                     current_step=current_step(workflow, after),
                     **read_view(workflow, outcome, process.rules))
        workflow_cache.remember_after_commit(instance, (workflow, after))
        new_tasks = sync_projections(instance, before, after, process, now)
        record_audit(instance, kind, actor, step_before=step_before, task=task, data=data, at=now)
        notices.collect(instance, kind=kind, actor=actor, task=task, data=data,
                        new_tasks=new_tasks, now=now)
    if instance.outcome and process.on_end:
        process.on_end(instance)


def record_outcome(model, instance: ProcessInstance) -> None:
    """The instance's domain row (a Project, a GrantApplication) takes its outcome: one Core
    UPDATE, nothing loaded (a sweep closing thousands of drafts need not load each project); a
    copy already loaded in this session is given the value too (sessions keep objects across
    commits, and a bulk UPDATE does not reach them)."""
    table = model.__table__
    db.session.execute(sa.update(table).where(table.c.instance_id == instance.id)
                       .values(outcome=instance.outcome))
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, model) and loaded.instance_id == instance.id:
            set_committed_value(loaded, "outcome", instance.outcome)


_TABLE = ProcessInstance.__table__
_UPDATE_STATE = sa.update(_TABLE).where(_TABLE.c.id == sa.bindparam("ident"),
                                        _TABLE.c.lock_version == sa.bindparam("expected"))


def _write_state(instance: ProcessInstance, **values) -> None:
    """UPDATE … WHERE lock_version = the one we loaded (optimistic lock), as one prepared
    statement; the ORM object then holds the new values as committed ones."""
    expected = instance.lock_version
    values["lock_version"] = expected + 1
    result = db.session.execute(_UPDATE_STATE, {**values, "ident": instance.id, "expected": expected})
    if result.rowcount != 1:
        raise Conflict("该事项已被他人同时办理，请刷新后重试")
    for name, value in values.items():
        set_committed_value(instance, name, value)


def record_audit(instance: ProcessInstance, kind: str, actor: User | None, *, data: dict | None,
                 task: Task | None = None, step_before: str | None = None, at=None) -> None:
    """Append one audit event (Core insert: the trail is append-only, never read back here)."""
    db.session.execute(_INSERT_AUDIT, dict(
        instance_id=instance.id, at=at or clock.now(), actor_id=actor.id if actor else None,
        kind=kind, task_name=task.task_name if task else None, task_id=task.id if task else None,
        step_before=step_before if step_before is not None else instance.current_step,
        step_after=instance.current_step, data=data))


_INSERT_AUDIT = sa.insert(AuditEvent.__table__)
