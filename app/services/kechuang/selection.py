"""科创会 遴选 under quotas: the departments' work list (marks), checked at the moment of
action, and 创发部's 发布遴选结果 completing every open select_project task of the edition.
Business rules: forms/selection_rules.py; the board's reading side: selection_board.py."""
from __future__ import annotations

import sqlalchemy as sa

from forms import choices as c
from forms import selection_rules as sr
from workflows import clock
from workflows.dates import end_of_day, shown_day

from ...extensions import db
from ...models import (ConferenceEdition, Org, Project, SelectionMark, SelectionShortfall, Task,
                       User)
from ..shared.access import check_holds
from ..shared.common import get_or_404, org_by_code
from ..shared.errors import Conflict, InvalidInput, NotFound
from ..shared.unit_of_work import transaction
from ..steps.instances import complete_in_transaction

BUCKET_LABELS = dict(c.SELECTION_BUCKETS) | {sr.ADMISSION: "遴选参会"}


# Facts -------------------------------------------------------------------------------------

def usage(edition_id: int, exclude_project_id: int | None = None) -> dict:
    """What is marked in the edition (forms/selection_rules.py shape), one project left out."""
    found = sr.empty_usage()
    other = SelectionMark.project_id != (exclude_project_id or 0)
    found["admitted"] = db.session.scalar(sa.select(sa.func.count()).where(
        SelectionMark.edition_id == edition_id, SelectionMark.stage == sr.ADMISSION, other))
    rows = db.session.execute(
        sa.select(SelectionMark.bucket, SelectionMark.sector, Project.project_type, Org.code,
                  Org.org_type, sa.func.count())
        .join(Project, Project.id == SelectionMark.project_id)
        .join(Org, Org.id == Project.recommender_org_id)
        .where(SelectionMark.edition_id == edition_id, SelectionMark.stage == "placement", other)
        .group_by(SelectionMark.bucket, SelectionMark.sector, Project.project_type, Org.code,
                  Org.org_type)).all()
    for bucket, sector, kind, org_code, org_type, count in rows:
        _count_placement(found, bucket, sector, kind, org_code if org_type == PARTNER else None,
                         count)
    return found


PARTNER = "partner_association"


def _count_placement(found, bucket, sector, kind, partner, count) -> None:
    if bucket == "opening" and partner:
        found["directed"][partner] = found["directed"].get(partner, 0) + count
    elif bucket == "opening":
        found["opening"][kind] = found["opening"].get(kind, 0) + count
    elif bucket == "major_roadshow":
        found["major_roadshow"] += count
        found["sectors"][sector] = found["sectors"].get(sector, 0) + count
    elif bucket == "showcase":
        found["showcase"] += count


def project_facts(project: Project) -> dict:
    recommender = db.session.get(Org, project.recommender_org_id)
    partner = recommender.org_type == PARTNER
    return {"project_type": project.project_type, "sector": project.sector,
            "partner_code": recommender.code if partner else None,
            "partner_name": recommender.name if partner else None}


def marks_of(project_id: int) -> dict[str, SelectionMark]:
    return {m.stage: m for m in db.session.scalars(
        sa.select(SelectionMark).filter_by(project_id=project_id))}


def department(edition: ConferenceEdition, bucket: str) -> Org:
    """The department that places ``bucket`` (集中推介洽谈 and admission: the admitting one)."""
    key = sr.ADMISSION if bucket == sr.PITCH_SESSIONS else bucket
    code = sr.bucket_owner(key, edition.selection_departments)
    if code is None:
        raise NotFound(f"本届未设置负责「{BUCKET_LABELS.get(bucket, bucket)}」的部门")
    return org_by_code(code)


def owned_buckets(edition: ConferenceEdition, user: User) -> set[str]:
    """The buckets (and "admission") that departments ``user`` selects for place."""
    orgs = {r.org_id for r in user.roles if r.role == "selector"}
    codes = dict(db.session.execute(sa.select(Org.code, Org.id).where(Org.id.in_(orgs))).all())
    owned = {key for key, code in edition.selection_departments.items() if code in codes}
    if sr.bucket_owner(sr.ADMISSION, edition.selection_departments) in codes:
        owned.add(sr.ADMISSION)
    return owned | ({sr.PITCH_SESSIONS} if sr.ADMISSION in owned else set())


# Checks at the moment of action ---------------------------------------------------------------

def check_owner(edition: ConferenceEdition, bucket: str, user: User) -> Org:
    dept = department(edition, bucket)
    check_holds(user, "selector", dept.id,
                f"遴选「{BUCKET_LABELS.get(bucket, bucket)}」项目（由{dept.name}遴选）")
    return dept


def check_before_deadline(edition: ConferenceEdition) -> None:
    if clock.now() > end_of_day(edition.select_deadline):
        raise Conflict(f"{edition.name}遴选已于{shown_day(edition.select_deadline)}截止，"
                       "不能再修改遴选名单")


def lock_edition(edition_id: int) -> None:
    """Serialise marks of one edition: a write on its row (SQLite: the write lock; PostgreSQL:
    the row lock) before counting, so two marks for the last slot cannot both pass."""
    db.session.execute(sa.update(ConferenceEdition).where(ConferenceEdition.id == edition_id)
                       .values(number=ConferenceEdition.number))


def open_selection_task(project: Project) -> Task:
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id,
                                                       task_name="select_project"))
    if task is None:
        raise NotFound(f"项目「{project.title}」不在待遴选名单中（未推荐至省或遴选结果已发布）")
    return task


def project_in(project_id: int, edition_id: int | None) -> Project:
    """The project, 404 when it is not of ``edition_id`` (the board's edition, when given)."""
    project = get_or_404(Project, project_id, "项目不存在")
    if edition_id is not None and project.edition_id != edition_id:
        raise NotFound("项目不存在")
    return project


def _mark(project: Project, stage: str, user: User, bucket=None, sector=None, note=None):
    db.session.add(SelectionMark(edition_id=project.edition_id, project_id=project.id,
                                 stage=stage, bucket=bucket, sector=sector, note=note,
                                 marked_by_id=user.id, marked_at=clock.now()))


# Use cases ----------------------------------------------------------------------------------

def mark_admission(project_ids: list[int], admitted: bool, user: User,
                   note: str | None = None, edition_id: int | None = None) -> int:
    """创发部 admits (or takes back) projects to the line-up; returns how many changed."""
    changed = 0
    with transaction():
        for project_id in project_ids:
            project = project_in(project_id, edition_id)
            edition = project.edition
            check_owner(edition, sr.ADMISSION, user)
            check_before_deadline(edition)
            open_selection_task(project)
            changed += _set_admission(project, admitted, user, note)
    return changed


def _set_admission(project: Project, admitted: bool, user: User, note) -> int:
    marks = marks_of(project.id)
    if admitted and sr.ADMISSION not in marks:
        _mark(project, sr.ADMISSION, user, note=note)
        return 1
    if not admitted and sr.ADMISSION in marks:
        if "placement" in marks:
            label = BUCKET_LABELS[marks["placement"].bucket]
            raise Conflict(f"项目「{project.title}」已选入{label}，请先由该部门撤销后再取消参会")
        db.session.delete(marks[sr.ADMISSION])
        return 1
    return 0


def mark_placement(project_id: int, bucket: str, sector: str | None, user: User,
                   note: str | None = None, edition_id: int | None = None) -> SelectionMark:
    """A department puts an admitted project in one of its buckets (checked now, under lock)."""
    with transaction():
        project = project_in(project_id, edition_id)
        edition = project.edition
        if bucket not in sr.HEADLINE_BUCKETS:
            raise InvalidInput({"bucket": [f"「入选推介类别」须为{'、'.join(BUCKET_LABELS[b] for b in sr.HEADLINE_BUCKETS)}之一"]})
        check_owner(edition, bucket, user)
        check_before_deadline(edition)
        open_selection_task(project)
        lock_edition(edition.id)
        mark = _place(project, bucket, sector if bucket == "major_roadshow" else None, user, note)
    return mark


def _place(project: Project, bucket: str, sector, user: User, note) -> SelectionMark:
    marks = marks_of(project.id)
    if sr.ADMISSION not in marks:
        raise Conflict(f"项目「{project.title}」尚未由创发部遴选参会，不能选入{BUCKET_LABELS[bucket]}")
    placed = marks.get("placement")
    if placed is not None and placed.bucket != bucket:
        raise Conflict(f"项目「{project.title}」已选入{BUCKET_LABELS[placed.bucket]}，"
                       "一个项目只能入选一个推介类别")
    facts = project_facts(project) | {"sector": sector}
    refusal = sr.placement_refusal(bucket, facts, usage(project.edition_id, project.id),
                                   project.edition.quotas, project.edition.sectors)
    if refusal:
        raise Conflict(refusal)
    if placed is not None:
        db.session.delete(placed)
        db.session.flush()
    _mark(project, "placement", user, bucket=bucket, sector=sector, note=note)
    db.session.flush()
    return marks_of(project.id)["placement"]


def unmark_placement(project_id: int, user: User, edition_id: int | None = None) -> None:
    """The placing department takes a project out of its bucket (back to 集中推介洽谈)."""
    with transaction():
        project = project_in(project_id, edition_id)
        placed = marks_of(project.id).get("placement")
        if placed is None:
            raise Conflict(f"项目「{project.title}」未选入任何推介类别")
        check_owner(project.edition, placed.bucket, user)
        check_before_deadline(project.edition)
        open_selection_task(project)
        db.session.delete(placed)


def record_decision(project: Project, payload: dict, user: User) -> None:
    """A single select_project decision (through the inbox) kept in the marks too."""
    marks = marks_of(project.id)
    if payload["select_outcome"] != "selected":
        return
    if sr.ADMISSION not in marks:
        _mark(project, sr.ADMISSION, user)
    bucket = payload["bucket"]
    if bucket in sr.HEADLINE_BUCKETS and "placement" not in marks:
        _mark(project, "placement", user, bucket=bucket, sector=payload.get("sector"))


def publish_selection(edition_id: int, user: User, confirm_short: bool = False) -> dict:
    """创发部 publishes: every open select_project task completed through the task service
    (admitted → 入选 with its bucket, else 未入选). Below a minimum only with confirmation."""
    with transaction():
        edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
        check_owner(edition, sr.ADMISSION, user)
        check_before_deadline(edition)
        if sr.ADMISSION not in edition.selection_departments:
            raise Conflict(f"{edition.name}的遴选任务未统一交由创发部办理（届次设置未指定遴选参会部门），"
                           "请各部门在待办中逐项办理")
        lock_edition(edition.id)
        short = sr.shortfalls(usage(edition.id), edition.quotas)
        if short and not confirm_short:
            raise Conflict(f"{sr.shortfall_message(short)}。确认仍要发布，请勾选“确认在未达下限时发布”")
        record_shortfalls(edition, short)
        counts = _complete_all(edition, user)
    return counts


def _complete_all(edition: ConferenceEdition, user: User) -> dict:
    rows = db.session.execute(
        sa.select(Task.id, Project.id).join(Project, Project.instance_id == Task.instance_id)
        .where(Project.edition_id == edition.id, Task.task_name == "select_project")).all()
    placed = _placements(edition.id)
    admitted = set(db.session.scalars(sa.select(SelectionMark.project_id).filter_by(
        edition_id=edition.id, stage=sr.ADMISSION)))
    counts = {"selected": 0, "not_selected": 0}
    for task_id, project_id in rows:
        payload = _publish_payload(project_id in admitted, placed.get(project_id))
        complete_in_transaction(task_id, payload, user)
        counts[payload["select_outcome"]] += 1
    return counts


def _placements(edition_id: int) -> dict[int, SelectionMark]:
    return {m.project_id: m for m in db.session.scalars(sa.select(SelectionMark).filter_by(
        edition_id=edition_id, stage="placement"))}


def _publish_payload(admitted: bool, placed: SelectionMark | None) -> dict:
    if not admitted:
        return {"select_outcome": "not_selected", "comment": "未入选本届科创会参会项目"}
    if placed is None:
        return {"select_outcome": "selected", "bucket": sr.PITCH_SESSIONS}
    return {"select_outcome": "selected", "bucket": placed.bucket, "sector": placed.sector}


def record_shortfalls(edition: ConferenceEdition, short: list[dict]) -> int:
    """Keep each minimum not reached (once per edition and minimum)."""
    known = set(db.session.scalars(sa.select(SelectionShortfall.minimum).filter_by(
        edition_id=edition.id)))
    new = [s for s in short if s["minimum"] not in known]
    for s in new:
        db.session.add(SelectionShortfall(edition_id=edition.id, minimum=s["minimum"],
                                          required=s["required"], reached=s["reached"],
                                          recorded_at=clock.now()))
    return len(new)


def record_due_shortfalls() -> int:
    """Timer sweep: each edition whose 遴选截止 has passed gets its shortfalls recorded once,
    whether or not anybody opened the board."""
    recorded = 0
    checked = sa.select(SelectionShortfall.edition_id)
    for edition in db.session.scalars(sa.select(ConferenceEdition).where(
            ConferenceEdition.id.not_in(checked))).all():
        if clock.now() > end_of_day(edition.select_deadline):
            with transaction():
                recorded += record_shortfalls(edition, sr.shortfalls(usage(edition.id), edition.quotas))
    return recorded


def recorded_shortfalls(edition_id: int) -> list[SelectionShortfall]:
    return list(db.session.scalars(sa.select(SelectionShortfall).filter_by(edition_id=edition_id)
                                   .order_by(SelectionShortfall.id)))
