"""Per grant team (``/calls/<id>/figures``): every funded application's KPI progress against the
call's targets — the same actuals (entries that count, a written deliverable only with enough
words) and the same reductions and 或 groups the 绩效评估 uses (``kpi_outcome``)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ...models import GrantApplication, GrantCall, Org, User
from ...extensions import db
from ..grant.kpis import kpi_outcome
from ..shared.common import get_or_404
from .figure_scope import check_call_figures
from .figure_tables import Column, Table

PROGRESS_COLUMNS = (Column("label", "绩效指标", "text"), Column("target", "目标值"),
                    Column("actual", "已完成"), Column("percent", "完成率", "percent"),
                    Column("state", "达标情况", "text"))
NOTE = ("完成率 = 已完成 ÷ 目标值（绩效评估核减后的目标值优先），进度条封顶100%；"
        "字数不足的书面成果不计入；同一「或」组内任一指标达标即视为该组达标。")


@dataclass(frozen=True)
class CallFigures:
    call: GrantCall
    tables: list[Table]


def call_figures(call_id: int, user: User) -> CallFigures:
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    check_call_figures(user, call)
    funded = list(db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.call_id == call.id, GrantApplication.funded_amount_wan.is_not(None))
        .order_by(GrantApplication.rank, GrantApplication.id)))
    teams = [(application, *kpi_outcome(application)) for application in funded]
    return CallFigures(call, [overview_table(teams),
                              *(progress_table(application, results, index)
                                for index, (application, _, results) in enumerate(teams, 1))])


def percent(actual: Decimal, target: Decimal) -> Decimal:
    if target <= 0:
        return Decimal(100)
    return (actual * 100 / target).quantize(Decimal("1"), ROUND_HALF_UP)


def _state(result) -> str:
    if result.met:
        return "已达标"
    return "同组其他指标已达标" if result.fulfilled else "未达标"


def progress_table(application: GrantApplication, results, index: int) -> Table:
    rows = [{"label": r.label + (f"（{r.unit}）" if r.unit else ""),
             "target": r.target, "actual": r.actual, "percent": percent(r.actual, r.target),
             "bar": min(percent(r.actual, r.target), Decimal(100)), "state": _state(r),
             "reduced": r.reduced} for r in results]
    name = f"{index}. {_society(application)}"
    return Table(name, PROGRESS_COLUMNS, rows, note=NOTE, ident=f"team-{index}")


def overview_table(teams) -> Table:
    rows = [{"team": _society(application), "title": application.title,
             "funded": application.funded_amount_wan,
             "met": sum(r.fulfilled for r in results), "count": len(results),
             "passed": "全部达标" if passed else "尚未全部达标"}
            for application, passed, results in teams]
    columns = (Column("team", "承担学会", "text"), Column("title", "项目名称", "text"),
               Column("funded", "资助金额（万元）", "wan"), Column("met", "已达标指标数"),
               Column("count", "指标总数"), Column("passed", "当前进度", "text"))
    return Table("资助项目绩效进度总览", columns, rows, ident="overview")


def _society(application: GrantApplication) -> str:
    return db.session.get(Org, application.society_org_id).name
