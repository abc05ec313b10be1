"""立项通知书: the notice a society receives once its 专家团 application passed 评审 and 公示
(seed 003 §二.（二）), with the obligations that follow: agreement, period, evaluation, refund."""
from __future__ import annotations

from .wording import grantee
from .filters import cn_date, number

TEMPLATE = "approval_notice.html"
DEFAULT_ISSUER = "四川省科学技术协会"


def build_context(data: dict) -> dict:
    call, notice = data.get("call") or {}, data.get("notice") or {}
    amount = notice.get("amount_wan")
    if amount in (None, ""):
        amount = call.get("award_amount_wan")
    issuer = data.get("issuer") or DEFAULT_ISSUER
    return {
        "title": "立项通知书",
        "issuer": issuer,
        "notice_number": notice.get("notice_number") or "",
        "call_name": call.get("name") or "",
        "year": call.get("year") or "",
        "addressee": data.get("society") or "",
        **grantee(data),
        "amount_wan": number(amount),
        "issued_on": cn_date(notice.get("issued_on")),
        "period_end": cn_date(data.get("period_end")),
        "evaluation_deadline": cn_date(data.get("evaluation_deadline")),
        "copy_to": data.get("copy_to", "四川省财政厅"),
    }
