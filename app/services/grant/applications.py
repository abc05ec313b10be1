"""专家团 grant use cases: start an application, what its steps record on it (grant/steps.py
wires them to the Steps), KPI entries."""
from __future__ import annotations

import sqlalchemy as sa

from workflows import clock
from workflows.dates import add_months_at, deadline_iso, end_of_day, moment_iso

from ...extensions import db
from ...models import AuditEvent, GrantApplication, GrantCall, KpiEntry, Org, RoleAssignment, User
from ..shared.access import check_holds
from ..shared.common import get_or_404, new_business_key, open_task, users_with_role, validated
from ..documents.documents import freeze_application
from ..shared.errors import Conflict, InvalidInput, NotFound
from ..steps.instances import complete_in_transaction, record_audit, start_instance
from ..shared.unit_of_work import transaction
from .kpis import kpi_outcome

PROCESS_KEY = "expert_team_grant"


def start_application(call_id: int, society_org_id: int, user: User) -> GrantApplication:
    """A society opens its application to a call; eligibility is declared as the first step."""
    with transaction():
        return _open_application(call_id, society_org_id, user)


def apply_to_call(call_id: int, society_org_id: int, raw: dict, user: User) -> GrantApplication:
    """Open the application and complete 申报资格自查 with ``raw`` in one transaction: a
    refused declaration leaves nothing behind; an ineligible society's instance ends at
    end_ineligible (see ineligible_reasons)."""
    with transaction():
        application = _open_application(call_id, society_org_id, user)
        task = open_task(application.instance.id, "declare_eligibility")
        complete_in_transaction(task.id, raw, user)
    return application


def ineligible_reasons(application: GrantApplication) -> list[str]:
    """Why the DMN grant_eligibility refused the society (empty unless it ended ineligible)."""
    if application.instance.outcome != "ineligible":
        return []
    return list((application.instance.outcome_data or {}).get("ineligible_reasons") or [])


def _open_application(call_id: int, society_org_id: int, user: User) -> GrantApplication:
    """Checks and the new instance of start_application (the caller owns the transaction)."""
    check_holds(user, "applicant", society_org_id, "以该学会名义申报")
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    society = get_or_404(Org, society_org_id, "学会不存在")
    if society.org_type != "society":
        raise InvalidInput({"society_org_id": ["「申报主体」须为省级学会（协会、研究会、促进会）"]})
    if clock.now() > end_of_day(call.apply_deadline):
        raise Conflict(f"{call.name}已于{call.apply_deadline:%Y年%m月%d日}截止申报")
    if db.session.scalar(sa.select(GrantApplication.id).filter_by(call_id=call.id,
                                                                 society_org_id=society.id)):
        raise Conflict("该学会已提交过本年度申报，不能重复申报")
    instance = start_instance(
        PROCESS_KEY, business_key=new_business_key(f"ZJT{call.year}"),
        title=f"{society.name} — {call.name}", owner_org_id=society.id,
        data=_start_data(call, society), user=user)
    application = GrantApplication(call=call, instance=instance, society_org_id=society.id,
                                   title=instance.title)
    db.session.add(application)
    return application


def _start_data(call: GrantCall, society: Org) -> dict:
    return {
        "call_id": call.id, "society_org_id": society.id, "officer_org_id": call.managing_org_id,
        "finance_org_id": call.finance_org_id, "barred": society_barred(call, society.id),
        "apply_deadline": deadline_iso(call.apply_deadline),
        "formal_review_deadline": deadline_iso(call.formal_review_deadline),
        "review_deadline": deadline_iso(call.review_deadline),
        "midterm_at": deadline_iso(call.midterm_at), "period_end": deadline_iso(call.period_end),
        "evaluation_deadline": deadline_iso(call.evaluation_deadline),
    }


def society_barred(call: GrantCall, society_org_id: int) -> bool:
    """A society that had to refund last year's grant of this program may not apply (取消资格)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(GrantApplication)
                             .join(GrantCall).where(
        GrantApplication.society_org_id == society_org_id, GrantApplication.outcome == "refunded",
        GrantCall.program_code == call.program_code, GrantCall.year == call.year - 1)) > 0


def application_of(instance) -> GrantApplication:
    return instance.application


def _award_context(instance, task, user) -> dict:
    call = application_of(instance).call
    return {"award_amount_wan": call.award_amount_wan, "period_end": call.period_end}


def _application_context(instance, task, user) -> dict:
    """Award and period limits, the call's team rules when it sets them (else the 2024 guide's
    apply), and the eligibility declared first (section 一 must match)."""
    declared = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="declare_eligibility", kind="completed")
        .order_by(AuditEvent.id.desc()).limit(1))
    context = _award_context(instance, task, user)
    team_rules = application_of(instance).call.team_rules
    if team_rules is not None:
        context["team_rules"] = team_rules
    if declared:
        context["eligibility"] = declared["form"]
    return context


def _after_submit(instance, result, user) -> None:
    """Keep the submission, and enqueue the job that freezes its PDF (the worker renders it
    after the commit: the submission never waits for a render nor is undone by one)."""
    application = application_of(instance)
    application.form = result.payload
    application.title = instance.title = result.payload["cover"]["project_name"]
    application.submitted_at = clock.now()
    freeze_application(instance, user)


def _formal_review_context(instance, task, user) -> dict:
    events = db.session.scalars(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="formal_review", kind="completed"))
    returns = sum(1 for data in events
                  if (data or {}).get("process_data", {}).get("formal_review_outcome") == "returned")
    return {"prior_returns": returns}


def _reviewer_context(instance, task, user) -> dict:
    application = application_of(instance)
    conflicted = set(db.session.scalars(sa.select(RoleAssignment.user_id).filter_by(
        org_id=application.society_org_id)))
    return {"min_reviewers": application.call.min_reviewers,
            "eligible_reviewer_ids": users_with_role("expert") - conflicted}


def _review_context(instance, task, user) -> dict:
    return {"criteria": application_of(instance).call.review_criteria,
            "reviewer_id": task.candidate_user_id}


def _after_funding(instance, result, user) -> None:
    application_of(instance).funded_amount_wan = result.payload["amount_wan"]


def _kpi_context(instance, task, user) -> dict:
    passed, _ = kpi_outcome(application_of(instance))
    return {"kpi_passed": passed}


def _rectification_due(instance, result) -> dict:
    months = application_of(instance).call.rectification_months
    return {"rectification_due": moment_iso(add_months_at(clock.now(), months))}


def _after_evaluation(instance, result, user) -> None:
    application = application_of(instance)
    passed, rows = kpi_outcome(application)
    application.excellent = bool(passed and result.payload.get("excellent"))
    record_audit(instance, "kpi_evaluation", user,
                 data={"passed": passed, "kpis": [r.__dict__ for r in rows]})


def _refund_context(instance, task, user) -> dict:
    application = application_of(instance)
    return {"refund_due_wan": application.funded_amount_wan}


def _after_refund(instance, result, user) -> None:
    application_of(instance).refund_paid_on = result.payload["paid_on"]


def _application_ended(instance) -> None:
    application = application_of(instance)
    if application is not None:
        application.outcome = instance.outcome


def record_kpi(application_id: int, raw: dict, user: User) -> KpiEntry:
    """The society records one KPI achievement during implementation (funded, not yet closed)."""
    with transaction():
        application = get_or_404(GrantApplication, application_id, "申报不存在")
        check_holds(user, "applicant", application.society_org_id, "为该专家团填报绩效数据")
        if application.funded_amount_wan is None or application.instance.status != "running":
            raise NotFound("该项目当前不在实施阶段，不能填报绩效数据")
        codes = {row["code"] for row in application.call.kpi_targets}
        form = validated("kpi_entry", raw, {"kpi_codes": codes})
        now = clock.now()
        entry = KpiEntry(application_id=application.id, recorded_by_id=user.id, recorded_at=now, **form)
        db.session.add(entry)
        record_audit(application.instance, "kpi_entry", user, data=form, at=now)
    return entry

