"""The sections only seed 001's 申报书 have: 服务对象与协同工作机制 and 绩效目标 (科技服务团), 活动方案
(品牌活动). Pure and tolerant like reports.application: a draft's missing or unreadable value
prints as an empty cell; a code prints as its Chinese label or not at all — never as the code.

A section is a dict the template's partial of the same ``part`` prints:
``fields`` — {"rows": [{"label", "lines": [str]}]}, a label and its value's lines per row;
``targets`` — {"rows": [{"label", "required", "committed"}], "blank_rows": int}.
"""
from __future__ import annotations

from forms.base import field_label
from forms.brand_event_form import EVENT_CONTENTS, INVITEES, EventPlanSchema, MediaSchema
from forms.service_team_form import ServiceFocusSchema

from . import tolerant as t
from .application_kinds import is_forum
from .filters import cn_date, cn_month_day, number

BLANK_TARGET_ROWS = 3
LIST_SEPARATOR = "、"


def _row(label: str, *values) -> dict:
    """A row of the section's table: its lines are the values given, blank ones left out."""
    return {"label": label, "lines": [line for value in values for line in _lines(value)]}


def _lines(value) -> list[str]:
    return value if isinstance(value, list) else t.paragraphs(value)


def _labelled(schema: type, name: str, value) -> dict:
    return _row(field_label(schema, name), value)


# 科技服务团 -------------------------------------------------------------------------------

def focus_rows(focus) -> list[dict]:
    """二、服务对象与协同工作机制: the pilot city, the industry, the 协同工作机制."""
    focus = t.record(focus, ServiceFocusSchema)
    return [_labelled(ServiceFocusSchema, name, focus[name]) for name in focus]


def target_rows(targets, commitments) -> list[dict]:
    """四、绩效目标: each KPI of the call by its name, what the call requires and what the
    applicant commits to (both with the unit: 50项)."""
    commitments = t.mapping(commitments)
    rows = []
    for target in t.rows(targets):
        unit = t.text(target.get("unit"))
        committed = commitments.get(target.get("code"))
        rows.append({"label": t.text(target.get("label")),
                     "required": _quantity(target.get("target"), unit),
                     "committed": _quantity(committed, unit)})
    return rows


def _quantity(value, unit: str) -> str:
    """50项; a draft's text that is no number as typed; nothing when there is none."""
    figure = t.amount(value)
    if figure is not None:
        return f"{number(figure)}{unit}"
    return t.text(value) if isinstance(value, str) else ""


# 品牌活动 ---------------------------------------------------------------------------------

def plan_rows(plan, event) -> list[dict]:
    """二、活动方案, in the form's order: title, place and industry, dates and 会期, the forums,
    the contents and invitees by their labels, the media, the platform contact, the activities
    and the think-tank reports."""
    plan = t.record(plan, EventPlanSchema)
    media = t.record(plan["media"], MediaSchema)

    def label(name: str) -> str:
        return field_label(EventPlanSchema, name)

    return [
        _row(label("title"), plan["title"]),
        _row(label("city"), plan["city"]),
        _row(label("key_industry"), plan["key_industry"]),
        _row("举办日期", _dates(plan["start"], plan["end"])),
        _row(*_sessions(plan["parallel_sessions"], event)),
        _row(label("contents"), _labels(plan["contents"], EVENT_CONTENTS)),
        _row(label("invitees"), _labels(plan["invitees"], INVITEES)),
        _row(field_label(MediaSchema, "national"), _media(media["national"])),
        _row(field_label(MediaSchema, "local"), _media(media["local"])),
        _row(label("platform_contact"), plan["platform_contact"]),
        _row(label("platform_contact_mobile"), plan["platform_contact_mobile"]),
        _row(label("activities"), _count(plan["activities"])),
        _row(label("think_tank_topics"), plan["think_tank_topics"]),
    ]


def _dates(start, end) -> str:
    """2023年9月20日至9月21日（会期2天）; what is entered of it for a draft."""
    first, last = t.day(start), t.day(end)
    if not (first or last):
        return ""
    until = (cn_month_day(last) if first and last and first.year == last.year else cn_date(last))
    days = (last - first).days + 1 if first and last else 0
    return f"{cn_date(first, '　年　月　日')}至{until or '　月　日'}" + (
        f"（会期{days}天）" if days > 0 else "")


def _sessions(count, event) -> tuple[str, str]:
    """A forum: 主论坛1场、平行论坛3场 (seed 001 二（一）2); a meeting: its 平行论坛 if any."""
    sessions = t.amount(count)
    label = field_label(EventPlanSchema, "parallel_sessions").removesuffix("场数")
    if is_forum(event):
        return "论坛安排", (f"主论坛1场，{label}{number(sessions)}场" if sessions is not None
                          else "")
    return label, f"{number(sessions)}场" if sessions is not None else ""


def _labels(codes, choices) -> str:
    """The Chinese labels of the codes chosen, in the form's order; unknown codes left out."""
    chosen = set(codes) if isinstance(codes, list) else set()
    return LIST_SEPARATOR.join(label for code, label in choices if code in chosen)


def _media(text) -> str:
    """科技日报、四川日报（共2家）."""
    names = t.paragraphs(text)
    return f"{LIST_SEPARATOR.join(names)}（共{len(names)}家）" if names else ""


def _count(value) -> str:
    figure = t.amount(value)
    return number(figure) if figure is not None else ""
