"""Seed 001 calls through the services: KPI entries confirmed on the “科创中国”平台, 智库报告
字数, the 产学融合会议's either-or media, and 绩效评估's 抵减 (可适当抵减) — pass/fail, 整改复评
and what is kept — while 专家团 calls work as before."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.demo.scenario import drive_application
from app.extensions import db
from app.models import AuditEvent, KpiEntry
from app.services.documents import document_data, documents
from app.services.grant.applications import record_kpi
from app.services.reading.instance_views import instance_detail
from app.services.shared.errors import InvalidInput
from app.services.steps.saving import load_workflow
from tests.reports import pdf
from workflows import engine

from tests.conftest import SHANGHAI

from .grant_steps import reviewed
from .seed_001 import (APPLICANT, EVALUATION, achieve, all_targets, brand_event_call, entry,
                       evaluate, funded, service_call, to_evaluation)
from .steps import complete, open_tasks, snapshot
from .test_grant_paths import fund


def entries_of(application) -> list[KpiEntry]:
    return list(db.session.scalars(sa.select(KpiEntry).filter_by(application_id=application.id)))


def refused(call_service) -> dict:
    with pytest.raises(InvalidInput) as caught:
        call_service()
    return caught.value.errors


# KPI entries --------------------------------------------------------------------------------

def test_a_service_team_entry_needs_and_keeps_its_platform_confirmation(world, clock):
    application = funded(world, clock, service_call(world, "regional_service_team"))
    applicant = world["users"][APPLICANT]
    before = snapshot(application.instance)
    errors = refused(lambda: record_kpi(application.id, {**entry("industry_needs", 40),
                                                         "platform_ref": ""}, applicant))
    assert errors == {"platform_ref": [
        "「“科创中国”平台确认编号」为必填项：任务完成情况须经“科创中国”平台确认"]}
    assert entries_of(application) == [] and snapshot(application.instance) == before
    record_kpi(application.id, entry("cross_province_summary", 1, platform_ref="KCZG-2023-0777"),
               applicant)
    [kept] = entries_of(application)
    assert (kept.kpi_code, kept.platform_ref, kept.word_count) == (
        "cross_province_summary", "KCZG-2023-0777", None)


def test_a_short_think_tank_report_is_refused_and_leaves_nothing(world, clock):
    application = funded(world, clock, brand_event_call(world, "industry_forum"))
    applicant = world["users"][APPLICANT]
    before = snapshot(application.instance)
    errors = refused(lambda: record_kpi(application.id, entry("think_tank_reports", word_count=4800),
                                        applicant))
    assert errors == {"word_count": ["「字数」不足：高质量智库报告每篇不少于5000字（当前4800字）"]}
    errors = refused(lambda: record_kpi(application.id, entry("think_tank_reports"), applicant))
    assert errors == {"word_count": ["「字数」为必填项：高质量智库报告每篇不少于5000字"]}
    assert entries_of(application) == [] and snapshot(application.instance) == before
    record_kpi(application.id, entry("think_tank_reports", word_count=5200), applicant)
    assert [(e.kpi_code, e.word_count) for e in entries_of(application)] == [("think_tank_reports", 5200)]


def test_expert_team_entries_need_no_platform_confirmation(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    application = reviewed(world)
    fund(world, clock, application)
    applicant = world["users"][APPLICANT]
    record_kpi(application.id, {"kpi_code": "deal_amount", "quantity": "120", "occurred_on":
                                "2024-07-01", "description": "技术许可合同"}, applicant)
    [kept] = entries_of(application)
    assert kept.quantity == Decimal(120) and kept.platform_ref is None
    errors = refused(lambda: record_kpi(application.id, {
        "kpi_code": "deal_amount", "quantity": "1", "occurred_on": "2024-07-01",
        "description": "技术许可合同", "platform_ref": "KCZG-1"}, applicant))
    assert errors == {"platform_ref": [
        "本项目的绩效数据不经“科创中国”平台确认，不填写「“科创中国”平台确认编号」"]}


# Either-or media (产学融合会议) ---------------------------------------------------------------

def without(quantities: dict, code: str) -> dict:
    return {key: value for key, value in quantities.items() if key != code}


def evaluation_passed(application) -> bool:
    return engine.process_data(load_workflow(application.instance))["evaluation_passed"]


def event_evaluated(world, clock, program: str, **actuals):
    """A funded 品牌活动 of ``program`` evaluated with every target achieved (``actuals``
    overriding some) except its 国家级媒体宣介."""
    call = brand_event_call(world, program)
    application = funded(world, clock, call)
    achieve(world, application, without(all_targets(call, **actuals), "national_media"))
    to_evaluation(world, clock, application)
    evaluate(world, application)
    return application


def test_a_meeting_covered_by_local_media_alone_passes(world, clock):
    application = event_evaluated(world, clock, "academia_meeting")
    assert evaluation_passed(application) is True
    assert application.instance.outcome == "completed"


def test_a_meeting_with_neither_media_fails(world, clock):
    application = event_evaluated(world, clock, "academia_meeting", local_media="9")
    assert evaluation_passed(application) is False
    assert open_tasks(application.instance) == ["rectify"]


def test_a_forum_needs_national_and_local_media(world, clock):
    application = event_evaluated(world, clock, "industry_forum")
    assert evaluation_passed(application) is False


# 抵减 -----------------------------------------------------------------------------------------

INDUSTRY = "industry_service_team"
REASON = "促成德阳某装备企业以专利作价投资3000万元，新增产值2亿元。"


def short_of_transfers(world, clock):
    """An 产业科技服务团 grant that completed 3 of its 5 技术转移转化, all else met."""
    call = service_call(world, INDUSTRY)
    application = funded(world, clock, call)
    achieve(world, application, all_targets(call, transfers="3"))
    to_evaluation(world, clock, application)
    return application


def test_without_reduction_the_call_targets_decide(world, clock):
    application = short_of_transfers(world, clock)
    evaluate(world, application)
    assert evaluation_passed(application) is False
    assert application.kpi_reductions is None
    assert open_tasks(application.instance) == ["rectify"]


def test_a_reduction_granted_at_evaluation_passes_and_is_kept(world, clock):
    application = short_of_transfers(world, clock)
    evaluate(world, application, kpi_reductions={"transfers": "3", "public_reports": "2"},
             reduction_reason=REASON)
    assert evaluation_passed(application) is True
    assert application.kpi_reductions == {"transfers": "3"}  # 2 reports is no reduction
    assert application.instance.outcome == "completed"
    report = document_data.evaluation_report_data(application)
    transfers = next(row for row in report["kpis"] if row["code"] == "transfers")
    assert (transfers["target"], transfers["call_target"], transfers["reduced"]) == ("3", "5", True)
    assert report["evaluation"]["reduction_reason"] == REASON
    printed = pdf.squeezed(documents.document_pdf(application.instance_id, "evaluation_report",
                                                  world["users"]["grant_officer"]).pdf)
    for text in ("原≥5", "完成技术转移转化（签署合同）由≥5项抵减为≥3项", "抵减理由", "作价投资3000万元"):
        assert text in printed, text


def test_the_instance_page_shows_the_targets_reduced_and_why(world, clock):
    application = short_of_transfers(world, clock)
    evaluate(world, application, kpi_reductions={"transfers": "3"}, reduction_reason=REASON)
    detail = instance_detail(application.instance_id, world["users"]["grant_officer"])
    assert ("绩效目标抵减", "完成技术转移转化（签署合同） 5项→3项") in detail.facts
    assert ("抵减理由", REASON) in detail.facts


def test_a_reduction_without_its_reason_is_refused_and_changes_nothing(world, clock):
    application = short_of_transfers(world, clock)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as caught:
        complete(world["users"]["grant_officer"], application.instance, "evaluate_performance",
                 {**EVALUATION, "kpi_reductions": {"transfers": "3"}})
    assert caught.value.errors == {"reduction_reason": [
        "抵减绩效目标时须填写「重大技术转移转化情况（抵减理由）」"]}
    assert snapshot(application.instance) == before and application.kpi_reductions is None


def test_a_reduction_above_the_calls_target_is_refused(world, clock):
    application = short_of_transfers(world, clock)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as caught:
        complete(world["users"]["grant_officer"], application.instance, "evaluate_performance",
                 {**EVALUATION, "kpi_reductions": {"transfers": "6"}, "reduction_reason": REASON})
    assert caught.value.errors == {"kpi_reductions.transfers": [
        "「完成技术转移转化（签署合同）」抵减后的目标不得高于申报指南要求的5项（当前6项）"]}
    assert snapshot(application.instance) == before


def test_a_call_without_reduction_refuses_one(world, clock):
    call = service_call(world, "regional_service_team")
    assert call.reduction_allowed is False
    application = funded(world, clock, call)
    achieve(world, application, all_targets(call, industry_needs="80"))
    to_evaluation(world, clock, application)
    before = snapshot(application.instance)
    with pytest.raises(InvalidInput) as caught:
        complete(world["users"]["grant_officer"], application.instance, "evaluate_performance",
                 {**EVALUATION, "kpi_reductions": {"industry_needs": "80"}, "reduction_reason": REASON})
    message = ["本项目申报指南未规定“可适当抵减”，不能抵减绩效目标"]
    assert caught.value.errors == {"kpi_reductions": message, "reduction_reason": message}
    assert snapshot(application.instance) == before


def test_re_evaluation_judges_by_the_reduced_targets(world, clock):
    application = short_of_transfers(world, clock)
    # transfers lowered to 4: 3 done, still short — rectify, then one more transfer passes
    evaluate(world, application, kpi_reductions={"transfers": "4"}, reduction_reason=REASON)
    assert evaluation_passed(application) is False and application.kpi_reductions == {"transfers": "4"}
    users = world["users"]
    achieve(world, application, {"transfers": "1"})
    complete(users[APPLICANT], application.instance, "rectify",
             {"report": "补签一项技术许可合同。", "submitted_on": "2024-01-20"})
    complete(users["grant_officer"], application.instance, "re_evaluate", {"comment": "整改后达标"})
    assert application.instance.outcome == "completed"
    last = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=application.instance_id, kind="kpi_evaluation").order_by(AuditEvent.id.desc()))
    assert last["passed"] is True and last["reduction_reason"] == REASON
    assert application.excellent is False


def test_the_demo_drives_a_forum_to_a_passed_evaluation(world, clock):
    call = brand_event_call(world, "industry_forum")
    application = drive_application(world, clock, "soc_smart_mfg", APPLICANT, "evaluate_performance",
                                    call=call)
    reports = [e for e in entries_of(application) if e.kpi_code == "think_tank_reports"]
    assert [(e.word_count, e.platform_ref) for e in reports] == [(5800, "KCZG-2023-think_tank_reports-1")]
    evaluate(world, application)
    assert evaluation_passed(application) is True
