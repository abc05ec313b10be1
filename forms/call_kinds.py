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
class CallKind:
    code: str
    label: str
    application_form: type[FormSchema]
    source: str  # the seed document that fixes its rules


CALL_KINDS = {kind.code: kind for kind in (
    CallKind("expert_team", "专家团“深耕”赋能行动示范项目", ApplicationFormSchema,
             "《2024年度天府科技云专家团“深耕”赋能行动示范项目申报指南》"),
    CallKind("service_team", "“科创中国”科技服务团示范项目", ServiceTeamApplicationSchema,
             "《“科创中国”科技服务团及系列品牌活动项目实施要求》一"),
    CallKind("industry_forum", "“科创中国”产业创新论坛", IndustryForumApplicationSchema,
             "《“科创中国”科技服务团及系列品牌活动项目实施要求》二（一）"),
    CallKind("academia_meeting", "“科创中国”产学融合会议", AcademiaMeetingApplicationSchema,
             "《“科创中国”科技服务团及系列品牌活动项目实施要求》二（二）"),
)}
CALL_KIND_CHOICES = tuple((kind.code, kind.label) for kind in CALL_KINDS.values())
APPLICATION_FORMS = tuple(kind.application_form for kind in CALL_KINDS.values())


def application_form(kind: str) -> type[FormSchema]:
    return CALL_KINDS[kind].application_form
