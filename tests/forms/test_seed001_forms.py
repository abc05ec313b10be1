"""The 申报书 of seed 001's programs: a 科技服务团 commits to every target of its call, a 品牌活动
plans the event seed 001 describes (title, 会期, 平行论坛, invitees, media, activities, report)."""
from __future__ import annotations

import pytest

from app.demo.samples import brand_event_form, service_team_form
from forms.brand_event_form import AcademiaMeetingApplicationSchema, IndustryForumApplicationSchema
from forms.errors import FormValidationError
from forms.registry import load_form
from forms.service_team_form import ServiceTeamApplicationSchema

SOCIETY = "四川省机械工程学会"
TARGETS = [{"code": "solutions_proposed", "label": "技术问题初步解决方案", "unit": "项", "target": "50"},
           {"code": "achievements_transferred", "label": "转化落地科技成果", "unit": "项", "target": "10"}]
CONTEXT = {"kpi_targets": TARGETS, "award_amount_wan": "50"}


def refusal(schema, raw, context=None) -> dict:
    with pytest.raises(FormValidationError) as refused:
        load_form(schema, raw, context or {})
    return refused.value.errors


def service(**changes) -> dict:
    return service_team_form(SOCIETY, 2023, TARGETS, **changes)


def test_a_service_team_commits_at_least_each_target():
    result = load_form(ServiceTeamApplicationSchema, service(), CONTEXT)
    assert result.payload["commitments"]["achievements_transferred"] == 10
    low = service(commitments={"solutions_proposed": "60", "achievements_transferred": "8"})
    assert refusal(ServiceTeamApplicationSchema, low, CONTEXT) == {
        "commitments.achievements_transferred": [
            "「转化落地科技成果」承诺值不得低于申报指南要求的10项（当前8项）"]}


def test_a_service_team_names_every_target_and_only_those():
    raw = service(commitments={"solutions_proposed": "60", "made_up": "3"})
    assert refusal(ServiceTeamApplicationSchema, raw, CONTEXT) == {
        "commitments.made_up": ["「绩效目标承诺值」中有一项不是本申报指南的绩效指标"],
        "commitments.achievements_transferred": ["「转化落地科技成果」未填写承诺值"]}


def test_a_service_team_must_pledge_platform_confirmation_and_has_no_expert_team_numbers():
    raw = service(platform_confirmation=False)
    errors = refusal(ServiceTeamApplicationSchema, raw, CONTEXT)
    assert list(errors) == ["platform_confirmation"]
    assert "“科创中国”平台确认" in errors["platform_confirmation"][0]
    six = service()
    assert len(six["team"]["members"]) == 6  # seed 003's ≥10 members do not hold here
    load_form(ServiceTeamApplicationSchema, six, CONTEXT)


def forum(**plan) -> dict:
    raw = brand_event_form(SOCIETY, 2023, "industry_forum")
    raw["plan"].update(plan)
    return raw


def meeting(**plan) -> dict:
    raw = brand_event_form(SOCIETY, 2023, "academia_meeting")
    raw["plan"].update(plan)
    return raw


def test_the_samples_meet_every_requirement():
    load_form(IndustryForumApplicationSchema, forum(), {})
    load_form(AcademiaMeetingApplicationSchema, meeting(), {})


def test_the_main_title_names_the_brand_and_the_event():
    errors = refusal(IndustryForumApplicationSchema, forum(title="智能装备产业创新论坛"))
    assert errors == {"plan.title": ["活动主标题应为“‘科创中国’XX产业创新论坛”（XX为产业或领域）"]}
    errors = refusal(AcademiaMeetingApplicationSchema, meeting(title="“科创中国”智能装备产业创新论坛"))
    assert errors == {"plan.title": ["活动主标题应为“‘科创中国’XX产学融合会议”（XX为产业或领域）"]}
    load_form(IndustryForumApplicationSchema, forum(title="‘科创中国’绿色化工产业创新论坛"), {})


def test_a_forum_lasts_two_days_with_three_parallel_forums():
    errors = refusal(IndustryForumApplicationSchema,
                     forum(end="2023-09-20", parallel_sessions=2))
    assert errors == {"plan.end": ["会期应在2天以上（当前1天）"],
                      "plan.parallel_sessions": ["应包括1场主论坛及3场以上平行论坛（当前2场）"]}
    load_form(AcademiaMeetingApplicationSchema, meeting(end="2023-09-20", parallel_sessions=0), {})


def test_all_four_invitee_groups_are_invited():
    errors = refusal(IndustryForumApplicationSchema, forum(invitees=["local_leaders"]))
    assert errors == {"plan.invitees": [
        "应邀请产业部门专家、“双创”示范基地代表、当地重点园区和企业代表参会"]}


def test_media_a_forum_needs_both_a_meeting_either():
    national_only = {"national": "科技日报", "local": "四川日报"}
    assert refusal(IndustryForumApplicationSchema, forum(media=national_only)) == {
        "plan.media": ["应在至少1家国家级媒体和省市两级10家以上地方媒体宣介（当前国家级1家、地方1家）"]}
    load_form(AcademiaMeetingApplicationSchema, meeting(media=national_only), {})
    nothing = {"national": "", "local": "四川日报\n四川日报"}  # the same medium counts once
    assert refusal(AcademiaMeetingApplicationSchema, meeting(media=nothing)) == {
        "plan.media": ["应在至少1家国家级媒体或省市两级10家以上地方媒体宣介（当前国家级0家、地方1家）"]}


def test_consulting_activities_and_a_think_tank_report():
    errors = refusal(IndustryForumApplicationSchema, forum(activities=3))
    assert errors == {
        "plan.activities": ["应开展不少于4次技术咨询、技术推广、成果对接等活动（当前3次）"]}
    assert refusal(IndustryForumApplicationSchema, forum(think_tank_topics=" ")) == {
        "plan.think_tank_topics": ["「拟提交的智库报告题目」为必填项"]}
    load_form(AcademiaMeetingApplicationSchema, meeting(activities=2), {})


def test_the_no_other_funding_pledge_is_required():
    raw = forum()
    raw["no_other_funding"] = False
    assert list(refusal(IndustryForumApplicationSchema, raw)) == ["no_other_funding"]


def test_budget_and_schedule_rules_hold_for_every_kind():
    raw = service()
    raw["budget"]["special_wan"], raw["budget"]["total_wan"] = "60", "70"
    raw["budget"]["lines"][0]["amount_wan"] = "50"
    errors = refusal(ServiceTeamApplicationSchema, raw, CONTEXT)
    assert errors["budget.special_wan"] == ["「专项资金（万元）」60万元超过资助额度50万元"]
