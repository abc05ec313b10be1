"""Read projections written with every save: the diagram's highlights and an ended instance's result."""
from __future__ import annotations

import sqlalchemy as sa
from workflows import engine
from workflows.processes import ProcessRules, rules_for

from ...extensions import db
from ...models import ProcessInstance
from .definitions import specs_of
from .unit_of_work import transaction

def read_view(workflow, outcome: str | None, rules: ProcessRules) -> dict:
    """The projection columns save_instance writes beside the state (same UPDATE): the
    diagram's progress, and once ended the process data its pages show."""
    view = {"progress": engine.progress(workflow)}
    if outcome:
        data = engine.process_data(workflow)
        view["outcome_data"] = {key: data[key] for key in rules.result_keys if key in data}
    return view


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
        **read_view(workflow, instance.outcome, rules_for(instance.process_key))))
    return result.rowcount == 1
