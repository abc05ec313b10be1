"""科创会成果统计报告: the edition's totals, then projects pitched / intents / signed per 推介区
and per 市（州）, each as a table with its 合计 row and a bar chart (seed 002's figures)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from workflows.dates import SHANGHAI

from .charts import grouped_bar_chart
from .filters import as_date, cn_date, cn_month_day, number

TEMPLATE = "conference_report.html"
DEFAULT_ISSUER = "四川省科学技术协会"
COUNTS = ("pitched", "intents", "signed")
TOTALS = (("submitted", "征集项目", "项"), ("recommended", "推荐项目", "项"),
          ("selected", "遴选入选", "项"), ("pitched", "现场推介", "项"),
          ("intents", "达成合作意向", "项"), ("signed", "签约项目", "项"),
          ("landed", "落地见效", "项"), ("contract_wan", "合同金额", "万元"))


def build_context(data: dict) -> dict:
    edition = data.get("edition") or {}
    areas, cities = data.get("by_area") or [], data.get("by_city") or []
    return {
        "title": "科创会成果统计报告",
        "issuer": data.get("issuer") or DEFAULT_ISSUER,
        "document_number": data.get("document_number") or "",
        "addressee": data.get("addressee") or "",
        "edition_name": edition.get("name") or "",
        "period": period(edition.get("starts_on"), edition.get("ends_on")),
        "generated_at": moment(data.get("generated_at")),
        "issued_on": cn_date(data.get("generated_at")),
        "totals": key_figures(data.get("totals") or {}),
        "overview": overview(data.get("totals") or {}),
        "areas": table(areas, "area"), "cities": table(cities, "city"),
        "area_chart": grouped_bar_chart(areas, "area", chart_id="areas") if areas else "",
        "city_chart": grouped_bar_chart(cities, "city", chart_id="cities") if cities else "",
    }


def period(starts_on, ends_on) -> str:
    """2024年1月18日至1月19日 (the year once when both days fall in it)."""
    start, end = as_date(starts_on), as_date(ends_on)
    if not start or not end or start == end:
        return cn_date(start or end)
    return f"{cn_date(start)}至{cn_month_day(end) if start.year == end.year else cn_date(end)}"


def moment(value) -> str:
    """2024年2月5日 09:30 in Shanghai time (a bare date prints as a date)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and "T" in value:
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI) if value.tzinfo else value
        return f"{cn_date(local)} {local:%H:%M}"
    return cn_date(value)


def key_figures(totals: dict) -> list[dict]:
    return [{"label": name, "value": number(totals.get(key), "0"), "unit": unit}
            for key, name, unit in TOTALS]


def overview(totals: dict) -> str:
    n = {key: number(totals.get(key), "0") for key, _, _ in TOTALS}
    return (f"本届科创会共征集科创项目{n['submitted']}项，经各推荐单位推荐{n['recommended']}项，"
            f"遴选入选{n['selected']}项；现场推介{n['pitched']}项，达成合作意向{n['intents']}项"
            f"（意向率{rate(totals.get('intents'), totals.get('pitched'))}），签约项目{n['signed']}项，"
            f"合同金额{n['contract_wan']}万元；经科服保姆跟踪服务，落地见效{n['landed']}项。")


def table(rows: list[dict], name_key: str) -> dict:
    """Display rows plus their 合计 (sums of the rows themselves)."""
    sums = {key: sum(_decimal(row.get(key)) for row in rows) for key in (*COUNTS, "contract_wan")}
    return {"rows": [_display(row.get(name_key) or "", row) for row in rows],
            "sum": _display("合计", sums)}


def _display(name: str, row: dict) -> dict:
    figures = {key: number(row.get(key), "0") for key in (*COUNTS, "contract_wan")}
    return {"name": name, **figures,
            "intent_rate": rate(row.get("intents"), row.get("pitched")),
            "sign_rate": rate(row.get("signed"), row.get("pitched"))}


def rate(part, whole) -> str:
    """43.6% of ``whole``; "—" when nothing was pitched."""
    whole = _decimal(whole)
    if not whole:
        return "—"
    return f"{_decimal(part) * 100 / whole:.1f}%"


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
