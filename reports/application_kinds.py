"""How each kind of call prints its 申报书: which form, which program a blank form names, whether
it has a 申报说明 page, and the sections in the form's own order.

Only seed 003's form has a 申报说明 page (its four notes are that form's words); seed 001 writes
none for its programs, so theirs have none — what seed 001 does say (平台确认, 不得作为其他财政
经费支持的项目成果) is printed as the pledge of the 申报单位意见.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from forms.brand_event_form import FORUM, NO_OTHER_FUNDING, EventRules
from forms.call_kinds import CALL_KINDS
from forms.service_team_form import PLATFORM_CONFIRMATION

DEFAULT_KIND = "expert_team"
NOT_PRINTED_AS_SECTIONS = ("cover", "stamped_pdf_ref")  # the cover is the first page; a scan


@dataclass(frozen=True)
class Paper:
    kind: str
    program: str                     # the blank form's program (no call named)
    notes: bool = False              # seed 003's 申报说明 page
    name_field: str | None = None    # printed in 一 under 学会名称 (科创工作室 / 科技服务团名称)
    pledges: dict[str, str] = field(default_factory=dict)  # form field → what it commits to
    team_word: str = "专家团"         # the blank form's lead row: 牵头负责{team_word}全面工作。
    event: EventRules | None = None  # a 品牌活动's rules (seed 001 二)

    @property
    def schema(self) -> type:
        return CALL_KINDS[self.kind].application_form

    def sections(self) -> list[str]:
        """The form's fields printed as sections, in the form's order."""
        skipped = {*NOT_PRINTED_AS_SECTIONS, self.name_field, *self.pledges}
        return [name for name in self.schema._declared_fields if name not in skipped]


def _brand_event(kind: str, program: str) -> Paper:
    event = CALL_KINDS[kind].application_form.EVENT
    return Paper(kind, program, pledges={"no_other_funding": NO_OTHER_FUNDING}, event=event)


PAPERS = {paper.kind: paper for paper in (
    Paper("expert_team", "天府科技云专家团“深耕”赋能行动示范项目", notes=True,
          name_field="studio_name"),
    Paper("service_team", "“科创中国”科技服务团示范项目", name_field="team_name",
          pledges={"platform_confirmation": PLATFORM_CONFIRMATION}, team_word="服务团"),
    _brand_event("industry_forum", "“科创中国”产业创新论坛项目"),
    _brand_event("academia_meeting", "“科创中国”产学融合会议项目"),
)}


def paper_of(kind) -> Paper:
    """The kind's paper; the 专家团 form for a call that names none (or an unknown kind)."""
    return PAPERS.get(kind) or PAPERS[DEFAULT_KIND]


def is_forum(event: EventRules | None) -> bool:
    """A 产业创新论坛 (1场主论坛及平行论坛), not a 产学融合会议."""
    return event is not None and event.title_suffix == FORUM.title_suffix
