"""绩效评估: each KPI target against its actual; the team passes only if every target is met.

A call's KPI row is {code, label, unit, target} plus, optionally:

- ``group``: rows sharing a group are alternatives — the group is met when any of its rows is
  (seed 001 产学融合会议: 至少1个国家级媒体，或省市两级10个以上地方媒体);
- ``min_words``: a written deliverable — an entry counts only if its 字数 reaches it
  (seed 001 智库报告: 每篇不少于5000字); the entry form refuses a shorter one.

``reductions`` ({code: reduced target}) are the targets 绩效评估 lowered where the call allows
it (seed 001 一（一）6、一（三）5: 实现重大技术转移转化并取得重大成效的，可适当抵减).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class KpiResult:
    code: str
    label: str
    unit: str
    target: Decimal       # the target in force: the call's, or the reduced one
    actual: Decimal
    met: bool             # this row's actual reaches its target
    call_target: Decimal | None = None  # the call's target (differs from target when reduced)
    reduced: bool = False
    group: str | None = None
    fulfilled: bool = False  # met, or another row of its group is met


def _decimal(value) -> Decimal:
    """Read as written: Decimal(str(0.3)) is 0.3, Decimal(0.3) is not."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def entry_counts(row: Mapping, word_count: int | None) -> bool:
    """Whether an entry of ``row`` counts: a written deliverable only with enough words."""
    minimum = row.get("min_words")
    return not minimum or (word_count is not None and word_count >= int(minimum))


def sum_entries(targets: list[dict], entries: Iterable[tuple[str, Decimal, int | None]]
                ) -> dict[str, Decimal]:
    """{code: total} of (code, quantity, word_count) entries, each counted per entry_counts."""
    rows = {row["code"]: row for row in targets}
    totals: dict[str, Decimal] = {}
    for code, quantity, word_count in entries:
        if entry_counts(rows.get(code, {}), word_count):
            totals[code] = totals.get(code, Decimal(0)) + _decimal(quantity)
    return totals


def reduced_targets(targets: list[dict], requested: Mapping | None) -> dict[str, Decimal]:
    """The reductions that lower a target: {code: reduced target} for the codes of ``targets``
    whose requested value is below the call's (equal means not reduced; others are ignored —
    the form's rules refuse them)."""
    calls = {row["code"]: _decimal(row["target"]) for row in targets}
    return {code: _decimal(value) for code, value in (requested or {}).items()
            if code in calls and value is not None and _decimal(value) < calls[code]}


def evaluate_kpis(targets: list[dict], actuals: Mapping[str, Decimal],
                  reductions: Mapping | None = None) -> tuple[bool, list[KpiResult]]:
    """(passed, per-KPI results): passed when every row is met, a group counting as met when
    any of its rows is. ``targets`` are the call's rows; ``reductions`` lower some of them."""
    lowered = reduced_targets(targets, reductions)
    rows = [_row_result(row, actuals, lowered) for row in targets]
    met_groups = {r.group for r in rows if r.group and r.met}
    results = [KpiResult(**{**r.__dict__, "fulfilled": r.met or r.group in met_groups})
               for r in rows]
    return all(r.fulfilled for r in results), results


def _row_result(row: dict, actuals: Mapping[str, Decimal], lowered: dict) -> KpiResult:
    call_target = _decimal(row["target"])
    target = lowered.get(row["code"], call_target)
    actual = _decimal(actuals.get(row["code"], 0))
    return KpiResult(row["code"], row["label"], row.get("unit", ""), target, actual,
                     actual >= target, call_target, target != call_target,
                     row.get("group") or None)
