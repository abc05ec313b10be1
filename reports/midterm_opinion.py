"""中期督查意见: 省科协's opinion after the mid-term check (seed 003 §二.（三）): each KPI's
progress against its target from the KPI entries up to the check, the findings, the conclusion."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from forms.choices import MIDTERM_STATUSES, label_of

from .evaluation_report import paragraphs
from .wording import grantee
from .filters import cn_date, number

TEMPLATE = "midterm_opinion.html"
DEFAULT_ISSUER = "四川省科学技术协会"


def build_context(data: dict) -> dict:
    midterm = data.get("midterm") or {}
    return {
        "title": "中期督查意见",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "call_name": (data.get("call") or {}).get("name") or "",
        "addressee": data.get("society") or "",
        **grantee(data),
        "checked_on": cn_date(midterm.get("checked_on")),
        "period_end": cn_date(data.get("period_end")),
        "conclusion": label_of(MIDTERM_STATUSES, midterm.get("status") or ""),
        "warned": midterm.get("status") == "warned",
        "findings": paragraphs(midterm.get("findings")),
        "kpis": [progress_row(row) for row in data.get("kpis") or []],
    }


def progress_row(row: dict) -> dict:
    """目标值, 完成值 so far and 完成进度 (% of the target, 100% when it is already reached)."""
    target, actual = _decimal(row.get("target")), _decimal(row.get("actual"))
    share = min(actual / target, Decimal(1)) * 100 if target > 0 else Decimal(100)
    return {"label": row.get("label") or "", "unit": row.get("unit") or "",
            "target": number(target), "actual": number(actual, "0"),
            "progress": f"{share.quantize(Decimal(1))}%", "reached": actual >= target}


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
