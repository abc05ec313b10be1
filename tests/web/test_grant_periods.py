"""专家团 rules of seed 003 through the pages: 补正 after 形式审查 gets its own deadline, the
rectification month runs from the notice date and allows another try, a decided refund bars next
year's call, and last year's 优秀 is shown as the preference it gives in the ranking."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.services.grant.applications import apply_to_call
from tests.conftest import SHANGHAI
from tests.services.grant_steps import ACCEPT, ELIGIBLE, reviewed
from tests.services.steps import complete, open_tasks, task_of
from tests.services.test_grant_paths import (fire_due_timers_at, next_year_call,
                                             ranked_next_year_after_excellent, refund_decided,
                                             to_evaluation)

from .formdata import flatten, post_form, text

SOCIETY = "四川省智能制造学会"
RETURNED = {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页",
            "checklist": dict.fromkeys(ACCEPT["checklist"], False)}


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    return world


def task_url(instance, task_name: str) -> str:
    db.session.rollback()  # read what the requests committed
    return f"/tasks/{task_of(instance, task_name).id}"


def submitted(world):
    from app.demo.samples import application_form
    people = world["users"]
    application = apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                ELIGIBLE, people["soc_mfg_applicant"])
    complete(people["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(SOCIETY))
    return application


def test_a_return_after_the_apply_deadline_opens_the_form_with_its_correction_period(
        client, grant_world, clock):
    application = submitted(grant_world)
    clock.set(datetime(2024, 4, 3, 10, 0, tzinfo=SHANGHAI))
    response = post_form(client("grant_officer"), task_url(application.instance, "formal_review"),
                         flatten(RETURNED))
    assert response.status_code == 302
    page = client("soc_mfg_applicant").get(task_url(application.instance, "submit_application"))
    assert page.status_code == 200 and "2024年4月11日 23:59" in text(page)  # 5 工作日, 清明 skipped
    db.session.rollback()
    assert application.instance.status == "running"


def test_an_overdue_correction_ends_with_its_own_outcome(client, grant_world, clock):
    application = submitted(grant_world)
    clock.set(datetime(2024, 4, 8, 10, 0, tzinfo=SHANGHAI))
    post_form(client("grant_officer"), task_url(application.instance, "formal_review"),
              flatten(RETURNED))
    fire_due_timers_at(clock, datetime(2024, 4, 16, 0, 0, 1, tzinfo=SHANGHAI))
    html = text(client("soc_mfg_applicant").get(f"/instances/{application.instance_id}"))
    assert "逾期未补正" in html


EVALUATED = {"evaluated_on": "2025-01-10", "excellent": False, "comment": "交易金额未达标"}


def test_rectification_month_from_the_notice_date_and_a_second_try(client, grant_world, clock):
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)
    officer, society = client("grant_officer"), client("soc_mfg_applicant")
    post_form(officer, task_url(application.instance, "evaluate_performance"), flatten(EVALUATED))
    post_form(client("finance_reviewer"), task_url(application.instance, "finance_confirm_evaluation"),
              {"finance_outcome": "agreed", "signed_on": "2025-01-10"})
    assert "2025年2月10日 23:59" in text(society.get(task_url(application.instance, "rectify")))
    post_form(society, task_url(application.instance, "rectify"),
              {"report": "补充交易合同。", "submitted_on": "2025-01-20"})
    response = post_form(officer, task_url(application.instance, "re_evaluate"),
                         {"comment": "仍未达标"})
    assert response.status_code == 302
    db.session.rollback()
    assert open_tasks(application.instance) == ["rectify"]  # within the month: no refund yet
    assert "限期整改" in text(society.get(task_url(application.instance, "rectify")))


def test_the_start_page_says_why_a_society_with_a_decided_refund_may_not_apply(
        client, grant_world, clock):
    refund_decided(grant_world, clock)
    call = next_year_call(grant_world)
    clock.set(datetime(2025, 3, 10, tzinfo=SHANGHAI))
    html = text(client("soc_mfg_applicant").get(f"/start/grant/{call.id}"))
    assert "上一年度项目绩效评估不合格须全额退还项目经费，取消本年度申报资格" in html
    other = text(client("soc_agri_applicant").get(f"/start/grant/{call.id}"))
    assert "取消本年度申报资格" not in other


def test_the_application_page_shows_the_preference_of_last_years_excellent(
        client, grant_world, clock):
    mfg, agri = ranked_next_year_after_excellent(grant_world, clock, excellent=True)
    html = text(client("grant_officer").get(f"/instances/{mfg.instance_id}"))
    assert "申报优先" in html and "上一年度项目绩效评估为优秀，可优先申报" in html and "加计1分" in html
    assert "申报优先" not in text(client("grant_officer").get(f"/instances/{agri.instance_id}"))


def test_finance_signs_the_award_from_its_inbox(client, grant_world, clock):
    from app.services.grant.ranking import publish_ranking
    people = grant_world["users"]
    application = reviewed(grant_world)
    publish_ranking(grant_world["grant_call"].id, {application.id: "80"}, people["grant_officer"])
    fire_due_timers_at(clock, datetime(2024, 4, 30, tzinfo=SHANGHAI))
    complete(people["grant_officer"], application.instance, "conclude_publicity",
             {"publicity_outcome": "no_objection", "objections": []})
    finance = client("finance_reviewer")
    assert "财政厅会签立项" in text(finance.get("/"))  # its own inbox
    url = task_url(application.instance, "finance_confirm_award")
    refused = post_form(finance, url, {"finance_outcome": "disagreed", "signed_on": "2024-04-30"})
    assert refused.status_code == 422 and "不同意时须填写「会签意见」" in text(refused)
    response = post_form(finance, url, {"finance_outcome": "agreed", "signed_on": "2024-04-30",
                                        "opinion": "同意立项"})
    assert response.status_code == 302
    db.session.rollback()
    assert open_tasks(application.instance) == ["issue_approval"]


def test_a_concierge_account_records_its_service_from_its_inbox(client, ctx, grant_world, clock):
    from werkzeug.security import generate_password_hash

    from app.services.grant.applications import concierges_of
    from tests.services.test_grant_paths import CONCIERGE_SERVICE, fund

    from .login import logged_in
    application = reviewed(grant_world)
    fund(grant_world, clock, application)
    concierge = concierges_of(application.society_org_id)[0]
    concierge.password_hash = generate_password_hash("kfbm-secret")  # set by an administrator
    db.session.commit()
    history = text(client("grant_officer").get(f"/instances/{application.instance_id}"))
    assert "开通科服保姆账号：林晓雯、赵明轩、孙雅琴" in history
    browser = logged_in(ctx, concierge.username, "kfbm-secret")
    assert "科服保姆服务" in text(browser.get("/"))
    response = post_form(browser, task_url(application.instance, "concierge_service"),
                         flatten(CONCIERGE_SERVICE))
    assert response.status_code == 302
    db.session.rollback()
    assert open_tasks(application.instance) == []  # waiting for the mid-term check
