"""全额退还通知: the notice that a team which failed 绩效评估 and, after the month of 限期整改,
its 复评, returns the whole funded amount and may not apply to next year's call (seed 003)."""
from __future__ import annotations

from .filters import cn_date, number

TEMPLATE = "refund_notice.html"
DEFAULT_ISSUER = "四川省科学技术协会"


def build_context(data: dict) -> dict:
    call, refund = data.get("call") or {}, data.get("refund") or {}
    year = call.get("year")
    return {
        "title": "全额退还项目经费通知",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "call_name": call.get("name") or "",
        "addressee": data.get("society") or "",
        "project_name": data.get("project_name") or "",
        "amount_wan": number(data.get("amount_wan")),
        "evaluated_on": cn_date(data.get("evaluated_on")),
        "rectification_due": cn_date(data.get("rectification_due")),
        "re_evaluated_on": cn_date(data.get("re_evaluated_on")),
        "barred_year": int(year) + 1 if year not in (None, "") else "下一",
        "issued_on": cn_date(data.get("issued_on")),
        "paid_on": cn_date(refund.get("paid_on")),
        "voucher_number": refund.get("voucher_number") or "",
        "copy_to": data.get("copy_to", "四川省财政厅"),
    }
