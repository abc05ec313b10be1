"""A call's terms as an applicant reads them before applying: its kind and source document,
and for each value whether that document fixes it or the office set it (seed 001 fixes no money
and no dates — a value it does not fix is never shown as if it did)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from forms.call_kinds import CALL_KINDS
from forms.validators import fmt_number
from workflows.dates import shown_day

from ...models import GrantCall

FIXED = "申报指南规定"
SET_HERE = "本次设定（申报指南未规定）"
# seed 001 一（一）6 and 一（三）5
REDUCTION_RULE = "若实现重大技术转移转化并取得重大成效，量化实施要求可适当抵减（绩效评估时认定）"


@dataclass(frozen=True)
class Term:
    label: str
    value: str
    source: str | None  # FIXED / SET_HERE; None: a fact about the call, not a setting


def _day(value) -> str:
    return shown_day(value)


def call_terms(call: GrantCall) -> list[Term]:
    kind = CALL_KINDS[call.kind]
    fixed = set(call.source_fixed or ())

    def term(label: str, name: str, value: str) -> Term:
        return Term(label, value, FIXED if name in fixed else SET_HERE)

    terms = [
        Term("项目类别", kind.label, None),
        Term("依据", kind.source, None),
        term("立项数量", "awards_count", f"{call.awards_count}项"),
        term("每项资助金额", "award_amount_wan", f"{fmt_number(call.award_amount_wan)}万元"),
        term("申报截止", "apply_deadline", _day(call.apply_deadline)),
        term("项目周期截止", "period_end", _day(call.period_end)),
        term("绩效评估截止", "evaluation_deadline", _day(call.evaluation_deadline)),
        term("量化实施要求", "kpi_targets", kpi_requirements(call)),
    ]
    if call.reduction_allowed:
        terms.append(Term("抵减", REDUCTION_RULE, FIXED))
    return terms


def kpi_requirements(call: GrantCall) -> str:
    """The call's KPI targets as "汇聚可转移转化科技成果不少于50项；…": rows of one group (any one
    met is enough) joined by 或, a written deliverable with its 字数."""
    parts: list[str] = []
    groups: dict[str, int] = {}  # group → index of its part
    for row in call.kpi_targets:
        text = f"{row['label']}不少于{fmt_number(Decimal(str(row['target'])))}{row['unit']}"
        if row.get("min_words"):
            text += f"（每篇不少于{row['min_words']}字）"
        group = row.get("group")
        if group in groups:
            parts[groups[group]] += f"或{text}"
            continue
        if group:
            groups[group] = len(parts)
        parts.append(text)
    return "；".join(parts)
