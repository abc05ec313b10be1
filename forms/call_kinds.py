"""A grant call's kind: which 申报书 its applicants fill (and so which rules hold).

``expert_team`` is the 专家团“深耕”赋能 form of seed 003; the others are the 2023“科创中国”
programs of seed 001 — 科技服务团示范项目 (产业、区域、专业 share one form: their targets are
the call's KPI rows) and the two 试点城市系列品牌活动.
"""
from __future__ import annotations

from dataclasses import dataclass

from forms.application_form import ApplicationFormSchema
from forms.base import FormSchema
from forms.brand_event_form import AcademiaMeetingApplicationSchema, IndustryForumApplicationSchema
from forms.service_team_form import ServiceTeamApplicationSchema


@dataclass(frozen=True)
class Wording:
    """How the papers (立项通知书, 协议, 督查意见, 评估报告) speak of what is funded."""
    unit_label: str       # the row naming what carries the project out
    unit_field: str       # where the 申报书 names it (dotted path)
    lead_label: str       # 领衔专家 of a team; the 项目负责人 of an event
    implementer: str      # "组织{implementer}实施项目"
    data_basis: str       # "绩效评估以{data_basis}为准"
    platform: str         # where the evidence is (整改 佐证材料)
    publicity: str        # "…经形式审查、立项评审，{publicity}，现批准立项"
    concierges: bool      # the 科服保姆 clause and step (seed 003 only)

    def as_data(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class CallKind:
    code: str
    label: str
    application_form: type[FormSchema]
    source: str  # the seed document that fixes its rules
    wording: Wording


SEED_001 = "《“科创中国”科技服务团及系列品牌活动项目实施要求》"
# seed 001: 以上所述任务完成情况须经“科创中国”平台确认
PLATFORM_CONFIRMED = "经“科创中国”平台确认的任务完成情况"
KCZG, PUBLICISED = "“科创中国”平台", "并经公示无异议"  # seed 001 names no place of 公示
EVENT_WORDING = Wording("活动主标题", "plan.title", "项目负责人", "", PLATFORM_CONFIRMED, KCZG, PUBLICISED,
                        concierges=False)

CALL_KINDS = {kind.code: kind for kind in (
    CallKind("expert_team", "专家团“深耕”赋能行动示范项目", ApplicationFormSchema,
             "《2024年度天府科技云专家团“深耕”赋能行动示范项目申报指南》",
             Wording("专家团科创工作室", "studio_name", "领衔专家", "专家团",
                     "专家团科创工作室在天府科技云平台的数据", "天府科技云平台",
                     "并在四川省科协门户网站和天府科技云平台公示无异议", concierges=True)),
    CallKind("service_team", "“科创中国”科技服务团示范项目", ServiceTeamApplicationSchema,
             f"{SEED_001}一", Wording("科技服务团", "team_name", "领衔专家", "科技服务团", PLATFORM_CONFIRMED,
                                      KCZG, PUBLICISED, concierges=False)),
    CallKind("industry_forum", "“科创中国”产业创新论坛", IndustryForumApplicationSchema,
             f"{SEED_001}二（一）", EVENT_WORDING),
    CallKind("academia_meeting", "“科创中国”产学融合会议", AcademiaMeetingApplicationSchema,
             f"{SEED_001}二（二）", EVENT_WORDING),
)}
CALL_KIND_CHOICES = tuple((kind.code, kind.label) for kind in CALL_KINDS.values())
APPLICATION_FORMS = tuple(kind.application_form for kind in CALL_KINDS.values())


def application_form(kind: str) -> type[FormSchema]:
    return CALL_KINDS[kind].application_form
