"""绩效评估报告: each KPI target against its actual, the 结论 and, when it failed, the one-month
限期整改 and the 全额退还 that follows (seed 003 §二.（四）); re-evaluation and refund when done."""
from __future__ import annotations

from .wording import grantee
from .filters import cn_date, number

TEMPLATE = "evaluation_report.html"
DEFAULT_ISSUER = "四川省科学技术协会"


def build_context(data: dict) -> dict:
    evaluation = data.get("evaluation") or {}
    passed, excellent = bool(data.get("passed")), bool(evaluation.get("excellent"))
    kpis = kpi_rows(data.get("kpis") or [])
    return {
        "title": "绩效评估报告",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "document_number": data.get("document_number") or "",
        "call_name": (data.get("call") or {}).get("name") or "",
        "addressee": data.get("society") or "",
        **grantee(data),
        "funded_amount_wan": number(data.get("funded_amount_wan")),
        "evaluated_on": cn_date(evaluation.get("evaluated_on")),
        "issued_on": cn_date(issued_on(data)),
        "kpis": kpis, "kpi_summary": kpi_summary(kpis),
        "reductions": reductions(kpis), "reduction_reason": evaluation.get("reduction_reason") or "",
        "passed": passed, "excellent": passed and excellent,
        "conclusion": conclusion(passed, excellent),
        "comment": paragraphs(evaluation.get("comment")),
        "bonus_note": evaluation.get("bonus_note") or "",
        "rectification_due": cn_date(data.get("rectification_due")),
        "re_evaluation": re_evaluation(data.get("re_evaluation")),
        "refund": refund(data.get("refund")),
    }


def issued_on(data: dict):
    """The report's date: given, else the latest step it reports (refund, re-evaluation,
    evaluation)."""
    refunded = (data.get("refund") or {}).get("paid_on")
    re_evaluated = (data.get("re_evaluation") or {}).get("evaluated_on")
    return (data.get("issued_on") or refunded or re_evaluated
            or (data.get("evaluation") or {}).get("evaluated_on"))


def conclusion(passed: bool, excellent: bool = False) -> str:
    if not passed:
        return "不合格"
    return "优秀" if excellent else "合格"


def kpi_rows(rows: list[dict]) -> list[dict]:
    """Display rows: targets are minimums (完成值 ≥ 目标值 is 达标); a target 抵减 lowered shows
    the call's beside it; a row of a group met by another row of it is 同组达标."""
    return [_kpi_row(row) for row in rows]


def _kpi_row(row: dict) -> dict:
    met = bool(row.get("met"))
    fulfilled = bool(row.get("fulfilled", met))
    reduced = bool(row.get("reduced"))
    return {"label": row.get("label") or row.get("code") or "", "unit": row.get("unit") or "",
            "target": f"≥{number(row.get('target'))}", "actual": number(row.get("actual"), "0"),
            "original": f"≥{number(row.get('call_target'))}" if reduced else "",
            "met": fulfilled, "verdict": verdict(met, fulfilled), "mark": "√" if fulfilled else "×"}


def verdict(met: bool, fulfilled: bool) -> str:
    if met:
        return "达标"
    return "同组达标" if fulfilled else "未达标"


def reductions(rows: list[dict]) -> list[dict]:
    """The targets 绩效评估 reduced (可适当抵减): what the call set, what was judged."""
    return [{"label": row["label"], "unit": row["unit"], "original": row["original"],
             "reduced": row["target"]} for row in rows if row["original"]]


def kpi_summary(rows: list[dict]) -> str:
    met = sum(1 for row in rows if row["met"])
    return f"共{len(rows)}项指标，达标{met}项，未达标{len(rows) - met}项。"


def paragraphs(text) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def re_evaluation(data: dict | None) -> dict | None:
    if not data:
        return None
    kpis = kpi_rows(data.get("kpis") or [])
    return {"passed": bool(data.get("passed")), "conclusion": conclusion(bool(data.get("passed"))),
            "comment": paragraphs(data.get("comment")), "kpis": kpis,
            "kpi_summary": kpi_summary(kpis) if kpis else ""}


def refund(data: dict | None) -> dict | None:
    if not data:
        return None
    return {"amount_wan": number(data.get("amount_wan")), "paid_on": cn_date(data.get("paid_on"))}
