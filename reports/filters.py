"""Jinja filters of the documents: dates, amounts and codes written the way offices print them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from markupsafe import Markup

from forms import choices
from forms.validators import fmt_number
from workflows.dates import SHANGHAI


def as_date(value) -> date | None:
    """A date from a date, an aware datetime (shown in Shanghai) or an ISO string."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return (value.astimezone(SHANGHAI) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        return as_date(datetime.fromisoformat(text))
    return date.fromisoformat(text[:10])


def _day_text(value, empty: str, with_year: bool) -> str:
    """A date in Chinese; blank when there is none, a draft's unreadable text as typed."""
    try:
        day = as_date(value)
    except ValueError:
        return str(value)
    if day is None:
        return empty
    return (f"{day.year}年" if with_year else "") + f"{day.month}月{day.day}日"


def cn_date(value, empty: str = "") -> str:
    """2024年4月2日."""
    return _day_text(value, empty, with_year=True)


def cn_month_day(value, empty: str = "") -> str:
    """4月2日 — the schedule table's 第一阶段 X月X日 至 X月X日."""
    return _day_text(value, empty, with_year=False)


def number(value, empty: str = "") -> str:
    """30, 2.5 — amounts without trailing zeros (万元 tables)."""
    if value in (None, ""):
        return empty
    try:
        return fmt_number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


_TRUE, _FALSE = ("true", "1", "on", "yes", "y", "是"), ("false", "0", "off", "no", "n", "否")


def yes_no(value, empty: str = "") -> str:
    """是/否 from a boolean or from a draft's raw form value ("true", "on", "false" …)."""
    if isinstance(value, str):
        text = value.strip().lower()
        return "是" if text in _TRUE else "否" if text in _FALSE else (value or empty)
    if value is None:
        return empty
    return "是" if value else "否"


_CHOICE_SETS = {name: dict(values) for name, values in vars(choices).items()
                if name.isupper() and isinstance(values, tuple) and values
                and all(isinstance(pair, tuple) and len(pair) == 2 for pair in values)}


def label(code, choice_set: str, empty: str = "") -> str:
    """The Chinese label of a code of forms.choices (``{{ row.fund_type|label('FUND_TYPES') }}``);
    an unknown code prints as itself rather than vanish."""
    if code in (None, ""):
        return empty
    return _CHOICE_SETS[choice_set].get(code, str(code))


def chars(text) -> int:
    """字数 as the form counts it: every character but whitespace."""
    return sum(1 for ch in str(text or "") if not ch.isspace())


def label_lines(text: str, width: int = 6) -> Markup:
    """A row label for a narrow cell: longer than ``width`` 字, it breaks once, the shorter part
    first ("专家团<br>科创工作室")."""
    if len(text) <= width:
        return Markup.escape(text)
    cut = (len(text) - 1) // 2
    return Markup.escape(text[:cut]) + Markup("<br>") + Markup.escape(text[cut:])


FILTERS = {"cn_date": cn_date, "cn_month_day": cn_month_day, "number": number,
           "yes_no": yes_no, "label": label, "chars": chars, "label_lines": label_lines}
