"""KPI actuals of an application, summed from its entries, and the pass/fail they give."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from workflows.kpi import KpiResult, evaluate_kpis

from ...extensions import db
from ...models import GrantApplication, KpiEntry


def kpi_actuals(application_id: int) -> dict[str, Decimal]:
    entries = db.session.execute(sa.select(KpiEntry.kpi_code, KpiEntry.quantity)
                                 .filter_by(application_id=application_id)).all()
    totals: dict[str, Decimal] = {}
    for code, quantity in entries:
        totals[code] = totals.get(code, Decimal(0)) + quantity
    return totals


def kpi_outcome(application: GrantApplication) -> tuple[bool, list[KpiResult]]:
    return evaluate_kpis(application.call.kpi_targets, kpi_actuals(application.id))
