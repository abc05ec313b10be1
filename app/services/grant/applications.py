"""专家团 grant use cases: open an application (with its eligibility declared), the bar on a
society that had to refund, KPI entries. What each step checks and records is in steps.py."""
from __future__ import annotations

import sqlalchemy as sa

from workflows import clock
from workflows.dates import deadline_iso, end_of_day

from ...extensions import db
from ...models import GrantApplication, GrantCall, KpiEntry, Org, User
from ..shared.access import check_holds
from ..shared.common import get_or_404, new_business_key, open_task, validated
from ..shared.errors import Conflict, InvalidInput, NotFound
from ..steps.instances import complete_in_transaction, start_instance
from ..steps.saving import record_audit
from ..shared.unit_of_work import transaction

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

