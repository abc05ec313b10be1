"""科创项目 task forms: cross-field rules, context rules and the process data they write."""
import datetime as dt

import pytest

from forms import load_form
from tests.forms.step_forms import load_task_form
from tests.forms.factories import refusal, sample


def load(task, raw, ctx):
    return load_task_form(task, raw, ctx)


# submit_project ----------------------------------------------------------------------------

def test_submission_writes_project_type():
    raw, ctx = sample("submit_project")
    assert load("submit_project", raw, ctx).process_data == {"project_type": "tech_transfer"}


def test_project_landed_at_an_earlier_edition_is_refused():
    raw, ctx = sample("submit_project")
    ctx["landed_listing_ids"] = {raw["platform_listing_id"]}
    assert refusal("submit_project", raw, ctx) == {"platform_listing_id": [
        "「天府科技云发布编号」TFKJY-2023-000123对应的项目已在往届科创会落地转化，不再推荐"]}


def test_submission_without_landed_ids_in_context_is_a_programming_error():
    raw, _ = sample("submit_project")
    with pytest.raises(KeyError, match="landed_listing_ids"):
        load_task_form("submit_project", raw, {})


def test_submission_needs_the_commitment_ticked():
    raw, ctx = sample("submit_project")
    raw["commitment"] = False
    assert refusal("submit_project", raw, ctx) == {"commitment": ["须勾选「承诺所填信息真实有效」"]}


def test_submission_needs_a_platform_listing():
    raw, ctx = sample("submit_project")
    raw["platform_listing_id"] = ""
    assert refusal("submit_project", raw, ctx) == {
        "platform_listing_id": ["「天府科技云发布编号」为必填项"]}


def test_optional_fields_may_be_left_out_at_submission():
    raw, ctx = sample("submit_project")
    del raw["sector"], raw["financing_need_wan"]
    payload = load("submit_project", raw, ctx).payload
    assert payload["sector"] is None and payload["financing_need_wan"] is None


def test_materials_check_exclusions_needs_are_required_per_type():
    raw, ctx = sample("submit_project")
    del raw["video_ref"], raw["proof_ref"]
    assert refusal("submit_project", raw, ctx) == {
        "video_ref": ["科技成果转化项目须提供「大会推介视频」"],
        "proof_ref": ["科技成果转化项目须提供「成果证明材料」"]}


@pytest.mark.parametrize("project_type", ["tech_challenge", "finance_product"])
def test_no_proof_of_results_is_needed_for_challenges_and_finance_products(project_type):
    raw, ctx = sample("submit_project")
    raw["project_type"] = project_type
    del raw["proof_ref"], raw["tech_level"]  # 技术水平 is a criterion of 成果转化 and 推广 only
    assert load("submit_project", raw, ctx).payload["proof_ref"] is None


def test_missing_materials_show_with_the_other_errors():
    raw, ctx = sample("submit_project")
    raw["title"], raw["introduction_ref"] = "", ""
    assert refusal("submit_project", raw, ctx) == {
        "title": ["「项目名称」为必填项"],
        "introduction_ref": ["科技成果转化项目须提供「项目介绍资料」"]}


def test_sector_outside_the_edition_is_refused_when_sectors_are_given():
    raw, ctx = sample("submit_project")
    ctx["sectors"] = ["electronics_equipment"]
    assert refusal("submit_project", raw, ctx) == {
        "sector": ["「专场领域」“先进材料和医药健康”不是本届科创会的专场"]}


# check_exclusions --------------------------------------------------------------------------

def test_excluded_without_a_rule_is_refused():
    raw, ctx = sample("check_exclusions")
    raw["exclusion_outcome"] = "excluded"
    assert refusal("check_exclusions", raw, ctx) == {"violated_rules": [
        "审查结论为“不予推荐”时，须至少选择一项「违反的排除条款」"]}


def test_eligible_with_a_violated_rule_is_refused():
    raw, ctx = sample("check_exclusions")
    raw["violated_rules"] = ["state_secret"]
    assert refusal("check_exclusions", raw, ctx) == {"violated_rules": [
        "审查结论为“符合条件”时，不能选择「违反的排除条款」"]}


def test_returned_without_saying_what_to_supply_is_refused():
    raw, ctx = sample("check_exclusions")
    raw["exclusion_outcome"] = "returned"
    assert refusal("check_exclusions", raw, ctx) == {"comment": [
        "审查结论为“退回补充材料”时，须在「审查意见」中写明需补充的材料"]}


def test_rule_not_applicable_to_the_type_is_refused():
    raw, ctx = sample("check_exclusions")
    raw.update(exclusion_outcome="excluded", violated_rules=["already_solved", "state_secret"])
    assert refusal("check_exclusions", raw, ctx) == {"violated_rules": [
        "「违反的排除条款」“已攻克且取得成果”不适用于科技成果转化项目"]}


@pytest.mark.parametrize(("project_type", "code"), [
    ("tech_challenge", "already_solved"), ("tech_challenge", "unwilling_to_cooperate"),
    ("tech_transfer", "ip_dispute"), ("tech_promotion", "widely_promoted"),
    ("finance_product", "materials_missing"), ("finance_product", "landed_before"),
])
def test_rules_of_the_seed_apply_to_their_types(project_type, code):
    raw = {"exclusion_outcome": "excluded", "violated_rules": [code]}
    result = load("check_exclusions", raw, {"project_type": project_type})
    assert result.process_data == {"exclusion_outcome": "excluded"}


def test_finance_product_cannot_be_excluded_for_ip_dispute():
    raw = {"exclusion_outcome": "excluded", "violated_rules": ["ip_dispute"]}
    errors = refusal("check_exclusions", raw, {"project_type": "finance_product"})
    assert errors["violated_rules"] == [
        "「违反的排除条款」“存在知识产权权属争议且尚未解决”不适用于科技金融创新产品项目"]


def test_eligible_with_missing_materials_is_refused_when_the_submission_is_given():
    raw, ctx = sample("check_exclusions")
    ctx["submission"] = {"video_ref": "v.mp4", "introduction_ref": None, "proof_ref": None}
    assert refusal("check_exclusions", raw, ctx) == {"exclusion_outcome": [
        "项目缺少项目介绍资料、成果证明材料，不能判定为“符合条件”，请退回补充材料"]}


def test_challenge_needs_no_proof_of_results():
    raw, _ = sample("check_exclusions")
    ctx = {"project_type": "tech_challenge",
           "submission": {"video_ref": "v.mp4", "introduction_ref": "i.pdf"}}
    assert load("check_exclusions", raw, ctx).process_data == {"exclusion_outcome": "eligible"}


# recommend_project -------------------------------------------------------------------------

def test_recommendation_writes_outcome_intent_and_concierge():
    raw, ctx = sample("recommend_project")
    assert load("recommend_project", raw, ctx).process_data == {
        "recommend_outcome": "recommended", "intent": "major_roadshow", "concierge_user_id": 7}


def test_recommended_needs_intent_rank_and_concierge():
    raw, ctx = sample("recommend_project")
    del raw["intent"], raw["rank"], raw["concierge_user_id"], raw["sector"]
    assert refusal("recommend_project", raw, ctx) == {
        "intent": ["推荐时须填写「推介意向」"], "rank": ["推荐时须填写「推荐排序」"],
        "concierge_user_id": ["推荐时须填写「科服保姆」"]}


def test_major_roadshow_needs_a_sector():
    raw, ctx = sample("recommend_project")
    raw["sector"] = None
    assert refusal("recommend_project", raw, ctx) == {
        "sector": ["推介意向为重大科创项目专场推介会时须填写「专场领域」"]}


def test_not_recommended_needs_only_a_reason():
    raw = {"recommend_outcome": "not_recommended", "reason": "技术尚不成熟"}
    ctx = {"project_type": "tech_transfer", "concierge_user_ids": set()}
    assert load("recommend_project", raw, ctx).process_data == {
        "recommend_outcome": "not_recommended", "intent": None, "concierge_user_id": None}


def test_finance_product_cannot_be_recommended_for_the_opening():
    raw, ctx = sample("recommend_project")
    raw["intent"], ctx["project_type"] = "opening", "finance_product"
    assert refusal("recommend_project", raw, ctx) == {
        "intent": ["科技金融创新产品不参加开幕式发布，请选择其他「推介意向」"]}


def test_concierge_must_be_one_the_recommender_may_assign():
    raw, ctx = sample("recommend_project")
    ctx["concierge_user_ids"] = {8}
    assert refusal("recommend_project", raw, ctx) == {
        "concierge_user_id": ["「科服保姆」（用户编号7）不在本单位可指派的科服保姆中"]}


def test_rank_starts_at_one():
    raw, ctx = sample("recommend_project")
    raw["rank"] = 0
    assert refusal("recommend_project", raw, ctx) == {"rank": ["「推荐排序」不能小于1（当前0）"]}


# select_project ----------------------------------------------------------------------------

def test_selection_writes_outcome_and_bucket():
    raw, ctx = sample("select_project")
    assert load("select_project", raw, ctx).process_data == {
        "select_outcome": "selected", "bucket": "opening"}


def test_selected_needs_a_bucket():
    raw, ctx = sample("select_project")
    raw["bucket"] = None
    assert refusal("select_project", raw, ctx) == {"bucket": ["入选时须填写「入选推介类别」"]}


def test_roadshow_selection_needs_a_sector():
    raw, ctx = sample("select_project")
    raw["bucket"] = "major_roadshow"
    assert refusal("select_project", raw, ctx) == {
        "sector": ["入选重大科创项目专场推介会时须填写「专场领域」"]}


def test_opening_beyond_its_quota_is_refused_naming_the_quota():
    raw, ctx = sample("select_project")
    ctx["selection"]["usage"]["opening"]["tech_transfer"] = 10
    assert refusal("select_project", raw, ctx) == {"bucket": ["开幕式发布的科技成果转化项目已满10项"]}


def test_opening_quota_counts_per_type():
    raw, ctx = sample("select_project")
    ctx["selection"]["usage"]["opening"] = {"tech_promotion": 10}
    assert load("select_project", raw, ctx).process_data["bucket"] == "opening"


def test_roadshow_beyond_its_quota_is_refused():
    raw, ctx = sample("select_project")
    raw.update(bucket="major_roadshow", sector="modern_agriculture")
    ctx["selection"]["usage"]["major_roadshow"] = 120
    assert refusal("select_project", raw, ctx) == {"bucket": ["重大科创项目专场推介会项目已满120项"]}


def test_finance_product_cannot_be_selected_for_the_opening():
    raw, ctx = sample("select_project")
    ctx["project_type"] = "finance_product"
    assert refusal("select_project", raw, ctx) == {
        "bucket": ["科技金融创新产品不参加开幕式发布，请选择其他「入选推介类别」"]}


def test_not_selected_ignores_full_quotas():
    raw = {"select_outcome": "not_selected", "comment": "名额已满"}
    _, ctx = sample("select_project")
    ctx["selection"]["usage"]["opening"]["tech_transfer"] = 10
    assert load("select_project", raw, ctx).process_data == {
        "select_outcome": "not_selected", "bucket": None}


# pitch_project, sign_project, follow_up_project ---------------------------------------------

def test_pitch_time_without_offset_is_beijing_time():
    raw, ctx = sample("pitch_project")
    pitched_at = load("pitch_project", raw, ctx).payload["pitched_at"]
    assert pitched_at.utcoffset() == dt.timedelta(hours=8)


def test_negotiation_party_of_unknown_type_names_the_row():
    raw, ctx = sample("pitch_project")
    raw["negotiation_parties"].append({"name": "某银行", "party_type": "bank"})
    errors = refusal("pitch_project", raw, ctx)
    assert list(errors) == ["negotiation_parties.1.party_type"]


def test_contract_needs_a_positive_amount_and_a_kind():
    raw, ctx = sample("sign_project")
    raw["amount_wan"], raw["contract_kind"] = "0", None
    assert refusal("sign_project", raw, ctx) == {
        "contract_kind": ["签订合同时须填写「合同类型」"],
        "amount_wan": ["签订合同时「合同金额（万元）」须大于0"]}


def test_intent_needs_counterparty_and_date():
    raw = {"sign_outcome": "intent"}
    assert refusal("sign_project", raw) == {
        "counterparty": ["达成合作意向或签订合同时须填写「合作方」"],
        "signed_on": ["达成合作意向或签订合同时须填写「签约日期」"]}


def test_no_signing_needs_nothing_else():
    assert load("sign_project", {"sign_outcome": "none"}, {}).process_data == {
        "sign_outcome": "none"}


def test_landed_needs_date_and_evidence():
    assert refusal("follow_up_project", {"follow_up_outcome": "landed"}) == {
        "landed_on": ["落地见效时须填写「落地日期」"],
        "landing_evidence": ["落地见效时须填写「落地见效情况」"]}


def test_closed_needs_a_reason():
    assert refusal("follow_up_project", {"follow_up_outcome": "closed"}) == {
        "close_reason": ["终止跟踪时须填写「终止跟踪原因」"]}


def test_closing_writes_the_outcome():
    raw = {"follow_up_outcome": "closed", "close_reason": "企业放弃合作"}
    assert load("follow_up_project", raw, {}).process_data == {"follow_up_outcome": "closed"}


def test_follow_up_record_limits_its_texts():
    raw = {"occurred_on": "2024-03-01", "action": "走" * 501, "result": "明确需求"}
    assert refusal("follow_up_record", raw) == {"action": ["「采取措施」不超过500字（当前501字）"]}
    raw["action"] = "走访"
    assert load_form("follow_up_record", raw).payload["occurred_on"] == dt.date(2024, 3, 1)


def test_a_bucket_of_another_department_is_refused_in_the_single_decision():
    raw, ctx = sample("select_project")
    raw["bucket"] = "showcase"
    assert refusal("select_project", raw, ctx) == {"bucket": [
        "「入选推介类别」“重点科创项目集中推介”不由您所在部门遴选，请由负责部门在遴选工作台选入"]}


def test_the_placement_another_department_marked_is_confirmed_in_the_single_decision():
    raw, ctx = sample("select_project")
    raw["bucket"] = "showcase"
    ctx["selection"]["placed"] = "showcase"
    assert load("select_project", raw, ctx).process_data["bucket"] == "showcase"


def test_a_partner_project_takes_its_directed_slot_not_the_type_quota():
    raw, ctx = sample("select_project")
    ctx["quotas"]["directed_slots"] = {"partner_beijing": 5}
    ctx["selection"].update(partner_code="partner_beijing", partner_name="北京市科学技术协会")
    ctx["selection"]["usage"]["opening"]["tech_transfer"] = 10  # the province's line is full
    assert load("select_project", raw, ctx).process_data["bucket"] == "opening"
    ctx["selection"]["usage"]["directed"]["partner_beijing"] = 5
    assert refusal("select_project", raw, ctx) == {
        "bucket": ["开幕式发布给北京市科学技术协会的定向名额已满5项"]}


def test_positive_criteria_only_for_their_types():
    raw, ctx = sample("submit_project")
    raw.update(project_type="tech_challenge", tech_level="domestic_leading", maturity="pilot_done")
    assert refusal("submit_project", raw, ctx) == {
        "tech_level": ["「技术水平」不适用于科技难题攻关项目"],
        "maturity": ["「成熟度」不适用于科技难题攻关项目"]}


def test_a_declared_contract_needs_its_material():
    raw, ctx = sample("submit_project")
    raw.update(project_type="tech_promotion", tech_level="international_advanced",
               maturity="early_industrialisation", industry_university_contract=True,
               provincial_award=True)
    assert refusal("submit_project", raw, ctx) == {
        "contract_ref": ["已签订产学研合同或协议的，须上传「产学研合同或协议」"]}
    raw["contract_ref"] = "upload:contract-1"
    form = load("submit_project", raw, ctx).payload
    assert (form["maturity"], form["provincial_award"]) == ("early_industrialisation", True)


def test_criteria_the_type_has_are_declared():
    """Seed 004: 技术水平 for 成果转化 and 推广, 成熟度 for 推广 — declared, not left blank."""
    raw, ctx = sample("submit_project")
    del raw["tech_level"]
    assert refusal("submit_project", raw, ctx) == {"tech_level": ["科技成果转化项目须填写「技术水平」"]}
    raw["project_type"], raw["tech_level"] = "tech_promotion", "domestic_leading"
    assert refusal("submit_project", raw, ctx) == {"maturity": ["高新技术推广项目须填写「成熟度」"]}
    raw["project_type"], raw["tech_level"] = "tech_challenge", None
    del raw["proof_ref"]
    assert load("submit_project", raw, ctx).payload["project_type"] == "tech_challenge"
