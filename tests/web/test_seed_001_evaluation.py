"""绩效评估 of seed 001 calls through the pages: the 抵减 fields only where the call allows a
reduction, starting from the call's targets; a refused evaluation names the field and the rule
and leaves the instance as it was; a granted one shows on the instance page."""
from __future__ import annotations

import re

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import KpiEntry
from tests.conftest import SHANGHAI
from tests.services.seed_001 import (APPLICANT, achieve, all_targets, brand_event_call, funded,
                                     service_call, to_evaluation)
from tests.services.grant_steps import reviewed
from tests.services.steps import open_tasks, snapshot, task_of
from tests.services.test_grant_paths import fund

from .formdata import flatten, input_value, post_form, text
from .visible import identifiers

EVALUATED = {"evaluated_on": "2024-01-10", "excellent": False, "comment": "转化成效显著"}
REASON = "促成某装备企业以专利作价投资3000万元。"


def evaluation_url(instance) -> str:
    db.session.rollback()  # read what the requests committed
    return f"/tasks/{task_of(instance, 'evaluate_performance').id}"


def at_evaluation(world, clock, program: str, **short):
    call = service_call(world, program)
    application = funded(world, clock, call)
    achieve(world, application, all_targets(call, **short))
    to_evaluation(world, clock, application)
    db.session.commit()
    return application


def test_the_reduction_starts_from_the_calls_targets(client, world, clock):
    application = at_evaluation(world, clock, "industry_service_team", transfers="3")
    html = client("grant_officer").get(evaluation_url(application.instance)).get_data(as_text=True)
    assert "抵减后的绩效目标" in text_of(html) and "重大技术转移转化情况（抵减理由）" in text_of(html)
    assert input_value(html, "kpi_reductions.transfers") == "5"
    assert input_value(html, "kpi_reductions.achievements_gathered") == "50"


def test_a_call_without_reduction_shows_no_reduction_fields(client, world, clock):
    application = at_evaluation(world, clock, "regional_service_team")
    html = client("grant_officer").get(evaluation_url(application.instance)).get_data(as_text=True)
    assert "评估意见" in text_of(html) and "抵减" not in text_of(html)


def test_a_reduction_without_reason_is_refused_and_changes_nothing(client, world, clock):
    application = at_evaluation(world, clock, "industry_service_team", transfers="3")
    before = snapshot(application.instance)
    url = evaluation_url(application.instance)
    answer = post_form(client("grant_officer"), url,
                       flatten({**EVALUATED, "kpi_reductions": all_targets(
                           application.call, transfers="3")}))
    assert answer.status_code == 422
    assert "抵减绩效目标时须填写「重大技术转移转化情况（抵减理由）」" in text(answer)
    assert input_value(answer.get_data(as_text=True), "kpi_reductions.transfers") == "3"
    assert snapshot(application.instance) == before


def test_a_granted_reduction_passes_and_shows_on_the_instance_page(client, world, clock):
    application = at_evaluation(world, clock, "industry_service_team", transfers="3")
    officer = client("grant_officer")
    answer = post_form(officer, evaluation_url(application.instance), flatten({
        **EVALUATED, "reduction_reason": REASON,
        "kpi_reductions": all_targets(application.call, transfers="3")}))
    assert answer.status_code == 302
    db.session.rollback()
    assert open_tasks(application.instance) == ["finance_confirm_evaluation"]
    assert application.kpi_reductions == {"transfers": "3"}
    page = text(officer.get(f"/instances/{application.instance_id}"))
    for shown in ("绩效目标抵减", "完成技术转移转化（签署合同） 5项→3项", REASON,
                  "绩效指标全部达标（按抵减后的目标）"):
        assert shown in page, shown


def test_a_forged_reduction_on_a_call_without_it_is_refused(client, world, clock):
    application = at_evaluation(world, clock, "regional_service_team", industry_needs="80")
    before = snapshot(application.instance)
    answer = post_form(client("grant_officer"), evaluation_url(application.instance), flatten({
        **EVALUATED, "kpi_reductions": {"industry_needs": "80"}, "reduction_reason": REASON}))
    assert answer.status_code == 422
    assert "本项目申报指南未规定“可适当抵减”，不能抵减绩效目标" in text(answer)
    assert snapshot(application.instance) == before


def text_of(html: str) -> str:
    """The page's words without its markup."""
    return re.sub(r"<[^>]+>", " ", html)


# 填报绩效数据 --------------------------------------------------------------------------------

def kpi_url(application) -> str:
    return f"/applications/{application.id}/kpis"


def implemented(world, clock, call):
    application = funded(world, clock, call)
    db.session.commit()
    return application


def test_a_forum_entry_page_asks_for_the_platform_confirmation_and_the_words(client, world, clock):
    application = implemented(world, clock, brand_event_call(world, "industry_forum"))
    society = client(APPLICANT)
    instance_page = society.get(f"/instances/{application.instance_id}").get_data(as_text=True)
    assert kpi_url(application) in instance_page and "填报绩效数据" in instance_page
    words = text_of(society.get(kpi_url(application)).get_data(as_text=True))
    for shown in ("“科创中国”平台确认编号", "字数", "高质量智库报告", "每篇不少于5000字"):
        assert shown in words, shown
    assert "佐证材料" not in words  # uploads belong to a task's form
    assert identifiers(society.get(kpi_url(application)).get_data(as_text=True), set()) == set()


def test_an_expert_team_entry_page_has_neither_field(client, world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    application = reviewed(world)
    fund(world, clock, application)
    db.session.commit()
    html = client(APPLICANT).get(kpi_url(application)).get_data(as_text=True)
    assert "科技供需交易合作总金额" in text_of(html)
    assert input_value(html, "platform_ref") is None and input_value(html, "word_count") is None
    assert "平台确认" not in text_of(html) and "字数" not in text_of(html)


def test_a_short_report_is_refused_on_the_page_and_nothing_is_recorded(client, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    before = snapshot(application.instance)
    society = client(APPLICANT)
    raw = {"kpi_code": "think_tank_reports", "quantity": "1", "occurred_on": "2023-10-20",
           "description": "产学融合对策研究", "platform_ref": "KCZG-2023-0101", "word_count": "4800"}
    answer = post_form(society, kpi_url(application), raw, action=None)
    assert answer.status_code == 422
    assert "「字数」不足：高质量智库报告每篇不少于5000字（当前4800字）" in text(answer)
    assert input_value(answer.get_data(as_text=True), "platform_ref") == "KCZG-2023-0101"
    assert snapshot(application.instance) == before
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiEntry)) == 0
    answer = post_form(society, kpi_url(application), {**raw, "word_count": "5600"}, action=None)
    assert answer.status_code == 302
    page = text_of(society.get(kpi_url(application)).get_data(as_text=True))
    assert "KCZG-2023-0101" in page and "5600" in page


def test_only_the_societys_applicant_records(client, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    assert client("grant_officer").get(kpi_url(application)).status_code == 403
    html = client("grant_officer").get(f"/instances/{application.instance_id}").get_data(as_text=True)
    assert kpi_url(application) not in html
