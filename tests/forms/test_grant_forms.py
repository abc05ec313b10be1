"""专家团 grant task forms (other than the 申报书): rules, context rules, process data."""
import json
from decimal import Decimal

import pytest

from forms import FormValidationError, load_form
from tests.forms.step_forms import load_task_form
from tests.forms.factories import CRITERIA, KPI_TARGETS, refusal, sample


def test_eligibility_writes_the_four_dmn_inputs():
    raw, ctx = sample("declare_eligibility")
    assert load_task_form("declare_eligibility", raw, ctx).process_data == {
        "inspection_previous": "合格", "inspection_last": "基本合格",
        "penalized": False, "notified": False}


def test_eligibility_answers_are_required():
    raw, ctx = sample("declare_eligibility")
    del raw["penalized"]
    assert refusal("declare_eligibility", raw, ctx) == {
        "penalized": ["「两年内是否受到行政处罚」为必填项"]}


# formal_review -----------------------------------------------------------------------------

def test_accepting_needs_every_checklist_item():
    raw, ctx = sample("formal_review")
    raw["checklist"]["stamped"] = False
    assert refusal("formal_review", raw, ctx) == {"checklist.stamped": ["受理须满足「已加盖公章」"]}


def test_returning_needs_a_comment():
    raw, ctx = sample("formal_review")
    raw["formal_review_outcome"] = "returned"
    assert refusal("formal_review", raw, ctx) == {
        "comment": ["退回补正或不予受理时须填写「审查意见」"]}


def test_an_application_is_returned_only_once():
    raw = {"formal_review_outcome": "returned", "checklist": {}, "comment": "缺少盖章页"}
    assert load_task_form("formal_review", raw, {"prior_returns": 0}).process_data == {
        "formal_review_outcome": "returned"}
    assert refusal("formal_review", raw, {"prior_returns": 1}) == {
        "formal_review_outcome": ["每项申报仅可退回补正一次，请选择受理或不予受理"]}


# assign_reviewers --------------------------------------------------------------------------

def test_reviewers_are_written_to_process_data():
    raw, ctx = sample("assign_reviewers")
    assert load_task_form("assign_reviewers", raw, ctx).process_data == {"reviewers": [11, 12, 13]}


def test_too_few_reviewers_are_refused():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = [11, 12]
    assert refusal("assign_reviewers", raw, ctx) == {"reviewers": ["评审专家不少于3名（当前2名）"]}


def test_reviewer_with_conflict_of_interest_is_refused():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = [11, 99, 13]
    assert refusal("assign_reviewers", raw, ctx) == {"reviewers.1": [
        "「评审专家」用户编号99不在可选评审专家中（非本次评审专家或存在利益冲突）"]}


def test_duplicate_reviewers_are_refused():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = [11, 12, 11]
    assert refusal("assign_reviewers", raw, ctx) == {"reviewers": ["「评审专家」不能重复：11"]}


# review_application ------------------------------------------------------------------------

def test_review_total_is_a_decimal_in_the_payload_and_a_float_in_process_data():
    raw, ctx = sample("review_application")
    result = load_task_form("review_application", raw, ctx)
    assert result.payload["total"] == Decimal("85.50")
    assert result.process_data == {"review": {"reviewer": 11, "total": 85.5}}
    assert json.loads(json.dumps(result.process_data)) == result.process_data


def test_every_criterion_must_be_scored():
    raw, ctx = sample("review_application")
    del raw["scores"]["team"]
    assert refusal("review_application", raw, ctx) == {"scores.team": ["「团队实力」未评分"]}


def test_score_above_the_criterion_maximum_is_refused():
    raw, ctx = sample("review_application")
    raw["scores"]["plan"] = 41
    assert refusal("review_application", raw, ctx) == {
        "scores.plan": ["「工作方案」满分40分，不能超过40分（当前41分）"]}


def test_score_for_an_unknown_criterion_is_refused():
    raw, ctx = sample("review_application")
    raw["scores"]["bonus"] = 5
    assert refusal("review_application", raw, ctx) == {
        "scores.bonus": ["「评分」中的“bonus”不是本次评审标准"]}


def test_negative_score_is_refused():
    raw, ctx = sample("review_application")
    raw["scores"]["plan"] = -1
    assert refusal("review_application", raw, ctx) == {
        "scores.plan": ["「工作方案」不能小于0（当前-1）"]}


def test_review_needs_the_reviewer_in_context():
    raw, _ = sample("review_application")
    with pytest.raises(KeyError, match="reviewer_id"):
        load_task_form("review_application", raw, {"criteria": CRITERIA})


# conclude_publicity ------------------------------------------------------------------------

def test_objection_outcome_needs_an_objection():
    raw = {"publicity_outcome": "objection_upheld", "objections": []}
    assert refusal("conclude_publicity", raw) == {"objections": [
        "公示结果为异议成立或不成立时，须至少填写一项「异议情况」"]}


def test_no_objection_cannot_list_objections():
    raw, ctx = sample("conclude_publicity")
    raw["publicity_outcome"] = "no_objection"
    assert refusal("conclude_publicity", raw, ctx) == {
        "objections": ["公示结果为“无异议”时不应填写「异议情况」"]}


def test_publicity_writes_its_outcome():
    result = load_task_form("conclude_publicity", {"publicity_outcome": "no_objection"})
    assert result.process_data == {"publicity_outcome": "no_objection"}


# amounts that must equal the call's figures ------------------------------------------------

@pytest.mark.parametrize(("task", "message"), [
    ("issue_approval", "「立项资助金额（万元）」应等于每项资助金额30万元（当前28万元）"),
    ("disburse_funds", "「拨付金额（万元）」应等于每项资助金额30万元（当前28万元）"),
    ("refund", "「退还金额（万元）」应等于全额退还的应退金额30万元（当前28万元）"),
])
def test_amount_must_equal_the_amount_due(task, message):
    raw, ctx = sample(task)
    raw["amount_wan"] = "28"
    assert refusal(task, raw, ctx) == {"amount_wan": [message]}


def test_agreement_needs_three_concierges():
    raw, ctx = sample("sign_agreement")
    raw["concierges"] = raw["concierges"][:2]
    assert refusal("sign_agreement", raw, ctx) == {"concierges": ["科服保姆不少于3名（当前2名）"]}


def test_midterm_status_must_be_known():
    raw, ctx = sample("midterm_check")
    raw["status"] = "late"
    assert refusal("midterm_check", raw, ctx) == {"status": [
        "「督查结论」的取值无效，可选：on_track（进展正常）、warned（预警）"]}


# evaluation --------------------------------------------------------------------------------

def test_evaluation_writes_whether_kpis_passed():
    raw, ctx = sample("evaluate_performance")
    assert load_task_form("evaluate_performance", raw, ctx).process_data == {
        "evaluation_passed": True}


FAILED = {"kpi_targets": KPI_TARGETS, "kpi_actuals": {"deals": 599}}


def test_excellent_only_when_kpis_passed():
    raw, _ = sample("evaluate_performance")
    assert refusal("evaluate_performance", raw, FAILED) == {
        "excellent": ["绩效指标未全部完成、评估不合格，不能「评为优秀」"]}


def test_failed_evaluation_is_written_as_such():
    raw, _ = sample("evaluate_performance")
    raw["excellent"] = False
    result = load_task_form("evaluate_performance", raw, FAILED)
    assert result.process_data == {"evaluation_passed": False}


def test_a_reduction_where_the_call_allows_none_is_refused_as_such():
    raw, ctx = sample("evaluate_performance")
    raw["kpi_reductions"], raw["reduction_reason"] = {"deals": "500"}, "转化成效显著"
    assert refusal("evaluate_performance", raw, ctx) == {
        "kpi_reductions": ["本项目申报指南未规定“可适当抵减”，不能抵减绩效目标"],
        "reduction_reason": ["本项目申报指南未规定“可适当抵减”，不能抵减绩效目标"]}


def reducible(raw: dict, ctx: dict):
    from forms.registry import load_form as load
    from forms.grant_forms import ReducibleEvaluationSchema
    from tests.forms.step_forms import step_named
    return load(ReducibleEvaluationSchema, raw, ctx, step_named("evaluate_performance").writes)


REDUCED = {"evaluated_on": "2024-01-20", "excellent": False, "comment": "实现重大技术转移转化。",
           "kpi_reductions": {"deals": "500"}, "reduction_reason": "促成一项作价投资3000万元的转化。"}


def test_a_reduced_target_decides_the_pass():
    result = reducible(REDUCED, {"kpi_targets": KPI_TARGETS, "kpi_actuals": {"deals": 520}})
    assert result.process_data == {"evaluation_passed": True}
    assert result.payload["kpi_reductions"] == {"deals": Decimal("500")}


def test_a_reduction_needs_its_reason():
    with pytest.raises(FormValidationError) as caught:
        reducible({**REDUCED, "reduction_reason": ""}, {**FAILED})
    assert caught.value.errors == {"reduction_reason": [
        "抵减绩效目标时须填写「重大技术转移转化情况（抵减理由）」"]}


def test_a_reduction_above_the_target_or_below_zero_is_refused():
    with pytest.raises(FormValidationError) as caught:
        reducible({**REDUCED, "kpi_reductions": {"deals": "650"}}, FAILED)
    assert caught.value.errors == {"kpi_reductions.deals": [
        "「科技供需交易合作总金额」抵减后的目标不得高于申报指南要求的600万元（当前650万元）"]}
    with pytest.raises(FormValidationError) as caught:
        reducible({**REDUCED, "kpi_reductions": {"deals": "-1"}}, FAILED)
    assert caught.value.errors == {"kpi_reductions.deals.value": [
        "「抵减后的绩效目标」不能小于0（当前-1）"]}


def test_targets_left_as_they_are_need_no_reason():
    result = reducible({**REDUCED, "kpi_reductions": {"deals": "600"}, "reduction_reason": None},
                       {"kpi_targets": KPI_TARGETS, "kpi_actuals": {"deals": 600}})
    assert result.process_data == {"evaluation_passed": True}


def test_re_evaluation_writes_whether_kpis_passed_and_the_month_still_runs():
    raw, _ = sample("re_evaluate")
    result = load_task_form("re_evaluate", raw, {"kpi_passed": False, "rectification_open": True})
    assert result.process_data == {"re_evaluation_passed": False, "rectification_open": True}


def test_rectification_report_is_required():
    raw, ctx = sample("rectify")
    raw["report"] = "  "
    assert refusal("rectify", raw, ctx) == {"report": ["「整改报告」为必填项"]}


# kpi_entry ---------------------------------------------------------------------------------

KPI = {"kpi_code": "deal_amount", "quantity": "120.5", "occurred_on": "2024-07-01",
       "description": "与示例企业签订技术许可合同"}
DEAL = {"code": "deal_amount", "label": "科技供需交易合作总金额", "unit": "万元", "target": "600"}
REPORTS = {"code": "think_tank_reports", "label": "高质量智库报告", "unit": "篇", "target": "1",
           "min_words": 5000}


def kpi_context(*rows, platform: bool = False) -> dict:
    """The facts of a KPI entry as app/services/grant/kpis.py gives them."""
    rows = rows or (DEAL,)
    return {"kpi_codes": {row["code"] for row in rows}, "kpi_targets": list(rows),
            "platform_confirmation": platform}


def test_kpi_entry_must_use_a_code_of_the_call():
    errors = refusal("kpi_entry", {**KPI, "kpi_code": "papers"}, kpi_context())
    assert errors == {"kpi_code": ["「绩效指标」“papers”不是本指南的绩效指标"]}


def test_kpi_quantity_must_be_positive():
    errors = refusal("kpi_entry", {**KPI, "quantity": 0}, kpi_context())
    assert errors == {"quantity": ["「数量」应大于0（当前0）"]}


def test_kpi_entry_loads_quantity_as_decimal():
    payload = load_form("kpi_entry", KPI, kpi_context()).payload
    assert payload["quantity"] == Decimal("120.5") and payload["evidence_ref"] is None
    assert payload["platform_ref"] is None and payload["word_count"] is None


def test_kpi_entry_of_a_kechuang_china_call_needs_the_platform_confirmation():
    errors = refusal("kpi_entry", KPI, kpi_context(platform=True))
    assert errors == {"platform_ref": [
        "「“科创中国”平台确认编号」为必填项：任务完成情况须经“科创中国”平台确认"]}
    confirmed = load_form("kpi_entry", {**KPI, "platform_ref": "KCZG-2023-0042"},
                          kpi_context(platform=True)).payload
    assert confirmed["platform_ref"] == "KCZG-2023-0042"


def test_kpi_entry_of_an_expert_team_call_has_no_platform_confirmation():
    errors = refusal("kpi_entry", {**KPI, "platform_ref": "KCZG-1"}, kpi_context())
    assert errors == {"platform_ref": [
        "本项目的绩效数据不经“科创中国”平台确认，不填写「“科创中国”平台确认编号」"]}


REPORT = {"kpi_code": "think_tank_reports", "quantity": "1", "occurred_on": "2023-10-20",
          "description": "智能装备产业链短板与对策", "platform_ref": "KCZG-2023-0101"}


def test_a_think_tank_report_needs_its_word_count():
    errors = refusal("kpi_entry", REPORT, kpi_context(REPORTS, platform=True))
    assert errors == {"word_count": ["「字数」为必填项：高质量智库报告每篇不少于5000字"]}


def test_a_short_think_tank_report_is_refused_naming_the_rule():
    errors = refusal("kpi_entry", {**REPORT, "word_count": 4800}, kpi_context(REPORTS, platform=True))
    assert errors == {"word_count": ["「字数」不足：高质量智库报告每篇不少于5000字（当前4800字）"]}


def test_think_tank_reports_are_entered_one_at_a_time():
    errors = refusal("kpi_entry", {**REPORT, "quantity": "2", "word_count": 12000},
                     kpi_context(REPORTS, platform=True))
    assert errors == {"quantity": ["「数量」应为1：高质量智库报告逐篇填报、逐篇核对字数（当前2）"]}


def test_a_long_enough_report_is_accepted_with_its_words():
    payload = load_form("kpi_entry", {**REPORT, "word_count": "5000"},
                        kpi_context(REPORTS, platform=True)).payload
    assert payload["word_count"] == 5000
