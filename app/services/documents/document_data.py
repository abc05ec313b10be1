"""The data of each document, gathered from the database exactly as ``reports/documents.py``
describes it (its DATA CONTRACT). Whether the reader may have the document at all is decided
in ``documents.py``; only the draft 申报书 depends on who reads it (see ``draft_form``).

Where a step's full form is kept: the audit trail (``completed`` events carry the payload,
``kpi_evaluation`` events the KPI rows as they were evaluated) and the domain tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from marshmallow import ValidationError

from forms import choices
from forms.call_kinds import CALL_KINDS, application_form
from forms.registry import schema_instance
from workflows import clock

from ..shared.call_settings import call_settings
from ...extensions import db
from ...models import (AuditEvent, ConferenceEdition, GrantApplication, Org, Project, TaskDraft,
                      User)
from ..shared.access import may_see_task
from ..shared.common import open_task
from ..grant.kpis import kpi_outcome

ISSUER_FALLBACK = "四川省科学技术协会"


# Audit trail lookups ------------------------------------------------------------------------

def audit_trail(instance_id: int, kinds=("completed", "kpi_evaluation")) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.kind.in_(kinds))
        .order_by(AuditEvent.id)))


def last_completion(events: list[AuditEvent], task_name: str, after: int = 0) -> AuditEvent | None:
    found = [e for e in events if e.kind == "completed" and e.task_name == task_name and e.id > after]
    return found[-1] if found else None


def form_of(event: AuditEvent | None) -> dict:
    return dict((event.data or {}).get("form") or {}) if event else {}


def _kpis_after(events: list[AuditEvent], event: AuditEvent) -> dict | None:
    """The KPI evaluation recorded right after a completion (the evaluation's own figures)."""
    return next((e.data for e in events if e.kind == "kpi_evaluation" and e.id > event.id), None)


# 申报书 --------------------------------------------------------------------------------------

def application_data(application: GrantApplication, form: dict | None,
                     submitted_at: datetime | None) -> dict:
    """The 申报书 of the call's kind: a 科技服务团's prints the call's KPI targets beside its
    commitments."""
    call = call_settings(application.instance)  # the version its instance started with
    facts = {"name": call.name, "year": call.year, "kind": call.kind}
    if call.kind == "service_team":
        facts["kpi_targets"] = [dict(row) for row in call.kpi_targets or []]
    return {"form": form or {}, "call": facts,
            "submitted_at": submitted_at.isoformat() if submitted_at else None}


def draft_form(application: GrantApplication, reader: User) -> dict:
    """What a draft 申报书 prints: the reader's own 暂存 of the open 填报申报书 step (a draft is
    one person's unsent work: the task form resumes only your own, and so does this), typed by
    the form of the call's kind — else the last submission (after 退回补正), else nothing (the
    blank form)."""
    task = open_task(application.instance_id, "submit_application")
    if task is not None and may_see_task(reader, task):
        draft = db.session.scalar(sa.select(TaskDraft).filter_by(task_id=task.id, user_id=reader.id))
        if draft is not None:
            return typed_partial(application_form(application.call.kind), draft.data)
    return dict(application.form or {})


def typed_partial(form: type, raw: dict) -> dict:
    """The fields of a half-filled form that are valid, typed as a submission's (dates, Decimals,
    booleans rather than the browser's strings); the others are left out (blank cells)."""
    try:
        return schema_instance(form).load(raw)
    except ValidationError as error:
        return error.valid_data if isinstance(error.valid_data, dict) else {}


# 立项通知书 and 绩效评估报告 ----------------------------------------------------------------

def society_name(application: GrantApplication) -> str:
    return db.session.get(Org, application.society_org_id).name


def team_facts(application: GrantApplication) -> dict:
    """Who and what, from the 申报书 as last submitted, and how the call's kind words them:
    ``studio_name`` is what carries the project out (专家团科创工作室, 科技服务团, the event's
    title) and ``lead_expert`` who leads it (a team's 领衔专家, an event's 项目负责人)."""
    form, wording = application.form or {}, CALL_KINDS[application.call.kind].wording
    members = ((form.get("team") or {}).get("members")) or []
    lead = next((m.get("name", "") for m in members if m.get("is_lead")),
                (form.get("unit_info") or {}).get("project_leader", "") if not members else "")
    return {"society": society_name(application),
            "project_name": (form.get("cover") or {}).get("project_name", application.title),
            "studio_name": _at_path(form, wording.unit_field), "lead_expert": lead,
            "wording": wording.as_data()}


def _at_path(form: dict, path: str) -> str:
    value = form
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""


def issuer_name(org_id: int) -> str:
    """The 科协 that issues in the managing department's name: the top of its org tree."""
    org = db.session.get(Org, org_id)
    while org is not None and org.parent_id is not None:
        org = db.session.get(Org, org.parent_id)
    return org.name if org is not None else ISSUER_FALLBACK


def approval_notice_data(application: GrantApplication) -> dict | None:
    """None until 下达立项通知书 is done."""
    event = last_completion(audit_trail(application.instance_id, ("completed",)), "issue_approval")
    if event is None:
        return None
    call, notice = call_settings(application.instance), form_of(event)
    return {"call": {"name": call.name, "year": call.year, "award_amount_wan": call.award_amount_wan},
            **team_facts(application),
            "notice": {key: notice.get(key) for key in ("notice_number", "issued_on", "amount_wan")},
            "issuer": issuer_name(call.managing_org_id), "period_end": call.period_end.isoformat(),
            "evaluation_deadline": call.evaluation_deadline.isoformat()}


def evaluation_report_data(application: GrantApplication) -> dict | None:
    """None until 绩效评估 is done; with the 整改复评 and the 全额退还 once they happened."""
    events = audit_trail(application.instance_id)
    evaluated = last_completion(events, "evaluate_performance")
    if evaluated is None:
        return None
    form, figures = form_of(evaluated), _kpi_figures(application, events, evaluated)
    passed = bool(figures["passed"])
    due = ((evaluated.data or {}).get("process_data") or {}).get("rectification_due")
    return {"call": {"name": application.call.name, "year": application.call.year},
            **team_facts(application), "funded_amount_wan": application.funded_amount_wan,
            "kpis": figures["kpis"], "passed": passed,
            "evaluation": {"evaluated_on": form.get("evaluated_on"),
                           "excellent": bool(passed and form.get("excellent")),
                           "bonus_note": form.get("bonus_note"), "comment": form.get("comment"),
                           "reduction_reason": form.get("reduction_reason")},
            "rectification_due": None if passed else due,
            "re_evaluation": _re_evaluation(application, events, evaluated),
            "refund": _refund(events, evaluated)}


def _kpi_figures(application: GrantApplication, events, completion: AuditEvent) -> dict:
    """The KPI rows as evaluated at that step; recomputed (kpis.py) when none were recorded."""
    recorded = _kpis_after(events, completion)
    if recorded is not None:
        return {"passed": recorded.get("passed"), "kpis": list(recorded.get("kpis") or [])}
    passed, rows = kpi_outcome(application)
    return {"passed": passed, "kpis": [dict(row.__dict__) for row in rows]}


def _re_evaluation(application, events, evaluated: AuditEvent) -> dict | None:
    re_evaluated = last_completion(events, "re_evaluate", after=evaluated.id)
    if re_evaluated is None:
        return None
    figures = _kpi_figures(application, events, re_evaluated)
    return {"passed": bool(figures["passed"]), "comment": form_of(re_evaluated).get("comment"),
            "kpis": figures["kpis"], "evaluated_on": re_evaluated.at.isoformat()}


def _refund(events, evaluated: AuditEvent) -> dict | None:
    refunded = last_completion(events, "refund", after=evaluated.id)
    if refunded is None:
        return None
    form = form_of(refunded)
    return {"amount_wan": form.get("amount_wan"), "paid_on": form.get("paid_on")}


# 科创项目推介表 ----------------------------------------------------------------------------

def city_label(org: Org | None) -> str | None:
    """The 市州 as tables name it: 成都市科学技术协会 → 成都; 阿坝州科学技术协会 → 阿坝州."""
    return org.name.removesuffix("科学技术协会").removesuffix("市") if org is not None else None


def project_sheet_data(project: Project) -> dict | None:
    """None until the project is submitted."""
    if not project.details:
        return None
    edition = project.edition
    return {"edition": {"name": edition.name, "year": edition.year}, "title": project.title,
            "project_type": project.project_type, "sector": project.sector,
            "intent": project.intent,
            "city": city_label(db.session.get(Org, project.city_org_id) if project.city_org_id else None),
            "owner": db.session.get(Org, project.owner_org_id).name,
            "recommender": db.session.get(Org, project.recommender_org_id).name,
            "concierge": _concierge_name(project), "details": dict(project.details)}


def _concierge_name(project: Project) -> str | None:
    trail = audit_trail(project.instance_id, ("completed",))  # a county's project: its city's
    recommended = last_completion(trail, "city_recommend_project") or last_completion(trail, "recommend_project")
    user_id = form_of(recommended).get("concierge_user_id")
    user = db.session.get(User, int(user_id)) if user_id not in (None, "") else None
    return user.display_name if user is not None else None


# 科创会成果统计报告 ------------------------------------------------------------------------

_AREA_OF_BUCKET = {"opening": "开幕式发布", "showcase": "重点科创项目集中推介"}
ROADSHOW_AREA = "重大科创项目专场推介会（{sector}）"


@dataclass(frozen=True)
class EditionFacts:
    """What an edition's 科创会 figures are counted from — the 成果统计报告 and the 统计数据 pages."""
    projects: list[Project]
    pitched: dict[int, dict]         # instance id: its 推介洽谈 form (presented at the conference)
    recommended: set[int]            # the final 推荐 said "推荐" (a county's: as its city decided)
    sessions: dict[int, str | None]  # instance id: the 专场 遴选 chose

    def shown(self, projects: list[Project]) -> list[Project]:
        return [p for p in projects if p.instance_id in self.pitched]

    def funnel(self, projects: list[Project]) -> dict:
        return funnel_totals(projects, self.shown(projects), self.recommended)


def edition_facts(edition: ConferenceEdition) -> EditionFacts:
    projects = list(db.session.scalars(sa.select(Project).filter_by(edition_id=edition.id)
                                       .order_by(Project.id)))
    sessions = {ident: form.get("sector") for ident, form
                in last_forms(edition.id, "select_project").items()}
    final = last_forms(edition.id, "recommend_project") | last_forms(edition.id, "city_recommend_project")
    recommended = {ident for ident, form in final.items()
                   if form.get("recommend_outcome") == "recommended"}
    return EditionFacts(projects, last_forms(edition.id, "pitch_project"), recommended, sessions)


def conference_report_data(edition: ConferenceEdition) -> dict:
    facts = edition_facts(edition)
    shown = facts.shown(facts.projects)
    return {"edition": {"name": edition.name, "year": edition.year,
                        "starts_on": edition.conference_start.isoformat(),
                        "ends_on": edition.conference_end.isoformat()},
            "generated_at": clock.now().isoformat(),
            "by_area": [{"area": area, **tally_outcomes(rows)}
                        for area, rows in by_area(edition, shown, facts.sessions)],
            "by_city": [{"city": city, **tally_outcomes(rows)} for city, rows in _by_city(shown)],
            "totals": facts.funnel(facts.projects)}


def last_forms(edition_id: int, task_name: str) -> dict[int, dict]:
    """{instance id: the form of its last completion of ``task_name``}, for the edition's projects."""
    instances = sa.select(Project.instance_id).filter_by(edition_id=edition_id)
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.kind == "completed", AuditEvent.task_name == task_name,
        AuditEvent.instance_id.in_(instances)).order_by(AuditEvent.id))
    return {event.instance_id: form_of(event) for event in events}


def by_area(edition: ConferenceEdition, projects: list[Project], sessions: dict[int, str | None]):
    """推介区: 开幕式发布, each 专场推介会 sector of the edition, 集中推介 (all listed). A
    project's 专场 is the one 遴选 chose (``sessions``), not the 所属领域 it was submitted with."""
    sectors = dict(choices.SECTORS)
    roadshows = [(sessions.get(p.instance_id), p) for p in projects if p.bucket == "major_roadshow"]
    yield _AREA_OF_BUCKET["opening"], [p for p in projects if p.bucket == "opening"]
    for code in edition.sectors:
        yield (ROADSHOW_AREA.format(sector=sectors.get(code, code)),
               [p for sector, p in roadshows if sector == code])
    others = [p for sector, p in roadshows if sector not in edition.sectors]
    if others:
        yield ROADSHOW_AREA.format(sector="其他"), others
    yield _AREA_OF_BUCKET["showcase"], [p for p in projects if p.bucket == "showcase"]


def _by_city(projects: list[Project]):
    """Every 市州 in the directory's order; projects of owners outside any 市州 last."""
    cities = list(db.session.scalars(sa.select(Org).filter_by(org_type="city_association")
                                     .order_by(Org.id)))
    for city in cities:
        yield city_label(city), [p for p in projects if p.city_org_id == city.id]
    elsewhere = [p for p in projects if p.city_org_id not in {c.id for c in cities}]
    if elsewhere:
        yield "省直及其他", elsewhere


def tally_outcomes(projects: list[Project]) -> dict:
    """A funnel: pitched ≥ agreed an intent (those who went on to sign included) ≥ signed."""
    signed = [p for p in projects if p.sign_outcome == "contract"]
    return {"pitched": len(projects),
            "intents": sum(p.sign_outcome in ("intent", "contract") for p in projects),
            "signed": len(signed), "contract_wan": sum((p.contract_amount_wan or 0 for p in signed),
                                                       start=Decimal(0))}


def funnel_totals(projects: list[Project], pitched: list[Project], recommended: set[int]) -> dict:
    """``recommended``: the instances whose 推荐 concluded "推荐" (a 不推荐 form may still
    carry the 推介意向 that was filled in)."""
    tally = tally_outcomes(pitched)
    return {"submitted": sum(bool(p.details) for p in projects),
            "recommended": sum(p.instance_id in recommended for p in projects),
            "selected": sum(p.bucket is not None for p in projects),
            "pitched": tally["pitched"], "intents": tally["intents"], "signed": tally["signed"],
            "landed": sum(p.outcome == "landed" for p in projects),
            "contract_wan": tally["contract_wan"]}
