"""Calls as data: a 科创会 edition and a grant call."""
import datetime as dt
from decimal import Decimal

from forms import load_form
from tests.forms.factories import conference_edition, grant_call, refusal


def test_edition_loads_dates_and_quotas():
    payload = load_form("conference_edition", conference_edition()).payload
    assert payload["select_deadline"] == dt.date(2023, 12, 20)
    assert payload["quotas"]["roadshow_max"] == 120


def test_edition_deadlines_must_be_in_order():
    raw = conference_edition()
    raw["recommend_deadline"] = "2023-12-10"
    assert refusal("conference_edition", raw) == {"recommend_deadline": [
        "「推荐截止日期」2023-12-10不能早于「项目征集截止日期」2023-12-15"]}


def test_conference_must_start_after_selection():
    raw = conference_edition()
    raw["conference_start"] = "2023-12-20"
    assert refusal("conference_edition", raw) == {"conference_start": [
        "「大会开始日期」2023-12-20应晚于「遴选截止日期」2023-12-20"]}


def test_follow_up_cannot_end_before_the_conference():
    raw = conference_edition()
    raw["follow_up_until"] = "2024-01-11"
    assert list(refusal("conference_edition", raw)) == ["follow_up_until"]


def test_roadshow_minimum_above_maximum_is_refused():
    raw = conference_edition()
    raw["quotas"]["roadshow_min"] = 130
    assert refusal("conference_edition", raw) == {"quotas.roadshow_max": [
        "「专场推介项目数上限」不能小于「专场推介项目数下限」"]}


def test_edition_needs_a_sector():
    raw = conference_edition()
    raw["sectors"] = []
    assert refusal("conference_edition", raw) == {
        "sectors": ["「专场推介领域」至少填写1项（当前0项）"]}


def test_every_intent_needs_a_selecting_department():
    raw = conference_edition()
    del raw["selection_departments"]["showcase"]
    assert refusal("conference_edition", raw) == {"selection_departments": [
        "「遴选部门」须为每个推介意向指定部门，缺少：重点科创项目集中推介"]}


def test_selecting_department_for_an_unknown_intent_is_refused():
    raw = conference_edition()
    raw["selection_departments"]["gala"] = "office"
    errors = refusal("conference_edition", raw)
    assert list(errors) == ["selection_departments.gala.key"]


def test_grant_call_loads_money_and_ratios_as_decimals():
    payload = load_form("grant_call", grant_call()).payload
    assert payload["award_amount_wan"] == Decimal("30")
    assert payload["objective_weight"] == Decimal("0.4")
    assert payload["team_rules"]["senior_ratio"] == Decimal("0.6")


def test_grant_call_team_rules_are_optional():
    raw = grant_call()
    del raw["team_rules"]
    assert load_form("grant_call", raw).payload["team_rules"] is None


def test_grant_call_dates_must_be_in_order():
    raw = grant_call()
    raw["period_end"] = "2024-08-01"
    assert refusal("grant_call", raw) == {"period_end": [
        "「项目周期截止日期」2024-08-01不能早于「中期督查日期」2024-08-31"]}


def test_grant_call_award_must_be_positive():
    raw = grant_call()
    raw["award_amount_wan"] = 0
    assert refusal("grant_call", raw) == {"award_amount_wan": ["「每项资助金额（万元）」应大于0（当前0）"]}


def test_objective_weight_is_between_zero_and_one():
    raw = grant_call()
    raw["objective_weight"] = "1.5"
    assert refusal("grant_call", raw) == {"objective_weight": ["「客观分权重」应在0至1之间（当前1.5）"]}


def test_criterion_and_kpi_codes_must_be_unique():
    raw = grant_call()
    raw["review_criteria"].append({"code": "plan", "label": "方案（重复）", "max": 10})
    raw["kpi_targets"].append({"code": "cases", "label": "案例", "unit": "例", "target": 1})
    assert refusal("grant_call", raw) == {
        "review_criteria": ["「评审标准编号」不能重复：plan"],
        "kpi_targets": ["「绩效指标编号」不能重复：cases"]}


def test_codes_are_lower_case_identifiers():
    raw = grant_call()
    raw["program_code"] = "Expert Team"
    message = refusal("grant_call", raw)["program_code"][0]
    assert message.startswith("「项目类别代码」格式不正确：只能包含小写字母、数字和下划线")


def test_grant_call_kind_reduction_and_source_fixed_values():
    raw = grant_call() | {"kind": "service_team", "reduction_allowed": True,
                          "source_fixed": ["kpi_targets"]}
    payload = load_form("grant_call", raw).payload
    assert (payload["kind"], payload["reduction_allowed"], payload["source_fixed"]) == \
        ("service_team", True, ["kpi_targets"])
    assert refusal("grant_call", grant_call() | {"kind": "lottery"})["kind"][0].startswith("「申报书类型」")


def test_county_deadline_is_optional_and_not_after_the_citys():
    assert load_form("conference_edition", conference_edition()).payload.get(
        "county_recommend_deadline") is None
    raw = conference_edition()
    raw["county_recommend_deadline"] = "2023-11-02"  # seed 004's 区科协 date
    assert load_form("conference_edition", raw).payload["county_recommend_deadline"] == dt.date(2023, 11, 2)
    raw["county_recommend_deadline"] = "2023-12-16"
    assert refusal("conference_edition", raw) == {"county_recommend_deadline": [
        "「县（市、区）科协报送截止日期」2023-12-16不能晚于「推荐截止日期」2023-12-15"]}
