"""The data of the papers that follow the ranking of a grant call — 公示名单 (per call), 实施协议,
中期督查意见 and 全额退还通知 (per application) — as ``reports/documents.py`` describes it; each is
None until its step is done (the 全额退还通知: until the refund step opened)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from reports.filters import as_date

from ..shared.call_settings import call_settings
from ...extensions import db
from ...models import AuditEvent, GrantApplication, GrantCall, KpiEntry
from ..shared.common import open_task
from .document_data import audit_trail, form_of, issuer_name, last_completion, team_facts

LISTED = ("funded", "reserve")  # the results a 公示名单 shows


def _call(call: GrantCall) -> dict:
    return {"name": call.name, "year": call.year}


# 公示名单 -------------------------------------------------------------------------------------

def publicity_list_data(call: GrantCall) -> dict | None:
    """None until the call's ranking is published."""
    ranked = list(db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.call_id == call.id, GrantApplication.ranking_result.in_(LISTED))
        .order_by(GrantApplication.rank, GrantApplication.id)))
    if not ranked:
        return None
    published = [_publication(a.instance_id) for a in ranked]
    return {"call": _call(call), "issuer": issuer_name(call.managing_org_id),
            "issued_on": min(event.at for event in published if event).isoformat(),
            "rows": [_ranking_row(a, event) for a, event in zip(ranked, published)]}


def _publication(instance_id: int) -> AuditEvent | None:
    """The latest ranking message (published, or a reserve moved up) delivered to the instance."""
    events = db.session.scalars(sa.select(AuditEvent).filter_by(
        instance_id=instance_id, kind="message").order_by(AuditEvent.id.desc()))
    return next((e for e in events if "publicity_ends_at" in ((e.data or {}).get("payload") or {})),
                None)


def _ranking_row(application: GrantApplication, event: AuditEvent | None) -> dict:
    facts = team_facts(application)
    ends = ((event.data or {}).get("payload") or {}).get("publicity_ends_at") if event else None
    return {"rank": application.rank, "society": facts["society"],
            "project_name": facts["project_name"], "combined_score": application.combined_score,
            "result": application.ranking_result, "publicity_ends": ends}


# 实施协议 -------------------------------------------------------------------------------------

def agreement_data(application: GrantApplication) -> dict | None:
    """None until 签订实施协议 is done; the amount is the one the 立项通知书 granted."""
    events = audit_trail(application.instance_id, ("completed",))
    signed = last_completion(events, "sign_agreement")
    if signed is None:
        return None
    call, notice = call_settings(application.instance), form_of(last_completion(events, "issue_approval"))
    return {"call": {**_call(call), "kpi_targets": list(call.kpi_targets or [])},
            "issuer": issuer_name(call.managing_org_id), **team_facts(application),
            "amount_wan": notice.get("amount_wan") or call.award_amount_wan,
            "period_end": call.period_end.isoformat(),
            "evaluation_deadline": call.evaluation_deadline.isoformat(), "agreement": form_of(signed)}


# 中期督查意见 ---------------------------------------------------------------------------------

def midterm_opinion_data(application: GrantApplication) -> dict | None:
    """None until 中期督查 is done; the KPI actuals are the entries up to the check's date."""
    checked = last_completion(audit_trail(application.instance_id, ("completed",)), "midterm_check")
    if checked is None:
        return None
    call, form = call_settings(application.instance), form_of(checked)
    actuals = kpi_actuals_until(application.id, as_date(form.get("checked_on")))
    return {"call": _call(call), "issuer": issuer_name(call.managing_org_id),
            **team_facts(application), "period_end": call.period_end.isoformat(), "midterm": form,
            "kpis": [{**row, "actual": actuals.get(row["code"], 0)} for row in call.kpi_targets]}


def kpi_actuals_until(application_id: int, day: date | None) -> dict:
    """{KPI code: the sum of its entries that occurred on or before ``day``}."""
    query = sa.select(KpiEntry.kpi_code, sa.func.sum(KpiEntry.quantity)).where(
        KpiEntry.application_id == application_id).group_by(KpiEntry.kpi_code)
    if day is not None:
        query = query.where(KpiEntry.occurred_on <= day)
    return dict(db.session.execute(query).all())


# 全额退还通知 ---------------------------------------------------------------------------------

def refund_notice_data(application: GrantApplication) -> dict | None:
    """None until the refund step opened (the month of 整改 over and the last 复评 failed)."""
    events = audit_trail(application.instance_id, ("completed",))
    refunded = last_completion(events, "refund")
    if refunded is None and open_task(application.instance_id, "refund") is None:
        return None
    evaluated, re_evaluated = (last_completion(events, "evaluate_performance"),
                               last_completion(events, "re_evaluate"))
    due = ((evaluated.data or {}).get("process_data") or {}).get("rectification_due") if evaluated else None
    return {"call": _call(application.call), "issuer": issuer_name(application.call.managing_org_id),
            **team_facts(application), "amount_wan": application.funded_amount_wan,
            "evaluated_on": form_of(evaluated).get("evaluated_on"), "rectification_due": due,
            "re_evaluated_on": re_evaluated.at.isoformat() if re_evaluated else None,
            "issued_on": _issued_on(due, re_evaluated), "refund": form_of(refunded) or None}


def _issued_on(due, re_evaluated: AuditEvent | None):
    """The day the refund was decided: the later of the 整改 deadline and the last 复评."""
    days = [day for day in (as_date(due), as_date(re_evaluated.at) if re_evaluated else None) if day]
    return max(days).isoformat() if days else None
