"""Read projections written with every save: the diagram's highlights and an ended instance's result."""
from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from workflows import engine

from ...extensions import db
from ...models import ProcessInstance
from .definitions import specs_of
from .unit_of_work import transaction

# Process data the pages of an ended instance show (why it ended so), kept when it ends.
RESULT_KEYS = ("ineligible_reasons",)


def read_view(workflow, outcome: str | None) -> dict:
    """The projection columns save_instance writes beside the state (same UPDATE)."""
    view = {"progress": progress_of(workflow)}
    if outcome:
        view["outcome_data"] = result_of(workflow)
    return view


def progress_of(workflow) -> dict[str, list[str]]:
    """Completed and current (ready tasks, waiting events) BPMN ids; Spiff's own specs (Start,
    End joins) have no BPMN id and multi-instance children share their activity's id."""
    completed, current = set(), set()
    for task in _every_task(workflow):
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id is None:
            continue
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif task.state == TaskState.READY or (
                task.state == TaskState.WAITING and _is_event(task.task_spec)):
            current.add(bpmn_id)
    return {"completed": sorted(completed - current), "current": sorted(current)}


def result_of(workflow) -> dict:
    data = engine.process_data(workflow)
    return {key: data[key] for key in RESULT_KEYS if key in data}


def _every_task(workflow):
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def _is_event(task_spec) -> bool:
    return getattr(task_spec, "event_definition", None) is not None


# Instances saved before these projections existed ------------------------------------------

def fill_missing_progress(batch: int = 100) -> int:
    """Write the projections of instances saved before they existed (``grantflow init-db``
    runs this once after upgrading; a read never does). Returns how many were filled."""
    filled, after = 0, 0
    while ids := _missing(after, batch):
        with transaction():
            filled += sum(_fill(db.session.get(ProcessInstance, ident)) for ident in ids)
        after = ids[-1]
    return filled


def _missing(after: int, batch: int) -> list[int]:
    return list(db.session.scalars(sa.select(ProcessInstance.id).where(
        ProcessInstance.progress.is_(None), ProcessInstance.id > after)
        .order_by(ProcessInstance.id).limit(batch)))


def _fill(instance: ProcessInstance) -> bool:
    """Only where still missing: a step saved meanwhile wrote fresher values."""
    workflow = engine.restore(instance.state, *specs_of(instance.definition))
    table = ProcessInstance.__table__
    result = db.session.execute(sa.update(table).where(
        table.c.id == instance.id, table.c.progress.is_(None)).values(
        **read_view(workflow, instance.outcome)))
    return result.rowcount == 1
