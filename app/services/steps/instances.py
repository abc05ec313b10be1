"""Process instances: start one, complete a task, deliver a message (each saved by saving.py).

One use case is one transaction: load the instance, advance the workflow in memory, save state,
projections (tasks, timers) and an audit event — or, on any error, roll back and leave the
instance exactly as it was. What a task needs beyond the engine (form, facts, hooks, due rule)
comes from its Step (steps/catalog.py).
"""
from __future__ import annotations

from forms.errors import FormValidationError
from workflows import clock, engine

from ...extensions import db
from ...models import ProcessInstance, User
from ..shared.access import check_may_complete
from ..shared.definitions import latest_definition, specs_of
from ..shared.errors import InvalidInput
from ..shared.projections import grant_view
from .catalog import catalog
from .deadlines import on_time, task_action
from .handled import existing_task
from .saving import engine_errors, load_for_change, save_instance


def start_instance(process_key: str, *, business_key: str, title: str, owner_org_id: int,
                   data: dict, user: User | None) -> ProcessInstance:
    """Create and advance a new instance (caller owns the transaction)."""
    definition = latest_definition(process_key)
    with engine_errors():
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


def complete_task(task_id: str, raw: dict, user: User) -> ProcessInstance:
    """A person completes a ready task with their form input (validated, authorised)."""
    with task_action(task_id, user):
        return complete_in_transaction(task_id, raw, user)


def complete_in_transaction(task_id: str, raw: dict, user: User) -> ProcessInstance:
    """complete_task's work, inside a transaction the caller owns (for use cases of several
    steps, e.g. opening an application and declaring eligibility together)."""
    task = existing_task(task_id)  # gone: completed meanwhile (409), not "not found"
    check_may_complete(user, task)
    instance = on_time(task).instance  # a deadline passed meanwhile: LateAction
    step = catalog().step(instance.process_key, task.task_name)
    try:
        result = step.load(step.carry(instance, raw), step.facts(instance, task, user), instance)
    except FormValidationError as err:
        raise InvalidInput(err.errors) from err
    process_data = dict(result.process_data)
    if step.before:
        process_data.update(step.before(instance, result))
    workflow, before = load_for_change(instance)
    with engine_errors():
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
    with engine_errors():
        engine.deliver_message(workflow, name, payload)
    save_instance(instance, workflow, before, kind="message", actor=actor,
                  data={"message": name, "payload": payload})
