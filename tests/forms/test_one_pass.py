"""Every error of a form in one pass: the fields' own checks, the form's cross-field checks and
the rules over the context together (a check that reads a refused field is skipped); a score
names its criterion and its 满分; dates of what happened are plausible."""
from __future__ import annotations

from datetime import datetime

from forms.registry import load_form
from tests.forms.factories import refusal, sample
from tests.forms.step_forms import load_task_form
from workflows.dates import SHANGHAI

STARTED = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)
NOW = datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI)
DATES = {"started_at": STARTED, "now": NOW}


def test_a_field_error_and_a_cross_field_error_come_together():
    raw, ctx = sample("recommend_project")
    raw.update(intent=None, sector=None, rank="第一")
    assert refusal("recommend_project", raw, ctx) == {
        "rank": ["「推荐排序」应为整数"], "intent": ["推荐时须填写「推介意向」"]}


def test_a_rule_over_the_context_comes_with_the_schema_errors():
    raw, ctx = sample("check_exclusions")
    raw.update(exclusion_outcome="excluded", violated_rules=["state_secret"], comment="长" * 501)
    errors = refusal("check_exclusions", raw, ctx | {"project_type": "finance_product"})
    assert set(errors) == {"comment", "violated_rules"}
    assert "不适用于科技金融创新产品项目" in errors["violated_rules"][0]


def test_a_score_over_its_maximum_is_refused_with_the_other_errors():
    raw, ctx = sample("review_application")
    raw.update(scores={"plan": 41, "team": -2}, comment=None)
    assert refusal("review_application", raw, ctx) == {
        "scores.plan": ["「工作方案」满分40分，不能超过40分（当前41分）"],
        "scores.team": ["「团队实力」不能小于0（当前-2）"],
        "comment": ["「评审意见」为必填项"]}


def test_a_criterion_left_unscored_is_named_when_another_is_malformed():
    raw, ctx = sample("review_application")
    raw["scores"] = {"plan": "三十", "bonus": 5}
    assert refusal("review_application", raw, ctx) == {
        "scores.plan": ["「工作方案」应为数字"], "scores.bonus": ["「评分」中的“bonus”不是本次评审标准"],
        "scores.team": ["「团队实力」未评分"]}


def test_a_rule_reading_a_refused_field_is_skipped():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = [11, "十二", 13]  # no "不少于3名（当前2名）" from the two that loaded
    assert refusal("assign_reviewers", raw, ctx) == {"reviewers.1": ["「评审专家」中的一项应为整数"]}


def test_a_pitch_before_the_project_was_started_is_refused():
    raw, _ = sample("pitch_project")
    raw["pitched_at"] = "2023-11-30T14:30"
    assert refusal("pitch_project", raw, DATES) == {
        "pitched_at": ["「推介时间」2023年11月30日早于项目发起日期2023年12月1日，请核对"]}


def test_a_pitch_booked_ahead_passes():
    raw, _ = sample("pitch_project")
    raw["pitched_at"] = "2024-09-10T14:30"
    assert load_task_form("pitch_project", raw, DATES)


def test_a_landing_in_the_future_is_refused_today_passes():
    raw, _ = sample("follow_up_project")
    raw["landed_on"] = "2024-07-02"
    assert refusal("follow_up_project", raw, DATES) == {
        "landed_on": ["「落地日期」2024年7月2日晚于今天，只能填写已发生的日期"]}
    raw["landed_on"] = "2024-07-01"
    assert load_task_form("follow_up_project", raw, DATES)


def test_a_follow_up_record_is_neither_before_the_start_nor_in_the_future():
    record = {"action": "走访需求方", "result": "确定中试场地"}
    assert refusal("follow_up_record", record | {"occurred_on": "2023-11-01"}, DATES) == {
        "occurred_on": ["「日期」2023年11月1日早于项目发起日期2023年12月1日，请核对"]}
    assert refusal("follow_up_record", record | {"occurred_on": "2024-08-01"}, DATES) == {
        "occurred_on": ["「日期」2024年8月1日晚于今天，只能填写已发生的日期"]}
    assert load_form("follow_up_record", record | {"occurred_on": "2024-03-01"}, DATES)


def test_date_errors_come_with_the_schema_errors_in_one_pass():
    raw, _ = sample("follow_up_project")
    raw.update(landed_on="2025-01-01", landing_evidence=None)
    assert refusal("follow_up_project", raw, DATES) == {
        "landed_on": ["「落地日期」2025年1月1日晚于今天，只能填写已发生的日期"],
        "landing_evidence": ["落地见效时须填写「落地见效情况」"]}


def test_a_grant_paper_dated_before_the_application_started_is_refused():
    raw, ctx = sample("midterm_check")
    raw["checked_on"] = "2023-11-30"
    errors = refusal("midterm_check", raw, ctx | DATES)
    assert errors == {"checked_on": ["「督查日期」2023年11月30日早于申报发起日期2023年12月1日，请核对"]}


def test_errors_come_in_the_order_of_the_form():
    _, ctx = sample("review_application")
    assert list(refusal("review_application", {"comment": None, "scores": {"plan": 41}}, ctx)) == [
        "scores.plan", "scores.team", "comment"]
    raw = {"scores": {"team": "高", "plan": 50}, "comment": None}
    assert list(refusal("review_application", raw, ctx)) == ["scores.team", "scores.plan", "comment"]
