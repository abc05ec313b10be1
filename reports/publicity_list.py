"""公示名单: a call's ranking as 省科协 publishes it for 公示 (seed 003 §二.（二）): 排名, 学会,
项目名称, 综合得分, 拟立项 or 候补, and when each entry's 公示期 ends."""
from __future__ import annotations

from .filters import cn_date, number

TEMPLATE = "publicity_list.html"
DEFAULT_ISSUER = "四川省科学技术协会"
RESULTS = {"funded": "拟立项", "reserve": "候补"}


def build_context(data: dict) -> dict:
    call = data.get("call") or {}
    rows = [_row(row) for row in data.get("rows") or [] if row.get("result") in RESULTS]
    return {
        "title": "公示名单",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "call_name": call.get("name") or "",
        "year": call.get("year") or "",
        "rows": rows,
        "funded": sum(row["result"] == RESULTS["funded"] for row in rows),
        "reserve": sum(row["result"] == RESULTS["reserve"] for row in rows),
        "issued_on": cn_date(data.get("issued_on")),
    }


def _row(row: dict) -> dict:
    return {"rank": row.get("rank") or "", "society": row.get("society") or "",
            "project_name": row.get("project_name") or "",
            "combined_score": number(row.get("combined_score")),
            "result": RESULTS[row["result"]], "publicity_ends": cn_date(row.get("publicity_ends"))}
