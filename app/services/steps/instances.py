"""Process instances: start, complete a task, fire due timers, deliver messages.

One use case is one transaction: load the instance, advance the workflow in memory, save state,
projections (tasks, timers) and an audit event — or, on any error, roll back and leave the
instance exactly as it was. What a task needs beyond the engine (form, facts, hooks, due rule)
comes from its Step (steps/catalog.py).
"""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from SpiffWorkflow.exceptions import WorkflowException

from forms.errors import FormValidationError
from workflows import clock, engine

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, User
from ..shared import workflow_cache
from ..shared.access import check_may_complete
from ..shared.definitions import latest_definition, specs_of
from ..shared.errors import Conflict, InvalidInput, ServiceError
from ..shared.progress import read_view
from ..shared.projections import current_step, grant_view, sync_projections
from .catalog import catalog
from .handled import existing_task, task_transaction


class ProcessError(ServiceError):
    """The process model could not advance (a modelling error); nothing was changed."""


@contextmanager
def _engine_errors():
    try:
        yield
    except engine.ModelError as err:
        raise ProcessError(f"流程模型有误：{err}") from err
    except engine.EngineError as err:  # the step is no longer there (raced, or stale page)
        raise Conflict("该事项已办理或流程已变化，请刷新后重试") from err
    except WorkflowException as err:
        raise ProcessError(f"流程无法继续：{err}") from err


def start_instance(process_key: str, *, business_key: str, title: str, owner_org_id: int,
                   data: dict, user: User | None) -> ProcessInstance:
    """Create and advance a new instance (caller owns the transaction)."""
    definition = latest_definition(process_key)
    with _engine_errors():
        workflow = engine.start(*specs_of(definition), data)
    now = clock.now()
    instance = ProcessInstance(
        definition=definition, process_key=process_key, business_key=business_key, title=title,
        owner_org_id=owner_org_id, started_by_id=user.id if user else None, status="running",
        state="", serializer_version=definition.serializer_version, created_at=now, updated_at=now)
    db.session.add(instance)
    db.session.flush()
    grant_view(instance.id, {(owner_org_id, None)})
    save_instance(instance, workflow, engine.NOTHING, kind="started", actor=user, data=data)
    return instance


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
        sync_projections(instance, before, after, process, now)
        record_audit(instance, kind, actor, step_before=step_before, task=task, data=data, at=now)
    if instance.outcome and process.on_end:
        process.on_end(instance)


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


def complete_task(task_id: str, raw: dict, user: User) -> ProcessInstance:
    """A person completes a ready task with their form input (validated, authorised)."""
    with task_transaction(task_id, user):
        return complete_in_transaction(task_id, raw, user)


def complete_in_transaction(task_id: str, raw: dict, user: User) -> ProcessInstance:
    """complete_task's work, inside a transaction the caller owns (for use cases of several
    steps, e.g. opening an application and declaring eligibility together)."""
    task = existing_task(task_id)  # gone: completed meanwhile (409), not "not found"
    check_may_complete(user, task)
    instance = task.instance
    step = catalog().step(instance.process_key, task.task_name)
    try:
        result = step.load(raw, step.facts(instance, task, user))
    except FormValidationError as err:
        raise InvalidInput(err.errors) from err
    process_data = dict(result.process_data)
    if step.before:
        process_data.update(step.before(instance, result))
    workflow, before = load_for_change(instance)
    with _engine_errors():
        engine.complete(workflow, task_id, process_data)
    save_instance(instance, workflow, before, kind="completed", actor=user, task=task,
                  data={"form": result.payload, "process_data": process_data})
    if step.after:
        step.after(instance, result, user)
    return instance


def deliver_message(instance: ProcessInstance, name: str, payload: dict, actor: User | None,
                    workflow=None) -> None:
    """Deliver a message to a waiting instance (caller owns the transaction); the payload
    becomes the catching event's message variable. ``workflow``: the instance's workflow if
    the caller has just loaded it (not yet changed)."""
    workflow, before = (workflow, engine.waits(workflow)) if workflow else load_for_change(instance)
    with _engine_errors():
        engine.deliver_message(workflow, name, payload)
    save_instance(instance, workflow, before, kind="message", actor=actor,
                  data={"message": name, "payload": payload})
