"""Walking an application to a seed 001 call (科技服务团, 品牌活动) to its 绩效评估 through the
services, the way its users do."""
from __future__ import annotations

from datetime import datetime

from app.demo.samples import AGREEMENT, brand_event_form, service_team_form
from app.models import GrantCall
from app.services.background.timers import fire_due_timers
from app.services.grant.applications import record_kpi, start_application
from app.services.grant.ranking import publish_ranking
from tests.conftest import SHANGHAI
from tests.factories import review
from tests.jobs import run_jobs

from .grant_steps import ACCEPT, ELIGIBLE, REVIEWERS
from .steps import complete, open_tasks

SOCIETY, APPLICANT = "soc_smart_mfg", "soc_mfg_applicant"
FINANCE_AGREED = {"finance_outcome": "agreed", "signed_on": "2024-01-10"}


def service_call(world, program: str) -> GrantCall:
    return next(call for call in world["service_calls"] if call.program_code == program)


def brand_event_call(world, program: str) -> GrantCall:
    """The demo's 2023 品牌活动 call of ``program`` (made from BRAND_EVENT_PROGRAMS)."""
    return next(call for call in world["event_calls"] if call.program_code == program)


def application_form_of(call: GrantCall, society_name: str) -> dict:
    if call.kind == "service_team":
        return service_team_form(society_name, call.year, call.kpi_targets)
    return brand_event_form(society_name, call.year, call.kind)


def funded(world, clock, call: GrantCall):
    """Applied, reviewed, ranked first, through 公示 and 财政厅 to disbursed funds."""
    users, society = world["users"], world["orgs"][SOCIETY]
    clock.set(datetime(2023, 5, 10, 10, 0, tzinfo=SHANGHAI))
    application = start_application(call.id, society.id, users[APPLICANT])
    instance = application.instance
    complete(users[APPLICANT], instance, "declare_eligibility", ELIGIBLE)
    complete(users[APPLICANT], instance, "submit_application", application_form_of(call, society.name))
    run_jobs()
    officer = users["grant_officer"]
    complete(officer, instance, "formal_review", ACCEPT)
    complete(officer, instance, "assign_reviewers", {"reviewers": [users[n].id for n in REVIEWERS]})
    for name in REVIEWERS:
        complete(users[name], instance, "review_application", review())
    publish_ranking(call.id, {application.id: "80"}, officer)
    at(clock, datetime(2023, 6, 25, tzinfo=SHANGHAI))
    complete(officer, instance, "conclude_publicity", {"publicity_outcome": "no_objection",
                                                      "objections": []})
    complete(users["finance_reviewer"], instance, "finance_confirm_award",
             {"finance_outcome": "agreed", "signed_on": "2023-06-26"})
    amount = str(call.award_amount_wan)
    complete(officer, instance, "issue_approval",
             {"notice_number": "川科协立项〔2023〕8号", "issued_on": "2023-06-27", "amount_wan": amount})
    complete(users[APPLICANT], instance, "sign_agreement",  # seed 001 has no 科服保姆
             {key: AGREEMENT[key] for key in ("agreement_number", "signed_on")})
    complete(users["finance_officer"], instance, "disburse_funds",
             {"amount_wan": amount, "paid_on": "2023-07-05", "voucher_number": "CZ-2023-071"})
    return application


def to_evaluation(world, clock, application) -> None:
    """Mid-term checked, the period over: 绩效评估 is due."""
    users, instance = world["users"], application.instance
    at(clock, datetime(2023, 10, 1, tzinfo=SHANGHAI))
    complete(users["grant_officer"], instance, "midterm_check",
             {"checked_on": "2023-10-02", "status": "on_track", "findings": "进展正常。"})
    at(clock, datetime(2024, 1, 2, 9, 0, tzinfo=SHANGHAI))
    assert open_tasks(instance) == ["evaluate_performance"]


def at(clock, moment) -> None:
    clock.set(moment)
    fire_due_timers()


def entry(code: str, quantity="1", **more) -> dict:
    return {"kpi_code": code, "quantity": str(quantity), "occurred_on": "2023-10-20",
            "description": "平台已确认", "platform_ref": f"KCZG-2023-{code}", **more}


def achieve(world, application, quantities: dict, **more) -> None:
    """One confirmed entry per KPI code (a written deliverable with 6000字)."""
    rows = {row["code"]: row for row in application.call.kpi_targets}
    for code, quantity in quantities.items():
        words = {"word_count": 6000} if rows[code].get("min_words") else {}
        record_kpi(application.id, entry(code, quantity, **words, **more), world["users"][APPLICANT])


def all_targets(call: GrantCall, **changes) -> dict:
    return {**{row["code"]: row["target"] for row in call.kpi_targets}, **changes}


EVALUATION = {"evaluated_on": "2024-01-10", "excellent": False, "comment": "评估意见"}


def evaluate(world, application, **changes) -> None:
    """绩效评估 by the officer, and 财政厅's agreement."""
    users = world["users"]
    complete(users["grant_officer"], application.instance, "evaluate_performance",
             {**EVALUATION, **changes})
    complete(users["finance_reviewer"], application.instance, "finance_confirm_evaluation",
             FINANCE_AGREED)
