"""发起申报: what a person may start — open 科创会 editions and grant calls — and starting it."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from forms.validators import fmt_number
from workflows import clock
from workflows.dates import end_of_day

from ...extensions import db
from ...models import ConferenceEdition, GrantApplication, GrantCall, Org, Task, User
from ..grant import applications as grants
from ..grant.call_terms import Term, call_terms
from ..kechuang import projects
from ..shared.common import get_or_404, open_task, validated
from ..shared.errors import Conflict, PermissionDenied

PROJECT_OWNER_TYPES = ("member_unit",)  # 高校、院所、企业
RECOMMENDER_ORDER = ("city_association", "county_association", "society", "department")


def applicant_orgs(user: User, org_types: tuple[str, ...]) -> list[Org]:
    """The orgs of these types in which ``user`` is an applicant (申报经办人)."""
    orgs = {r.org_id: r.org for r in user.roles
            if r.role == "applicant" and r.org.org_type in org_types}
    return [orgs[ident] for ident in sorted(orgs)]


def may_start(user: User) -> bool:
    """Whether 发起申报 is offered at all: the person is the applicant of a project owner or of
    a society (whether an edition or call is open right now the page itself says)."""
    return bool(applicant_orgs(user, PROJECT_OWNER_TYPES) or applicant_orgs(user, ("society",)))


def is_open(deadline) -> bool:
    """The deadline day has not passed (the same rule start_project / start_application apply)."""
    return clock.now() <= end_of_day(deadline)


def open_editions() -> list[ConferenceEdition]:
    editions = db.session.scalars(sa.select(ConferenceEdition).order_by(ConferenceEdition.number))
    return [edition for edition in editions if is_open(edition.submit_deadline)]


def open_calls() -> list[GrantCall]:
    calls = db.session.scalars(sa.select(GrantCall).order_by(GrantCall.year, GrantCall.id))
    return [call for call in calls if is_open(call.apply_deadline)]


@dataclass(frozen=True)
class Startable:
    project_orgs: list[Org]
    editions: list[ConferenceEdition]
    society_orgs: list[Org]
    calls: list[GrantCall]
    applied: set[tuple[int, int]]  # (call id, society id) already applied

    @property
    def empty(self) -> bool:
        return not (self.project_orgs and self.editions) and not (self.society_orgs and self.calls)


def startable(user: User) -> Startable:
    societies = applicant_orgs(user, ("society",))
    applied = db.session.execute(
        sa.select(GrantApplication.call_id, GrantApplication.society_org_id)
        .where(GrantApplication.society_org_id.in_([o.id for o in societies])))
    return Startable(applicant_orgs(user, PROJECT_OWNER_TYPES), open_editions(), societies,
                     open_calls(), {tuple(row) for row in applied})


# 科创项目 ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectSetup:
    defaults: dict
    options: dict


def project_form(user: User, edition_id: int | None, owner_org_id: int | None) -> ProjectSetup:
    """Choices of the start form; recommender defaults to the owner's 市（州）科协."""
    owners = applicant_orgs(user, PROJECT_OWNER_TYPES)
    if not owners:
        raise PermissionDenied("您不是高校、院所、企业的项目申报经办人，不能发起科创项目申报")
    editions = open_editions()
    if not editions:
        raise Conflict("当前没有正在征集项目的科创会")
    owner = next((o for o in owners if o.id == owner_org_id), owners[0])
    edition = next((e for e in editions if e.id == edition_id), editions[0])
    defaults = {"edition_id": str(edition.id), "owner_org_id": str(owner.id)}
    if owner.city_id:
        defaults["recommender_org_id"] = str(owner.city_id)
    options = {"edition_id": [(e.id, e.name) for e in editions],
               "owner_org_id": [(o.id, o.name) for o in owners],
               "recommender_org_id": recommender_options()}
    return ProjectSetup(defaults, options)


def recommender_options() -> list[tuple[int, str]]:
    orgs = db.session.scalars(sa.select(Org).where(Org.org_type.in_(RECOMMENDER_ORDER)))
    ordered = sorted(orgs, key=lambda o: (RECOMMENDER_ORDER.index(o.org_type), o.id))
    return [(o.id, o.name) for o in ordered]


def start_project(raw: dict, user: User) -> Task:
    """Validate the start form, open the submission; its submit_project task comes next."""
    form = validated("project_start", raw)
    project = projects.start_project(form["edition_id"], form["owner_org_id"],
                                     form["recommender_org_id"], form["title"],
                                     form["project_type"], user)
    return open_task(project.instance_id, "submit_project")


# grant calls ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class GrantOffer:
    call: GrantCall
    societies: list[Org]
    bars: dict[int, str]  # society id → why it may not apply (a refund of last year's grant)

    @property
    def open(self) -> bool:
        return is_open(self.call.apply_deadline)

    @property
    def award(self) -> str:
        return fmt_number(self.call.award_amount_wan)

    @property
    def terms(self) -> list[Term]:
        return call_terms(self.call)


def grant_offer(call_id: int, user: User) -> GrantOffer:
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    societies = applicant_orgs(user, ("society",))
    if not societies:
        raise PermissionDenied("您不是省级学会的申报经办人，不能申报资助项目")
    bars = {org.id: reason for org in societies
            if (reason := grants.bar_reason(call, org.id)) is not None}
    return GrantOffer(call, societies, bars)


@dataclass(frozen=True)
class Applied:
    application: GrantApplication
    next_task: Task | None  # submit_application, when eligible
    reasons: list[str]  # why not, when ineligible


def apply(call_id: int, society_org_id: int, raw: dict, user: User) -> Applied:
    """Open the application with its eligibility declaration (one transaction)."""
    application = grants.apply_to_call(call_id, society_org_id, raw, user)
    return Applied(application, open_task(application.instance.id, "submit_application"),
                   grants.ineligible_reasons(application))
