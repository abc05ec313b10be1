"""专家团 grant end to end through the services: eligibility, review, ranking, publicity,
funding, evaluation, rectification and refund — with a moved clock, never sleeping."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, GrantCall
from app.services.shared.errors import Conflict, InvalidInput, NotFound
from app.services.grant.applications import (bar_reason, concierges_of, priority_note, record_kpi,
                                               start_application)
from app.services.grant.ranking import publish_ranking, release_reserves
from app.services.background.timers import fire_due_timers
from tests.conftest import SHANGHAI
from tests.factories import application_form, review
from app.services.steps.saving import load_workflow
from app.services.steps.task_forms import carried_fields, prefill
from workflows import engine

from .grant_steps import ACCEPT, AGREEMENT, ELIGIBLE, apply, reviewed
from .steps import audit_kinds, complete, open_tasks, snapshot, task_of, timers_of


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    return world


def users(world):
    return world["users"]


def fund(world, clock, application):
    """From ranking (top) to disbursed funds."""
    u = users(world)
    publish_ranking(world["grant_call"].id, {application.id: "80"}, u["grant_officer"])
    fire_due_timers_at(clock, datetime(2024, 4, 30, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "conclude_publicity",
             {"publicity_outcome": "no_objection", "objections": []})
    complete(u["finance_reviewer"], application.instance, "finance_confirm_award", FINANCE_AGREED)
    complete(u["grant_officer"], application.instance, "issue_approval",
             {"notice_number": "川科协立项〔2024〕1号", "issued_on": "2024-04-30", "amount_wan": "30"})
    complete(u["soc_mfg_applicant"], application.instance, "sign_agreement", AGREEMENT)
    complete(u["finance_officer"], application.instance, "disburse_funds",
             {"amount_wan": "30", "paid_on": "2024-05-20", "voucher_number": "CZ-2024-088"})


def fire_due_timers_at(clock, moment):
    """Move the clock and let the timer sweep run, as the scheduler would."""
    clock.set(moment)
    return fire_due_timers()


def serve(application):
    """The society's first 科服保姆 account records its service (before the mid-term check)."""
    concierge = concierges_of(application.society_org_id)[0]
    complete(concierge, application.instance, "concierge_service", CONCIERGE_SERVICE)


def to_evaluation(world, clock, application, **achieved):
    """Funded, served, KPI entries recorded, mid-term checked, period ended: evaluation is due."""
    u = users(world)
    fund(world, clock, application)
    serve(application)
    achieve(world, application, **achieved)
    fire_due_timers_at(clock, datetime(2024, 9, 1, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "midterm_check",
             {"checked_on": "2024-09-02", "status": "on_track", "findings": "进展正常。"})
    fire_due_timers_at(clock, datetime(2025, 1, 1, 9, 0, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["evaluate_performance"]


def achieve(world, application, **quantities):
    for code, quantity in quantities.items():
        record_kpi(application.id, {"kpi_code": code, "quantity": str(quantity),
                                    "occurred_on": "2024-10-01", "description": "平台数据"},
                   users(world)["soc_mfg_applicant"])


FINANCE_AGREED = {"finance_outcome": "agreed", "signed_on": "2025-01-10"}
CONCIERGE_SERVICE = {"studio_opened": True, "capabilities_published": 20,
                     "services": "协助开设科创工作室，发布科技所能20项。", "served_on": "2024-06-10"}
ALL_TARGETS = dict(capabilities_published=20, recommended_to_conference=5, member_studios=100,
                   services=10, deal_amount=600, typical_cases=2, concierges=3)


def test_ranking_combines_expert_and_platform_scores_and_opens_publicity(grant_world):
    application = reviewed(grant_world)
    assert application.instance.current_step == "等待：等待排序结果"
    ranked = publish_ranking(grant_world["grant_call"].id, {application.id: "80"},
                             users(grant_world)["grant_officer"])
    assert ranked[0].rank == 1 and ranked[0].ranking_result == "funded"
    # expert mean 84 (25+26+16+17), platform 80, weight 0.3: 0.3×80 + 0.7×84 = 82.80
    assert application.expert_score == Decimal("84") and application.combined_score == Decimal("82.80")
    # 5 working days from Wed 2024-03-20: 21, 22, 25, 26, 27 March
    assert timers_of(application.instance)["publicity_period"].due_at == \
        datetime(2024, 3, 27, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_full_path_to_completed_with_excellent(grant_world, clock):
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application, **ALL_TARGETS)
    assert application.funded_amount_wan == Decimal("30")
    evaluate(grant_world, application, excellent=True)
    assert application.instance.outcome == "completed" and application.excellent
    assert application.outcome == "completed"


def test_ineligible_society_is_refused_with_reason(grant_world):
    u = users(grant_world)
    application = start_application(grant_world["grant_call"].id,
                                     grant_world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility",
             {**ELIGIBLE, "inspection_previous": "基本合格", "inspection_last": "基本合格"})
    assert application.instance.outcome == "ineligible"
    reasons = engine.process_data(load_workflow(application.instance))["ineligible_reasons"]
    assert reasons == ["最近两年年检结论连续为“基本合格”"]


def test_late_application_closes_at_deadline(grant_world, clock):
    u = users(grant_world)
    application = start_application(grant_world["grant_call"].id,
                                     grant_world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    assert task_of(application.instance, "submit_application").due_at == \
        datetime(2024, 4, 2, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    fire_due_timers_at(clock, datetime(2024, 4, 3, tzinfo=SHANGHAI))
    assert application.instance.outcome == "late"


def test_rejected_at_formal_review(grant_world):
    application = apply(grant_world)
    complete(users(grant_world)["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "rejected", "comment": "申报主体不符"})
    assert application.instance.outcome == "rejected"


def test_returned_once_then_second_return_refused(grant_world):
    u = users(grant_world)
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页"})
    assert open_tasks(application.instance) == ["submit_application"]
    complete(u["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(grant_world["orgs"]["soc_smart_mfg"].name))
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput):
        complete(u["grant_officer"], application.instance, "formal_review",
                 {**ACCEPT, "formal_review_outcome": "returned", "comment": "再次退回"})
    assert snapshot(application.instance) == before


def test_returned_after_the_apply_deadline_gets_its_correction_period(grant_world, clock):
    """形式审查 on 2024-04-03, after the 04-02 apply deadline: 退回补正 opens 填报申报书 again
    with 5 working days (the call's setting) — 04-04…04-06 清明 off, 04-07 a 调休 Sunday
    worked: 7, 8, 9, 10, 11 April."""
    u = users(grant_world)
    application = apply(grant_world)
    clock.set(datetime(2024, 4, 3, 10, 0, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页"})
    assert application.instance.status == "running"
    assert open_tasks(application.instance) == ["submit_application"]
    assert task_of(application.instance, "submit_application").due_at.astimezone(SHANGHAI).date() \
        == date(2024, 4, 11)
    fire_due_timers_at(clock, datetime(2024, 4, 11, 23, 59, 58, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["submit_application"]
    complete(u["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(grant_world["orgs"]["soc_smart_mfg"].name))
    assert open_tasks(application.instance) == ["formal_review"]


def test_correction_not_submitted_in_time_ends_overdue(grant_world, clock):
    grant_world["grant_call"].correction_working_days = 2
    application = apply(grant_world)
    clock.set(datetime(2024, 4, 8, 10, 0, tzinfo=SHANGHAI))  # Monday: due Wednesday 04-10
    complete(users(grant_world)["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页"})
    fire_due_timers_at(clock, datetime(2024, 4, 10, 23, 59, 58, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["submit_application"]
    fire_due_timers_at(clock, datetime(2024, 4, 11, 0, 0, 1, tzinfo=SHANGHAI))
    assert application.instance.outcome == "correction_overdue"
    assert application.outcome == "correction_overdue"


def test_reviewer_with_conflict_of_interest_refused(grant_world):
    u = users(grant_world)
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review", ACCEPT)
    with pytest.raises(InvalidInput) as refused:
        complete(u["grant_officer"], application.instance, "assign_reviewers",
                 {"reviewers": [u["expert_a"].id, u["expert_b"].id, u["expert_d"].id]})
    assert "reviewers" in str(refused.value.errors)


def test_parallel_reviews_any_order_and_only_own(grant_world):
    u = users(grant_world)
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(u["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [u["expert_a"].id, u["expert_b"].id, u["expert_c"].id]})
    assert open_tasks(application.instance) == ["review_application"] * 3
    for name, total in (("expert_c", (30, 30, 20, 20)), ("expert_a", (20, 20, 10, 10))):
        complete(u[name], application.instance, "review_application",
                 review(dict(zip(("measures", "goals", "conditions", "budget"), total))))
    assert open_tasks(application.instance) == ["review_application"]
    complete(u["expert_b"], application.instance, "review_application",
             review({"measures": 25, "goals": 25, "conditions": 15, "budget": 15}))
    assert engine.process_data(load_workflow(application.instance))["expert_score"] == 80.0


def test_ranking_funds_top_n_and_reserve_promoted_after_objection(grant_world, clock):
    u = users(grant_world)
    call = grant_world["grant_call"]
    call.awards_count, call.reserve_count = 1, 1
    first = reviewed(grant_world, totals=(28, 28, 18, 18))
    second = reviewed(grant_world, "soc_agri_tech", "soc_agri_applicant", totals=(25, 25, 15, 15))
    third = reviewed(grant_world, "soc_new_materials", "soc_mat_applicant", totals=(20, 20, 10, 10))
    with pytest.raises(InvalidInput):
        publish_ranking(call.id, {first.id: "90", second.id: "80"}, u["grant_officer"])
    publish_ranking(call.id, {first.id: "90", second.id: "80", third.id: "95"}, u["grant_officer"])
    assert [a.ranking_result for a in (first, second, third)] == ["funded", "reserve", "not_funded"]
    assert third.instance.outcome == "not_funded"
    fire_due_timers_at(clock, datetime(2024, 4, 30, tzinfo=SHANGHAI))
    complete(u["grant_officer"], first.instance, "conclude_publicity",
             {"publicity_outcome": "objection_upheld",
              "objections": [{"received_on": "2024-04-22", "summary": "团队成员职称不实",
                              "handling": "核实属实"}]})
    assert first.instance.outcome == "objection_upheld"
    assert second.ranking_result == "funded" and "publicity_period" in timers_of(second.instance)


def test_reserves_released_end_not_funded(grant_world):
    u = users(grant_world)
    call = grant_world["grant_call"]
    call.awards_count, call.reserve_count = 1, 1
    first = reviewed(grant_world)
    second = reviewed(grant_world, "soc_agri_tech", "soc_agri_applicant", totals=(20, 20, 10, 10))
    publish_ranking(call.id, {first.id: "90", second.id: "80"}, u["grant_officer"])
    assert release_reserves(call.id, u["grant_officer"]) == 1
    assert second.instance.outcome == "not_funded" and first.instance.status == "running"


def test_ranking_refused_while_reviews_pending(grant_world):
    u = users(grant_world)
    done = reviewed(grant_world)
    apply(grant_world, "soc_agri_tech", "soc_agri_applicant")
    with pytest.raises(Conflict):
        publish_ranking(grant_world["grant_call"].id, {done.id: "80"}, u["grant_officer"])


def evaluate(world, application, **changes):
    """绩效评估 by the officer, and 财政厅's agreement (they evaluate jointly)."""
    complete(users(world)["grant_officer"], application.instance, "evaluate_performance",
             {"evaluated_on": "2025-01-10", "excellent": False, "comment": "评估意见", **changes})
    complete(users(world)["finance_reviewer"], application.instance, "finance_confirm_evaluation",
             FINANCE_AGREED)


def test_fail_rectify_pass(grant_world, clock):
    u = users(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application, **{**ALL_TARGETS, "deal_amount": 400})
    evaluate(grant_world, application)
    assert open_tasks(application.instance) == ["rectify"]
    # one month from the 评估日期 (the notice date, 2025-01-10) through the end of 02-10
    assert task_of(application.instance, "rectify").due_at.astimezone(SHANGHAI).date() == date(2025, 2, 10)
    achieve(grant_world, application, deal_amount=250)
    complete(u["soc_mfg_applicant"], application.instance, "rectify",
             {"report": "补充两项技术许可合同。", "submitted_on": "2025-01-25"})
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "整改后达标"})
    assert application.instance.outcome == "completed"


RECTIFIED = {"report": "整改报告", "submitted_on": "2025-01-25"}


def test_failed_re_evaluation_within_the_month_rectifies_again_then_passes(grant_world, clock):
    u = users(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application, **{**ALL_TARGETS, "deal_amount": 400})
    evaluate(grant_world, application)
    complete(u["soc_mfg_applicant"], application.instance, "rectify", RECTIFIED)
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "仍未达标"})
    assert open_tasks(application.instance) == ["rectify"]  # the month runs: no refund yet
    assert task_of(application.instance, "rectify").due_at.astimezone(SHANGHAI).date() == date(2025, 2, 10)
    achieve(grant_world, application, deal_amount=200)
    complete(u["soc_mfg_applicant"], application.instance, "rectify", RECTIFIED)
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "整改后达标"})
    assert application.instance.outcome == "completed"


def test_refund_opens_only_when_the_month_is_over(grant_world, clock):
    u = users(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    evaluate(grant_world, application)
    complete(u["soc_mfg_applicant"], application.instance, "rectify", RECTIFIED)
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "仍未达标"})
    fire_due_timers_at(clock, datetime(2025, 2, 10, 23, 59, 58, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["rectify"]
    fire_due_timers_at(clock, datetime(2025, 2, 11, 0, 0, 1, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["refund"]


def test_fail_rectify_fail_refund(grant_world, clock):
    """Rectification submitted within the month, re-evaluated after it and still failing: the
    refund opens at once (the month is over and the last re-evaluation failed)."""
    u = users(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    evaluate(grant_world, application)
    complete(u["soc_mfg_applicant"], application.instance, "rectify", RECTIFIED)
    clock.set(datetime(2025, 2, 12, 10, 0, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "仍未达标"})
    assert open_tasks(application.instance) == ["refund"]
    assert carried_fields(task_of(application.instance, "refund")) == {"amount_wan": 30}
    complete(u["finance_officer"], application.instance, "refund",  # 全额: never 15
             {"amount_wan": "15", "paid_on": "2025-03-01", "voucher_number": "TK-1"})
    assert application.instance.outcome == "refunded" and application.outcome == "refunded"
    assert Decimal(refunded_amount(application)) == 30


def test_rectification_month_expires_into_refund(grant_world, clock):
    """The month counts from the notice date entered (评估日期 2025-01-20, a later day than the
    officer's submit on 01-01), through the whole last day, whatever the time of the submit."""
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    evaluate(grant_world, application, evaluated_on="2025-01-20")
    fire_due_timers_at(clock, datetime(2025, 2, 20, 23, 59, 58, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["rectify"]
    fire_due_timers_at(clock, datetime(2025, 2, 21, 0, 0, 1, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["refund"]
    assert audit_kinds(application.instance)[-1] == "timer"


def test_excellent_refused_when_kpis_failed(grant_world, clock):
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput):
        evaluate(grant_world, application, excellent=True)
    assert snapshot(application.instance) == before


def refunded_amount(application):
    return db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=application.instance.id, task_name="refund", kind="completed"))["form"]["amount_wan"]


def test_approval_and_funding_amounts_are_the_calls_award(grant_world, clock):
    """立项资助金额 and 拨付金额 are carried from the call (read-only): a typed 25 is not kept."""
    u = users(grant_world)
    application = reviewed(grant_world)
    publish_ranking(grant_world["grant_call"].id, {application.id: "80"}, u["grant_officer"])
    fire_due_timers_at(clock, datetime(2024, 4, 30, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "conclude_publicity",
             {"publicity_outcome": "no_objection", "objections": []})
    complete(u["finance_reviewer"], application.instance, "finance_confirm_award", FINANCE_AGREED)
    assert carried_fields(task_of(application.instance, "issue_approval")) == {"amount_wan": 30}
    complete(u["grant_officer"], application.instance, "issue_approval",
             {"notice_number": "川科协立项〔2024〕1号", "issued_on": "2024-04-30", "amount_wan": "25"})
    complete(u["soc_mfg_applicant"], application.instance, "sign_agreement", AGREEMENT)
    complete(u["finance_officer"], application.instance, "disburse_funds",
             {"amount_wan": "25", "paid_on": "2024-05-10", "voucher_number": "CZ-1"})
    assert application.funded_amount_wan == 30


def test_section_one_starts_from_the_declaration_and_the_society(grant_world):
    """资格自查's answers and the society chosen when applying fill the 申报书 (§一 read-only)."""
    u, society = users(grant_world), grant_world["orgs"]["soc_smart_mfg"]
    application = start_application(grant_world["grant_call"].id, society.id, u["soc_mfg_applicant"])
    declared = {**ELIGIBLE, "inspection_previous": "基本合格"}
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility", declared)
    task = task_of(application.instance, "submit_application")
    filled = prefill(task, u["soc_mfg_applicant"])
    assert filled.data == {"cover": {"applicant_unit": society.name},
                           "unit_info": {"society_name": society.name, **declared}}
    assert carried_fields(task) == {f"unit_info.{name}": value for name, value in declared.items()}


def test_a_changed_declared_standing_is_ignored_at_submission(grant_world):
    """A posted §一 年检结论 other than the declared one never reaches the 申报书."""
    u = users(grant_world)
    application = start_application(grant_world["grant_call"].id,
                                     grant_world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    form = application_form(grant_world["orgs"]["soc_smart_mfg"].name)
    form["unit_info"].update(inspection_last="基本合格", penalized=True)
    complete(u["soc_mfg_applicant"], application.instance, "submit_application", form)
    assert {name: application.form["unit_info"][name] for name in ELIGIBLE} == ELIGIBLE


def test_finance_reviews_the_award_from_its_own_inbox(grant_world, clock):
    """立项评审 jointly with 财政厅: after 公示, its 会签 is in the 财政厅 inbox, not the officer's."""
    from app.services.reading.inbox import inbox
    u = users(grant_world)
    application = reviewed(grant_world)
    publish_ranking(grant_world["grant_call"].id, {application.id: "80"}, u["grant_officer"])
    fire_due_timers_at(clock, datetime(2024, 4, 30, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "conclude_publicity",
             {"publicity_outcome": "no_objection", "objections": []})
    assert [r.task.task_name for r in inbox(u["finance_reviewer"])] == ["finance_confirm_award"]
    assert "finance_confirm_award" not in [r.task.task_name for r in inbox(u["grant_officer"])]
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(u["finance_reviewer"], application.instance, "finance_confirm_award",
                 {"finance_outcome": "disagreed", "signed_on": "2024-04-30"})
    assert refused.value.errors == {"opinion": ["不同意时须填写「会签意见」"]}
    assert snapshot(application.instance) == before
    complete(u["finance_reviewer"], application.instance, "finance_confirm_award",
             {"finance_outcome": "disagreed", "signed_on": "2024-04-30", "opinion": "预算不合理"})
    assert application.instance.outcome == "not_funded"


def test_finance_disagreeing_with_the_evaluation_sends_it_back(grant_world, clock):
    u = users(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application, **ALL_TARGETS)
    complete(u["grant_officer"], application.instance, "evaluate_performance",
             {"evaluated_on": "2025-01-10", "excellent": True, "comment": "全部达标"})
    complete(u["finance_reviewer"], application.instance, "finance_confirm_evaluation",
             {"finance_outcome": "disagreed", "signed_on": "2025-01-12", "opinion": "佐证不足"})
    assert open_tasks(application.instance) == ["evaluate_performance"]
    evaluate(grant_world, application, excellent=True)
    assert application.instance.outcome == "completed" and application.excellent


def test_the_named_concierges_become_accounts_with_their_service_task(grant_world, clock):
    """签订实施协议 names ≥3 科服保姆: each becomes an account (role 科服保姆 in the society, no
    password until an administrator sets one) and the service step is in their inbox."""
    from app.services.reading.inbox import inbox
    u = users(grant_world)
    application = reviewed(grant_world)
    fund(grant_world, clock, application)
    concierges = concierges_of(application.society_org_id)
    assert [c.display_name for c in concierges] == ["林晓雯", "赵明轩", "孙雅琴"]
    assert all(c.holds("concierge", application.society_org_id) and c.password_hash is None
               for c in concierges)
    assert [r.task.task_name for r in inbox(concierges[1])] == ["concierge_service"]
    assert inbox(u["soc_mfg_applicant"]) == []
    with pytest.raises(NotFound):
        complete(u["soc_mfg_applicant"], application.instance, "concierge_service", CONCIERGE_SERVICE)
    complete(concierges[1], application.instance, "concierge_service", CONCIERGE_SERVICE)
    assert application.instance.current_step == "等待：中期督查时点"


def next_year_call(world) -> GrantCall:
    """The same program's call one year later (every date moved by a year)."""
    old = world["grant_call"]
    call = GrantCall(**{c.name: getattr(old, c.name) for c in GrantCall.__table__.columns
                        if c.name not in ("id", "year", "name")},
                     year=2025, name="2025年度专家团项目")
    for field in ("apply_deadline", "formal_review_deadline", "review_deadline", "midterm_at",
                  "period_end", "evaluation_deadline"):
        setattr(call, field, getattr(old, field).replace(year=getattr(old, field).year + 1))
    db.session.add(call)
    db.session.commit()
    return call


def refund_decided(world, clock):
    """Evaluated failing, the rectification month over: the 全额退还 is decided (not yet paid)."""
    application = reviewed(world)
    to_evaluation(world, clock, application)
    evaluate(world, application)
    fire_due_timers_at(clock, datetime(2025, 2, 11, 0, 0, 1, tzinfo=SHANGHAI))
    assert open_tasks(application.instance) == ["refund"]
    return application


def declared_next_year(world, clock):
    call = next_year_call(world)
    clock.set(datetime(2025, 3, 10, tzinfo=SHANGHAI))
    u = users(world)
    again = start_application(call.id, world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], again.instance, "declare_eligibility", ELIGIBLE)
    return again


BARRED = ["上一年度项目绩效评估不合格须全额退还项目经费，取消本年度申报资格"]


def test_society_that_refunded_last_year_is_barred(grant_world, clock):
    application = refund_decided(grant_world, clock)
    complete(users(grant_world)["finance_officer"], application.instance, "refund",
             {"amount_wan": "30", "paid_on": "2025-03-01", "voucher_number": "TK-2"})
    again = declared_next_year(grant_world, clock)
    assert again.instance.outcome == "ineligible"
    assert engine.process_data(load_workflow(again.instance))["ineligible_reasons"] == BARRED


def test_refund_decided_but_not_yet_paid_bars_too(grant_world, clock):
    application = refund_decided(grant_world, clock)
    again = declared_next_year(grant_world, clock)
    assert application.instance.status == "running"  # the refund is not paid
    assert again.instance.outcome == "ineligible"
    assert engine.process_data(load_workflow(again.instance))["ineligible_reasons"] == BARRED
    assert bar_reason(again.call, again.society_org_id) == BARRED[0]


def test_a_society_in_its_rectification_month_is_not_barred(grant_world, clock):
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    evaluate(grant_world, application)
    call = next_year_call(grant_world)
    assert bar_reason(call, application.society_org_id) is None


def ranked_next_year_after_excellent(world, clock, *, excellent: bool):
    """soc_smart_mfg completes 2024 (优秀 or not); in 2025 it and soc_agri_tech are reviewed
    alike and ranked with platform scores giving soc_agri_tech 0.3 more (1 award)."""
    first = reviewed(world)
    to_evaluation(world, clock, first, **ALL_TARGETS)
    evaluate(world, first, excellent=excellent)
    call = next_year_call(world)
    call.awards_count = 1
    clock.set(datetime(2025, 3, 20, 10, 0, tzinfo=SHANGHAI))
    next_world = {**world, "grant_call": call}
    mfg = reviewed(next_world)
    agri = reviewed(next_world, "soc_agri_tech", "soc_agri_applicant")
    publish_ranking(call.id, {mfg.id: "80", agri.id: "81"}, users(world)["grant_officer"])
    return mfg, agri


def test_excellent_last_year_is_preferred_in_the_next_ranking(grant_world, clock):
    mfg, agri = ranked_next_year_after_excellent(grant_world, clock, excellent=True)
    assert mfg.combined_score == Decimal("82.80") and agri.combined_score == Decimal("83.10")
    assert (mfg.rank, mfg.ranking_result) == (1, "funded")  # 82.80 + 1 point of preference
    assert (agri.rank, agri.ranking_result) == (2, "reserve")
    assert "加计1分" in priority_note(mfg) and priority_note(agri) is None


def test_without_excellent_the_higher_score_ranks_first(grant_world, clock):
    mfg, agri = ranked_next_year_after_excellent(grant_world, clock, excellent=False)
    assert (agri.rank, mfg.rank) == (1, 2) and priority_note(mfg) is None


def _team_of_nine(form):
    form["team"]["members"] = form["team"]["members"][:9]


def _lead_only_associate(form):
    form["team"]["members"][0]["title_level"] = "副高"


def _too_few_seniors(form):
    for member in form["team"]["members"][4:]:
        member["title_level"] = "中级"


def _section_too_long(form):
    form["key_measures"] = "字" * 2001


def _budget_unbalanced(form):
    form["budget"]["self_wan"] = "12"


@pytest.mark.parametrize("break_rule, field, words", [
    (_team_of_nine, "team", "不少于10人"),
    (_lead_only_associate, "team", "正高"),
    (_too_few_seniors, "team", "60%"),
    (_section_too_long, "key_measures", "2000字"),
    (_budget_unbalanced, "budget", "自筹"),
])
def test_invalid_application_refused_with_rule_named_and_nothing_changed(grant_world, break_rule,
                                                                        field, words):
    u = users(grant_world)
    application = start_application(grant_world["grant_call"].id,
                                     grant_world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    form = application_form(grant_world["orgs"]["soc_smart_mfg"].name)
    break_rule(form)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(u["soc_mfg_applicant"], application.instance, "submit_application", form)
    messages = [m for path, msgs in refused.value.errors.items() if path.startswith(field) for m in msgs]
    assert any(words in m for m in messages), refused.value.errors
    assert snapshot(application.instance) == before
    assert application.form is None


def test_call_team_rules_apply_to_the_application(grant_world):
    """A call asking for 12 members refuses the standard 10-member team, naming its number."""
    grant_world["grant_call"].team_rules = {"min_members": 12, "lead_title_level": "正高",
                                            "senior_ratio": "0.6"}
    db.session.commit()
    u = users(grant_world)
    application = start_application(grant_world["grant_call"].id,
                                     grant_world["orgs"]["soc_smart_mfg"].id, u["soc_mfg_applicant"])
    complete(u["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(u["soc_mfg_applicant"], application.instance, "submit_application",
                 application_form(grant_world["orgs"]["soc_smart_mfg"].name))
    assert refused.value.errors == {"team.members": ["专家团成员不少于12人（当前10人）"]}
    assert snapshot(application.instance) == before
    assert application.form is None


def test_reviews_and_reviewers_are_hidden_from_the_applicant(grant_world):
    from app.services.reading.instance_views import CONFIDENTIAL_ACTOR, instance_detail
    u = users(grant_world)
    application = reviewed(grant_world)
    for_applicant = instance_detail(application.instance_id, u["soc_mfg_applicant"])
    assert {f.task_name for f in for_applicant.entered}.isdisjoint({"review_application", "assign_reviewers"})
    review_rows = [row for row in for_applicant.history if row.actor == CONFIDENTIAL_ACTOR]
    assert len(review_rows) == 4  # assignment + three reviews, actors masked
    assert not any(u[name].display_name in str(for_applicant.history) for name in ("expert_a", "expert_b"))
    for_officer = instance_detail(application.instance_id, u["grant_officer"])
    assert "review_application" in {f.task_name for f in for_officer.entered}
    assert u["expert_a"].display_name in {row.actor for row in for_officer.history}


def test_steps_without_a_deadline_in_the_data_get_their_configured_duration(grant_world, clock):
    application = reviewed(grant_world)
    publish_ranking(grant_world["grant_call"].id, {application.id: "80"},
                    users(grant_world)["grant_officer"])
    fire_due_timers_at(clock, datetime(2024, 4, 30, 9, tzinfo=SHANGHAI))
    # 公示结果: 3 days from when publicity ended and the step opened, to the end of that day
    assert task_of(application.instance, "conclude_publicity").due_at == \
        datetime(2024, 5, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI)
