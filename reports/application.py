"""项目申报书: the printed form filled from a stored 申报书 payload, for every kind of call — seed
003's 专家团“深耕” form, seed 001's 科技服务团 and 品牌活动 forms (reports/application_kinds.py).

``build_context`` is pure and takes the data of ``reports.documents`` (``application``): the
form may be partial (a draft) or empty (the blank form) — every missing value becomes an empty
cell, every missing table gets the blank rows of the printed form. The sections follow the
kind's form, each printed by the template partial its ``part`` names; cover, 一 申报单位基本情况,
经费预算, 进度安排, 成员 and the 申报单位意见 are shared by all kinds.
"""
from __future__ import annotations

import re
from decimal import Decimal

from forms.application_form import CoverSchema, UnitInfoSchema
from forms.application_tables import BudgetLineSchema, MemberSchema, PhaseSchema
from forms.base import field_label
from forms.choices import FUND_TYPES

from . import application_seed001 as seed001
from .application_kinds import Paper, paper_of
from .tolerant import amount as _amount
from .tolerant import day as _day
from .tolerant import mapping as _mapping
from .tolerant import paragraphs as _paragraphs
from .tolerant import record as _record
from .tolerant import rows as _rows
from .tolerant import text as _text

TEMPLATE = "application.html"

CALL_NAME = "天府科技云专家团“深耕”赋能行动示范项目"  # the blank 专家团 form's title
YEAR_PREFIX = re.compile(r"^\s*\d{4}\s*年度?\s*")
# Where a cover title may break: around a 《》 or “” quotation, after a year, and after the
# words that end a name's parts (…服务团 | 示范…, …专家团 | “深耕”); nowhere else.
TITLE_BREAKS = re.compile(r"(\d{4}年度?|“[^”]*”|《[^》]*》|[^“《]*?(?:团|中国)(?=.))")
KEEP_LIMIT = 12  # characters: a piece longer than this might not fit a line of the cover
ORDINALS = "一二三四五六七八九十"
NO_YEAR = "\u3000\u3000"  # the blank form's "　　年度"
BLANK_ROWS = {"budget": 3, "phases": 3, "members": 5}
LEAD_DUTY = "牵头负责{team}全面工作。"

# The hints of the 专家团 form's sections 二–四 exactly as the printed form words them (the
# other kinds print their form's own help).
NARRATIVES = (
    ("key_measures", "二、重点工作内容及具体举措",
     "（围绕组建天府科技云专家团、开展各类科技服务活动、完成科技服务指标任务、建立专家团科服保姆"
     "工作机制等各个方面，阐明工作思路、重点工作内容和具体举措，注重工作的实效性、创新性、示范性，"
     "突出工作品牌打造。不超过2000字。）"),
    ("goals_and_outcomes", "三、项目目标及预期成效",
     "（阐明天府科技云专家团为我省“四化同步、城乡融合、五区共兴”战略部署提供科技支撑，以新质生产力"
     "为重要着力点推动高质量发展拟取得的目标任务、预期成效，成效定量与定性相结合，须体现高标准高质量。"
     "不超过2000字。）"),
    ("conditions_and_safeguards", "四、项目实施条件及保障措施",
     "（阐明专家团实施本项目的优势条件，提出项目建设在组织领导、人力物力、制度机制等方面将采取的务实"
     "有效的保障措施。不超过2000字。）"),
)
EXPERT_TEAM_HINTS = {key: (title, hint) for key, title, hint in NARRATIVES}


def build_context(data: dict) -> dict:
    """What application.html prints; tolerates any missing or partial part of ``data``."""
    data = _mapping(data)
    form, call = _mapping(data.get("form")), _mapping(data.get("call"))
    paper = paper_of(call.get("kind"))
    cover = _record(form.get("cover"), CoverSchema)
    cover["application_date"] = _day(cover["application_date"])
    project = _text(cover["project_name"])
    return {
        "title": f"{project} 申报书" if project else "项目申报书",
        "kind": paper.kind,
        "notes": paper.notes,
        "call": _call(call, paper),
        "cover": cover,
        "unit": _record(form.get("unit_info"), UnitInfoSchema),
        "sections": [_section(paper, name, form, call) for name in paper.sections()],
        "budget": _budget(_mapping(form.get("budget"))),
        "phases": _phases(_mapping(form.get("schedule")).get("phases")),
        "members": _members(_mapping(form.get("team")).get("members"), paper.team_word),
        "pledges": list(paper.pledges.values()),
        "submitted_at": data.get("submitted_at"),
    }


# Sections ---------------------------------------------------------------------------------

def _section(paper: Paper, name: str, form: dict, call: dict) -> dict:
    """One section of the kind's form: its title (the form's label) and what its part prints."""
    field = paper.schema._declared_fields[name]
    title = field.metadata.get("section_title") or field.metadata["label"]
    value = form.get(name)
    if name == "unit_info":
        return {"part": "unit", "title": title, "name_row": _name_row(paper, form)}
    if name == "focus":
        return {"part": "fields", "title": title, "rows": seed001.focus_rows(value)}
    if name == "plan":
        return {"part": "fields", "title": title, "rows": seed001.plan_rows(value, paper.event)}
    if name == "commitments":
        rows = seed001.target_rows(call.get("kpi_targets"), value)
        return {"part": "targets", "title": title, "rows": rows,
                "blank_rows": 0 if rows else seed001.BLANK_TARGET_ROWS}
    if name in ("budget", "schedule", "team"):
        return {"part": name, "title": title}
    if paper.kind == "expert_team" and name in EXPERT_TEAM_HINTS:
        return _narrative(value, *EXPERT_TEAM_HINTS[name])
    hint = field.metadata.get("help")
    return _narrative(value, title, f"（{hint}）" if hint else "")


def _name_row(paper: Paper, form: dict) -> tuple[str, str] | None:
    """The team's name under 学会名称 in 一 (科创工作室名称, 科技服务团名称), if the form has one."""
    if paper.name_field is None:
        return None
    return field_label(paper.schema, paper.name_field), _text(form.get(paper.name_field))


def _call(call: dict, paper: Paper) -> dict:
    """The cover's title lines, the program the 申报说明 names and the years the form names
    (2022/2023年度 for 2024): the program is the call's name without its year (the kind's
    program for the blank form)."""
    program, year = program_name(call.get("name"), paper.program), call.get("year")
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    head = program[:-2] if program.endswith("项目") else program
    return {"name": program, "head": head, "head_parts": title_parts(head),
            "tail": "项目申报书" if program.endswith("项目") else "申报书",
            "year": year or NO_YEAR, "previous_year": year - 2 if year else NO_YEAR,
            "last_year": year - 1 if year else NO_YEAR}


def program_name(call_name, blank: str = CALL_NAME) -> str:
    """2024年度天府科技云专家团“深耕”赋能行动示范项目 → 天府科技云专家团“深耕”赋能行动示范项目
    (the cover prints the year on a line of its own); the blank form's program when none."""
    return YEAR_PREFIX.sub("", _text(call_name)) or blank


def title_parts(title: str) -> list[str]:
    """The cover title in the pieces a line may break between — a year, a quoted name, a run
    ending in a word such as 专家团 or 示范 — each printed unbroken (a run too long for one line
    is left to break anywhere): no "示范" alone on a line."""
    pieces: list[str] = []
    for piece in (piece for piece in TITLE_BREAKS.split(title) if piece):
        if pieces and len(piece) <= 2:  # 示范 goes with the words before it
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return [piece for chunk in pieces for piece in _long_run(chunk)]


def _long_run(chunk: str) -> list[str]:
    """Runs longer than KEEP_LIMIT characters split into halves at most KEEP_LIMIT long."""
    if len(chunk) <= KEEP_LIMIT:
        return [chunk]
    middle = len(chunk) // 2
    return _long_run(chunk[:middle]) + _long_run(chunk[middle:])


def _narrative(text, title: str, hint: str) -> dict:
    return {"part": "narrative", "title": title, "hint": hint, "paragraphs": _paragraphs(text)}


def _budget(budget: dict) -> dict:
    """The stated totals and the expense table with its 合计 and the sums per 资金类别."""
    lines = [_record(row, BudgetLineSchema) for row in _rows(budget.get("lines"))]
    amounts = [_amount(row["amount_wan"]) for row in lines]
    by_type = [(label, sum((amount for row, amount in zip(lines, amounts)
                            if amount is not None and row["fund_type"] == code), Decimal(0)))
               for code, label in FUND_TYPES]
    entered = [amount for amount in amounts if amount is not None]
    return {
        "total_wan": _text(budget.get("total_wan")),
        "special_wan": _text(budget.get("special_wan")),
        "self_wan": _text(budget.get("self_wan")),
        "lines": lines,
        "blank_rows": 0 if lines else BLANK_ROWS["budget"],
        "sum_wan": sum(entered, Decimal(0)) if entered else "",
        "by_type": [(label, amount) for label, amount in by_type if entered],
    }


def _phases(phases) -> list[dict]:
    """The phases as printed (第一阶段 5月1日至6月30日); the blank form's three when none."""
    rows = [_record(row, PhaseSchema) for row in _rows(phases)]
    rows = rows or [_record({}, PhaseSchema) for _ in range(BLANK_ROWS["phases"])]
    for index, row in enumerate(rows):
        row["name"] = _text(row["name"]) or f"第{_ordinal(index + 1)}阶段"
        row["start"], row["end"] = _day(row["start"]), _day(row["end"])
        row["work"] = _paragraphs(row["work"])
    return rows


def _ordinal(number: int) -> str:
    """一 … 九十九 (第十二阶段); figures beyond."""
    if number >= 100:
        return str(number)
    if number <= 10:
        return ORDINALS[number - 1]
    tens, ones = divmod(number, 10)
    return f"{ORDINALS[tens - 1] if tens > 1 else ''}十{ORDINALS[ones - 1] if ones else ''}"


def _members(members, team_word: str) -> list[dict]:
    """The team, the 领衔专家 first (the others in their order); the blank form's five when none
    (the first 牵头负责专家团/服务团全面工作)."""
    rows = [_record(row, MemberSchema) for row in _rows(members)]
    rows.sort(key=lambda row: row["is_lead"] is not True)
    if not rows:
        rows = [_record({"is_lead": index == 0}, MemberSchema)
                for index in range(BLANK_ROWS["members"])]
        rows[0]["duty"] = LEAD_DUTY.format(team=team_word)
    rows[0]["is_lead"] = True  # the form's first row is the 领衔专家's
    for row in rows:
        row["titles"] = [part for part in (_text(row["title"]), _text(row["talent_title"])) if part]
    return rows
