"""The 申报书 (submit_application): every section of seed 003's form and each of its rules."""
import datetime as dt
from decimal import Decimal

import pytest

from tests.forms.step_forms import load_task_form
from forms.rules import DEFAULT_TEAM_RULES
from tests.forms.factories import SOCIETY, application, member, refusal, team


def test_valid_application_keeps_decimals_and_dates():
    result = load_task_form("submit_application", application())
    payload = result.payload
    assert result.process_data == {}
    assert payload["budget"]["total_wan"] == Decimal("40")
    assert payload["schedule"]["phases"][0]["start"] == dt.date(2024, 5, 1)
    assert payload["cover"]["application_date"] == dt.date(2024, 3, 25)
    assert payload["unit_info"]["fax"] is None
    assert len(payload["team"]["members"]) == 10


# 七、专家团成员组成及分工 ---------------------------------------------------------------------

def test_nine_members_are_refused():
    raw = application()
    raw["team"]["members"] = raw["team"]["members"][:9]
    raw["team"]["members"][8]["title_level"] = "副高"
    assert refusal("submit_application", raw) == {
        "team.members": ["专家团成员不少于10人（当前9人）"]}


def test_lead_not_in_first_row_is_refused():
    raw = application()
    raw["team"]["members"][0]["is_lead"] = False
    raw["team"]["members"][1]["is_lead"] = True
    assert refusal("submit_application", raw) == {
        "team.members.1.is_lead": ["领衔专家应填写在第1行（当前在第2行）"]}


def test_lead_with_associate_title_is_refused():
    raw = application()
    raw["team"]["members"][0]["title_level"] = "副高"
    assert refusal("submit_application", raw) == {
        "team.members.0.title_level": ["领衔专家应具备正高及以上职称（当前副高）"]}


def test_no_lead_is_refused():
    raw = application()
    raw["team"]["members"][0]["is_lead"] = False
    assert refusal("submit_application", raw) == {
        "team.members": ["须有且仅有1名领衔专家（当前0名）"]}


def test_two_leads_are_refused():
    raw = application()
    raw["team"]["members"][1]["is_lead"] = True
    assert refusal("submit_application", raw) == {
        "team.members": ["须有且仅有1名领衔专家（当前2名）"]}


def test_55_percent_senior_is_refused():
    raw = application()
    raw["team"] = team(["正高"] + ["副高"] * 10 + ["中级"] * 9)
    assert refusal("submit_application", raw) == {
        "team.members": ["副高及以上职称比例不低于60%（当前55%）"]}


def test_senior_ratio_is_shown_rounded_down():
    raw = application()
    raw["team"] = team(["正高"] * 2 + ["副高"] * 5 + ["中级"] * 5)  # 7 of 12 = 58.33…%
    assert refusal("submit_application", raw)["team.members"] == [
        "副高及以上职称比例不低于60%（当前58.3%）"]


def test_exactly_60_percent_senior_is_accepted():
    raw = application()
    raw["team"] = team(["正高"] * 2 + ["副高"] * 4 + ["中级"] * 4)
    assert load_task_form("submit_application", raw).payload["team"]["members"][0]["is_lead"]


def test_several_team_rules_are_reported_together():
    raw = application()
    members = [member(i, "中级") for i in range(8)]
    members[2]["is_lead"] = True
    raw["team"] = {"members": members}
    errors = refusal("submit_application", raw)
    assert errors["team.members"] == ["专家团成员不少于10人（当前8人）",
                                      "副高及以上职称比例不低于60%（当前0%）"]
    assert errors["team.members.2.is_lead"] == ["领衔专家应填写在第1行（当前在第3行）"]
    assert errors["team.members.2.title_level"] == ["领衔专家应具备正高及以上职称（当前中级）"]


def test_team_rules_are_reported_with_the_errors_of_other_sections():
    raw = application()
    raw["team"]["members"] = raw["team"]["members"][:9]
    raw["budget"]["self_wan"] = "12"
    errors = refusal("submit_application", raw)
    assert errors["team.members"] == ["专家团成员不少于10人（当前9人）"]
    assert errors["budget.self_wan"]


def test_team_rules_wait_for_the_rows_to_be_valid():
    raw = application()
    raw["team"]["members"] = raw["team"]["members"][:9]
    raw["team"]["members"][4]["age"] = 5
    assert refusal("submit_application", raw) == {
        "team.members.4.age": ["「年龄」应在18至100之间（当前5）"]}


def test_member_with_invalid_title_level_names_the_row():
    raw = application()
    raw["team"]["members"][4]["title_level"] = "教授"
    message = refusal("submit_application", raw)["team.members.4.title_level"][0]
    assert message == "「职称级别」的取值无效，可选：正高、副高、中级、初级、其他"


# 二、三、四: narratives ≤ 2000 字 -----------------------------------------------------------

NARRATIVES = [("key_measures", "重点工作内容及具体举措"),
              ("goals_and_outcomes", "项目目标及预期成效"),
              ("conditions_and_safeguards", "项目实施条件及保障措施")]


@pytest.mark.parametrize(("name", "label"), NARRATIVES)
def test_narrative_of_2001_characters_is_refused(name, label):
    raw = application()
    raw[name] = "深" * 2001
    assert refusal("submit_application", raw) == {name: [f"「{label}」不超过2000字（当前2001字）"]}


@pytest.mark.parametrize(("name", "label"), NARRATIVES)
def test_narrative_of_2000_characters_is_accepted(name, label):
    raw = application()
    raw[name] = "深" * 2000
    assert len(load_task_form("submit_application", raw).payload[name]) == 2000


@pytest.mark.parametrize(("name", "label"), NARRATIVES)
def test_narrative_is_required(name, label):
    raw = application()
    raw[name] = ""
    assert refusal("submit_application", raw) == {name: [f"「{label}」为必填项"]}


# 五、项目经费预算 ---------------------------------------------------------------------------

def test_total_not_equal_to_special_plus_self_is_refused():
    raw = application()
    raw["budget"]["total_wan"] = "45"
    errors = refusal("submit_application", raw)
    assert errors["budget.total_wan"] == [
        "「项目经费总预算（万元）」45万元与专项资金与自筹资金之和40万元不一致，相差5万元"]


def test_lines_not_adding_up_to_total_are_refused():
    raw = application()
    raw["budget"]["lines"][2]["amount_wan"] = "9.5"
    errors = refusal("submit_application", raw)
    assert errors["budget.lines"] == [
        "「项目经费总预算（万元）」40万元与经费支出预算表合计39.5万元不一致，相差0.5万元"]


def test_special_lines_not_adding_up_to_special_are_refused():
    raw = application()
    raw["budget"]["special_wan"], raw["budget"]["self_wan"] = "28", "12"
    errors = refusal("submit_application", raw)
    assert errors["budget.special_wan"] == [
        "「专项资金（万元）」28万元与预算表中专项资金支出合计30万元不一致，相差2万元"]


def test_self_lines_not_adding_up_to_self_are_refused():
    raw = application()
    raw["budget"]["special_wan"], raw["budget"]["self_wan"] = "28", "12"
    errors = refusal("submit_application", raw)
    assert errors["budget.self_wan"] == [
        "「自筹资金（万元）」12万元与预算表中自筹资金支出合计10万元不一致，相差2万元"]
    assert set(errors) == {"budget.special_wan", "budget.self_wan"}


def test_budget_needs_at_least_one_line():
    raw = application()
    raw["budget"]["lines"] = []
    assert refusal("submit_application", raw) == {
        "budget.lines": ["「经费支出预算表」至少填写1项（当前0项）"]}


def test_budget_line_with_unknown_fund_type_names_the_row():
    raw = application()
    raw["budget"]["lines"][1]["fund_type"] = "loan"
    message = refusal("submit_application", raw)["budget.lines.1.fund_type"][0]
    assert message == "「资金类别」的取值无效，可选：special（专项资金）、self（自筹资金）"


# 六、进度安排 -------------------------------------------------------------------------------

def test_phase_ending_before_it_starts_is_refused():
    raw = application()
    raw["schedule"]["phases"][1]["end"] = "2024-06-15"
    assert refusal("submit_application", raw) == {
        "schedule.phases.1.end": ["「结束日期」2024-06-15不能早于「开始日期」2024-07-01"]}


def test_overlapping_phases_are_refused():
    raw = application()
    raw["schedule"]["phases"][1]["start"] = "2024-06-30"
    assert refusal("submit_application", raw) == {"schedule.phases.1.start": [
        "第2阶段的「开始日期」2024-06-30应晚于第1阶段的「结束日期」2024-06-30"
        "（各阶段按时间先后排列，不得重叠）"]}


def test_schedule_needs_a_phase():
    raw = application()
    raw["schedule"]["phases"] = []
    assert refusal("submit_application", raw) == {
        "schedule.phases": ["「实施阶段」至少填写1项（当前0项）"]}


# 封面、一、科创工作室 -----------------------------------------------------------------------

def test_missing_field_of_section_one_is_named_with_its_path():
    raw = application()
    del raw["unit_info"]["legal_representative"]
    assert refusal("submit_application", raw) == {
        "unit_info.legal_representative": ["「法定代表人」为必填项"]}


def test_invalid_email_on_the_cover_is_refused():
    raw = application()
    raw["cover"]["contact_email"] = "not-an-email"
    assert refusal("submit_application", raw) == {
        "cover.contact_email": ["「电子信箱」格式不正确：应为有效的电子邮箱地址，如name@example.org"]}


@pytest.mark.parametrize("studio_name", [
    f"{SOCIETY}先进材料领域工作室",        # does not end with 专家团
    "四川省另一学会先进材料领域专家团",     # does not start with the society's name
    f"{SOCIETY}专家团",                    # no 领域 part
])
def test_studio_name_must_follow_society_field_team(studio_name):
    raw = application()
    raw["studio_name"] = studio_name
    message = refusal("submit_application", raw)["studio_name"][0]
    assert message.startswith("「科创工作室名称」应为“学会名称+XX领域+专家团”")


def test_cover_applicant_must_be_the_society():
    raw = application()
    raw["cover"]["applicant_unit"] = "示例材料研究院"
    assert refusal("submit_application", raw) == {"cover.applicant_unit": [
        f"封面「申报单位」应与「学会名称」“{SOCIETY}”一致（申报主体为省级学会）"]}


# Context rules -----------------------------------------------------------------------------

def test_special_funds_above_the_award_are_refused():
    raw = application()
    errors = refusal("submit_application", raw, {"award_amount_wan": Decimal("25")})
    assert errors == {"budget.special_wan": ["「专项资金（万元）」30万元超过资助额度25万元"]}


def test_special_funds_equal_to_the_award_are_accepted():
    load_task_form("submit_application", application(), {"award_amount_wan": Decimal("30")})


def test_phase_ending_after_the_project_period_is_refused():
    raw = application()
    raw["schedule"]["phases"][2]["end"] = "2025-01-15"
    errors = refusal("submit_application", raw, {"period_end": dt.date(2024, 12, 31)})
    assert errors == {"schedule.phases.2.end": [
        "「结束日期」2025-01-15不能晚于项目周期截止日期2024-12-31"]}


def test_standing_differing_from_the_self_declaration_is_refused():
    declared = {"inspection_previous": "合格", "inspection_last": "基本合格",
                "penalized": False, "notified": False}
    errors = refusal("submit_application", application(), {"eligibility": declared})
    assert errors == {"unit_info.inspection_last": ["「最近一次年检结论」与申报资格自查时的填报不一致"]}


# 专家团组建要求 of the call (context team_rules; the 2024 guide's when absent) ---------------

CALL_TEAM_RULES = {"min_members": 5, "lead_title_level": "副高", "senior_ratio": "0.5"}


def with_team(levels: list[str]) -> dict:
    raw = application()
    raw["team"] = team(levels)
    return raw


def test_default_team_rules_are_the_2024_guide_s():
    assert DEFAULT_TEAM_RULES == {"min_members": 10, "lead_title_level": "正高",
                                  "senior_ratio": Decimal("0.6")}


def test_call_rules_accept_a_team_the_2024_guide_refuses():
    raw = with_team(["副高", "副高", "副高", "中级", "中级", "初级"])  # 6 members, 50% senior
    assert refusal("submit_application", raw) == {
        "team.members": ["专家团成员不少于10人（当前6人）", "副高及以上职称比例不低于60%（当前50%）"],
        "team.members.0.title_level": ["领衔专家应具备正高及以上职称（当前副高）"]}
    result = load_task_form("submit_application", raw, {"team_rules": CALL_TEAM_RULES})
    assert len(result.payload["team"]["members"]) == 6


def test_call_rules_refuse_a_team_below_them_with_their_numbers():
    raw = with_team(["中级", "副高", "中级", "初级"])
    errors = refusal("submit_application", raw, {"team_rules": CALL_TEAM_RULES})
    assert errors == {
        "team.members": ["专家团成员不少于5人（当前4人）", "副高及以上职称比例不低于50%（当前25%）"],
        "team.members.0.title_level": ["领衔专家应具备副高及以上职称（当前中级）"]}


def test_lead_above_the_required_title_is_accepted():
    raw = with_team(["正高", "副高", "中级", "中级", "中级"])  # 40% senior
    rules = {**CALL_TEAM_RULES, "senior_ratio": Decimal("0.4")}
    load_task_form("submit_application", raw, {"team_rules": rules})


def test_call_rules_equal_to_the_guide_s_refuse_as_the_default_does():
    raw = application()
    raw["team"]["members"] = raw["team"]["members"][:9]
    raw["team"]["members"][8]["title_level"] = "副高"
    rules = {"min_members": 10, "lead_title_level": "正高", "senior_ratio": "0.6"}
    assert refusal("submit_application", raw, {"team_rules": rules}) == {
        "team.members": ["专家团成员不少于10人（当前9人）"]}


@pytest.mark.parametrize("change", [
    {"senior_ratio": "1.5"},
    {"senior_ratio": "六成"},
    {"min_members": 0},
    {"lead_title_level": "教授"},
    {"extra": 1},
])
def test_malformed_call_team_rules_raise_value_error(change):
    rules = {**CALL_TEAM_RULES, **change}
    with pytest.raises(ValueError, match="malformed team_rules"):
        load_task_form("submit_application", application(), {"team_rules": rules})


def test_call_team_rules_missing_a_number_raise_value_error():
    rules = {key: value for key, value in CALL_TEAM_RULES.items() if key != "min_members"}
    with pytest.raises(ValueError, match="min_members"):
        load_task_form("submit_application", application(), {"team_rules": rules})


def test_malformed_call_team_rules_raise_even_when_the_form_is_refused():
    raw = application()
    raw["budget"]["self_wan"] = "12"
    with pytest.raises(ValueError):
        load_task_form("submit_application", raw, {"team_rules": {"senior_ratio": "1.5"}})
