"""绩效评估: each KPI target against its actual; the team passes only if every target is met."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class KpiResult:
    code: str
    label: str
    unit: str
    target: Decimal
    actual: Decimal
    met: bool


def evaluate_kpis(targets: list[dict], actuals: dict[str, Decimal]) -> tuple[bool, list[KpiResult]]:
    """(passed, per-KPI results). ``targets`` are the call's rows {code, label, unit, target}."""
    results = []
    for row in targets:
        target = Decimal(str(row["target"]))
        actual = Decimal(actuals.get(row["code"], 0))
        results.append(KpiResult(row["code"], row["label"], row.get("unit", ""), target, actual,
                                 actual >= target))
    return all(r.met for r in results), results
