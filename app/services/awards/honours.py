"""优质科创项目 (the 专家委员会 chooses among the edition's projects that were 推介 or reached a
合作意向) and 突出贡献单位 (创发部 chooses, with figures from the process data)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workflows import clock

from ...extensions import db
from ...models import (AuditEvent, AwardRound, ContributionUnit, Org, Project, QualityProject)
from ..shared.common import get_or_404
from ..shared.errors import Conflict, InvalidInput, NotFound
from ..shared.unit_of_work import transaction
from .access import deciding_actor, expert_actor

UNIT_TYPES = ("city_association", "county_association", "society", "department", "member_unit")
REASON_MAX = 500


def eligible_projects(award_round: AwardRound) -> list[Project]:
    """The edition's projects that were 推介 at the conference or agreed an intent / signed
    (推介: asked of each project's own audit rows, not of every 推介 in the trail)."""
    pitched = sa.exists().where(AuditEvent.instance_id == Project.instance_id,
                                AuditEvent.kind == "completed", AuditEvent.task_name == "pitch_project")
    return list(db.session.scalars(sa.select(Project).where(
        Project.edition_id == award_round.edition_id,
        sa.or_(pitched, Project.sign_outcome.in_(("intent", "contract"))))
        .order_by(Project.id)))


def _reason(raw) -> str:
    reason = str(raw or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["「评定理由」必填"]})
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": [f"「评定理由」不超过{REASON_MAX}字"]})
    return reason


def choose_project(round_id: int, project_id: int, reason, user) -> QualityProject:
    expert_actor(user)
    with transaction():
        award_round = get_or_404(AwardRound, round_id, "评选不存在")
        text = _reason(reason)
        if project_id not in {p.id for p in eligible_projects(award_round)}:
            raise Conflict("只能从本届科创会上推介或达成合作意向的科创项目中评定优质科创项目")
        if db.session.scalar(sa.select(QualityProject).filter_by(round_id=round_id,
                                                                 project_id=project_id)):
            raise Conflict("该项目已评定为优质科创项目")
        row = QualityProject(round_id=round_id, project_id=project_id, reason=text,
                             chosen_by_id=user.id, chosen_at=clock.now())
        db.session.add(row)
    return row


def quality_projects(round_id: int) -> list[tuple[QualityProject, Project]]:
    return list(db.session.execute(sa.select(QualityProject, Project).join(
        Project, Project.id == QualityProject.project_id).where(QualityProject.round_id == round_id)
        .order_by(QualityProject.id)))


def remove_project(round_id: int, row_id: int, user) -> None:
    expert_actor(user)
    with transaction():
        db.session.delete(_row_of(QualityProject, round_id, row_id))


def choose_unit(round_id: int, org_id: int, reason, user) -> ContributionUnit:
    deciding_actor(user, "评定突出贡献单位")
    with transaction():
        get_or_404(AwardRound, round_id, "评选不存在")
        org = db.session.get(Org, org_id)
        if org is None or org.org_type not in UNIT_TYPES:
            raise NotFound("该单位不存在")
        text = _reason(reason)
        if db.session.scalar(sa.select(ContributionUnit).filter_by(round_id=round_id, org_id=org_id)):
            raise Conflict(f"{org.name}已评定为突出贡献单位")
        row = ContributionUnit(round_id=round_id, org_id=org_id, reason=text,
                               chosen_by_id=user.id, chosen_at=clock.now())
        db.session.add(row)
    return row


def remove_unit(round_id: int, row_id: int, user) -> None:
    deciding_actor(user, "评定突出贡献单位")
    with transaction():
        db.session.delete(_row_of(ContributionUnit, round_id, row_id))


def _row_of(model, round_id: int, row_id: int):
    row = db.session.get(model, row_id)
    if row is None or row.round_id != round_id:
        raise NotFound("记录不存在")
    return row


@dataclass(frozen=True)
class Figures:
    recommended: int   # projects the unit recommended to 省科协 (推荐结论 推荐)
    selected: int      # of them, 遴选 into the conference
    signed: int        # of them, 签订合同


def unit_figures(award_round: AwardRound) -> dict[int, Figures]:
    """{org id: its projects of the edition recommended, selected, signed}."""
    recommended = _recommended_instances(award_round.edition_id)
    projects = db.session.scalars(sa.select(Project).filter_by(edition_id=award_round.edition_id))
    tally: dict[int, list[int]] = {}
    for project in projects:
        if project.instance_id not in recommended:
            continue
        counts = tally.setdefault(project.recommender_org_id, [0, 0, 0])
        counts[0] += 1
        counts[1] += project.bucket is not None
        counts[2] += project.sign_outcome == "contract"
    return {org_id: Figures(*counts) for org_id, counts in tally.items()}


def _recommended_instances(edition_id: int) -> set[int]:
    instances = sa.select(Project.instance_id).filter_by(edition_id=edition_id)
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.kind == "completed", AuditEvent.task_name == "recommend_project",
        AuditEvent.instance_id.in_(instances)).order_by(AuditEvent.id))
    last = {e.instance_id: ((e.data or {}).get("form") or {}) for e in events}
    return {ident for ident, form in last.items() if form.get("recommend_outcome") == "recommended"}


def candidate_units() -> list[Org]:
    return list(db.session.scalars(sa.select(Org).where(Org.org_type.in_(UNIT_TYPES))
                                   .order_by(Org.id)))


def contribution_units(round_id: int) -> list[ContributionUnit]:
    return list(db.session.scalars(sa.select(ContributionUnit).filter_by(round_id=round_id)
                                   .order_by(ContributionUnit.id)))
