"""KPI actuals of an application, summed from its entries, the pass/fail they give against the
call's targets (as 绩效评估 may have reduced them), and the facts a KPI entry is checked against."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from workflows.kpi import KpiResult, evaluate_kpis, sum_entries

from ...extensions import db
from ...models import GrantApplication, GrantCall, KpiEntry
from ..shared.call_settings import call_settings


def kpi_actuals(application: GrantApplication) -> dict[str, Decimal]:
    """{KPI code: total} of the entries that count (a written deliverable only when long enough)."""
    entries = db.session.execute(sa.select(KpiEntry.kpi_code, KpiEntry.quantity, KpiEntry.word_count)
                                 .filter_by(application_id=application.id)).all()
    return sum_entries(call_settings(application.instance).kpi_targets, [tuple(entry) for entry in entries])


def kpi_outcome(application: GrantApplication) -> tuple[bool, list[KpiResult]]:
    """Pass/fail against the call's targets, as 绩效评估 reduced them (kpi_reductions)."""
    return evaluate_kpis(call_settings(application.instance).kpi_targets, kpi_actuals(application),
                         application.kpi_reductions)


def needs_platform_confirmation(call: GrantCall) -> bool:
    """seed 001 (一（一）7、一（二）6、一（三）6; 二: 信息全部汇入平台): the work of its programs is
    confirmed on the “科创中国”平台; the 专家团 (seed 003) report through 天府科技云 instead."""
    return call.kind != "expert_team"


def kpi_entry_context(call: GrantCall) -> dict:
    """What the rules of a KPI entry (forms/rules.py) check it against: the call's KPI codes
    and rows (``min_words``), and whether the 平台确认编号 is required."""
    return {"kpi_codes": {row["code"] for row in call.kpi_targets}, "kpi_targets": call.kpi_targets,
            "platform_confirmation": needs_platform_confirmation(call)}
