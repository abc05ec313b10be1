"""绩效评估 of seed 001 calls through the pages: the 抵减 fields only where the call allows a
reduction, starting from the call's targets; a refused evaluation names the field and the rule
and leaves the instance as it was; a granted one shows on the instance page."""
from __future__ import annotations

import re

from app.extensions import db
from tests.services.seed_001 import achieve, all_targets, funded, service_call, to_evaluation
from tests.services.steps import open_tasks, snapshot, task_of

from .formdata import flatten, input_value, post_form, text

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
