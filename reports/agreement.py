"""实施协议: the agreement 省科协 (甲方) signs with the society (乙方) after 立项 (seed 003
§二.（二）): project, amount, period, the call's KPI targets, each party's duties, signatures."""
from __future__ import annotations

from .wording import grantee
from .filters import cn_date, number

TEMPLATE = "agreement.html"
DEFAULT_ISSUER = "四川省科学技术协会"


def build_context(data: dict) -> dict:
    call, agreement = data.get("call") or {}, data.get("agreement") or {}
    return {
        "title": "项目实施协议",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "agreement_number": agreement.get("agreement_number") or "",
        "call_name": call.get("name") or "",
        "society": data.get("society") or "",
        **grantee(data),
        "amount_wan": number(data.get("amount_wan")),
        "period_end": cn_date(data.get("period_end")),
        "evaluation_deadline": cn_date(data.get("evaluation_deadline")),
        "signed_on": cn_date(agreement.get("signed_on")),
        "targets": target_rows(call.get("kpi_targets") or []),
        "concierges": [row for row in agreement.get("concierges") or [] if isinstance(row, dict)],
    }


def target_rows(rows: list[dict]) -> list[dict]:
    """The call's 绩效指标 as the agreement binds them: minimums (≥ target)."""
    return [{"label": row.get("label") or "", "unit": row.get("unit") or "",
             "target": f"≥{number(row.get('target'))}"} for row in rows]
