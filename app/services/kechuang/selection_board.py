"""遴选工作台 (/editions/<id>/selection): per bucket quota / used / left, counts per 市州 and
sector, and one page of the department's candidate pool (filtered, sorted) — a few grouped
queries whatever the pool's size."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from forms import choices as c
from forms import selection_rules as sr
from workflows import clock
from workflows.dates import end_of_day

from ...extensions import db
from ...models import AuditEvent, ConferenceEdition, Org, Project, SelectionMark, Task, User
from ..shared.access import check_holds
from ..shared.common import get_or_404
from ..shared.errors import PermissionDenied
from ..shared.paging import page_count
from . import selection

PAGE_SIZE = 50
SORTS = {"intent": "推介意向优先", "title": "项目名称", "city": "市州", "type": "项目类型"}


@dataclass
class QuotaLine:
    label: str
    quota: str
    used: int
    left: str


@dataclass
class Board:
    edition: ConferenceEdition
    department: Org
    buckets: list[str]
    admits: bool
    lines: list[QuotaLine]
    warnings: list[str]
    recorded: list
    by_city: list[tuple[str, int]]
    by_sector: list[tuple[str, int]]
    rows: list[dict]
    total: int
    page: int
    pages: int
    open: bool
    filters: dict = field(default_factory=dict)


def quota_board(edition_id: int, department_org_id: int, user: User, filters: dict | None = None,
                page: int = 1, per_page: int = PAGE_SIZE) -> Board:
    """The board a selector of ``department_org_id`` sees (its pool only), ``per_page`` rows
    of the pool on ``page`` (the last page when beyond it)."""
    edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
    department = get_or_404(Org, department_org_id, "部门不存在")
    buckets = _buckets(edition, department)
    check_holds(user, "selector", department.id, "查看该部门的遴选工作台")
    if not buckets:
        raise selection.NotFound("该部门不负责本届科创会遴选")
    filters = filters or {}
    usage = selection.usage(edition.id)
    before = clock.now() <= end_of_day(edition.select_deadline)
    short = sr.shortfalls(usage, edition.quotas)
    query = _pool(edition, sr.ADMISSION in buckets, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = page_count(total, per_page)
    page = min(max(1, page), pages)
    rows = _rows(edition, query, buckets, filters.get("sort", "intent"), page, per_page)
    return Board(edition, department, buckets, sr.ADMISSION in buckets,
                 quota_lines(edition, usage), [f"{s['label']}{s['reached']}项，未达到下限{s['required']}项"
                                               for s in short] if before else [],
                 selection.recorded_shortfalls(edition.id), _by_city(edition), _by_sector(edition),
                 rows, total, page, pages, before, filters)


def quota_lines(edition: ConferenceEdition, usage: dict) -> list[QuotaLine]:
    q = sr.settings(edition.quotas)
    lines = [QuotaLine("遴选参会（总数下限）", f"≥{q['overall_min']}", usage["admitted"],
                       f"差{max(0, q['overall_min'] - usage['admitted'])}")]
    for kind in sr.OPENING_TYPES:
        lines.append(_line(f"开幕式发布·{c.label_of(c.PROJECT_TYPES, kind)}", q["opening_per_type"],
                           usage["opening"].get(kind, 0)))
    partners = dict(db.session.execute(sa.select(Org.code, Org.name).where(
        Org.code.in_(list(q["directed_slots"])))).all())
    for code, limit in q["directed_slots"].items():
        lines.append(_line(f"开幕式发布·{partners.get(code, code)}定向", limit,
                           usage["directed"].get(code, 0)))
    lines.append(QuotaLine("重大科创项目专场推介会", f"{q['roadshow_min']}–{q['roadshow_max']}",
                           usage["major_roadshow"], str(q["roadshow_max"] - usage["major_roadshow"])))
    for sector in edition.sectors:
        lines.append(_line(f"专场·{c.label_of(c.SECTORS, sector)}", q["roadshow_sector_max"],
                           usage["sectors"].get(sector, 0)))
    lines.append(_line("重点科创项目集中推介", q["showcase_max"], usage["showcase"]))
    return lines


def _line(label: str, limit: int | None, used: int) -> QuotaLine:
    if limit is None:
        return QuotaLine(label, "不限", used, "不限")
    return QuotaLine(label, str(limit), used, str(max(0, limit - used)))


def _in_pool():
    """Recommended to the province and not yet published (an open select_project task): asked
    of each of the edition's projects by its instance's tasks. As ``instance_id IN (every open
    遴选 task)`` it read the whole inbox index for them — every open task of the province."""
    return sa.exists().where(Task.instance_id == Project.instance_id, Task.task_name == "select_project")


def _pool(edition: ConferenceEdition, admits: bool, filters: dict):
    admitted = aliased(SelectionMark)
    placed = aliased(SelectionMark)
    query = (sa.select(Project, admitted.id.label("admitted"), placed.bucket.label("placed"),
                       placed.sector.label("placed_sector"))
             .outerjoin(admitted, sa.and_(admitted.project_id == Project.id,
                                          admitted.stage == sr.ADMISSION))
             .outerjoin(placed, sa.and_(placed.project_id == Project.id, placed.stage == "placement"))
             .where(Project.edition_id == edition.id, Project.intent.is_not(None),
                    _in_pool()))
    if not admits:
        query = query.where(admitted.id.is_not(None))
    return _filtered(query, filters, admitted, placed)


def _org_id(value) -> int | None:
    """A 市州 filter as given (a page sends text, the API an int); anything but a database id
    filters nothing out — it matches no 市州."""
    text = str(value or "").strip()
    if not text:
        return None
    return int(text) if text.isdecimal() and len(text) < 11 and int(text) < 2**31 else 0


def _filtered(query, filters: dict, admitted, placed):
    city = _org_id(filters.get("city"))
    if city is not None:
        query = query.where(Project.city_org_id == city)
    for key, column in (("type", Project.project_type), ("intent", Project.intent),
                        ("sector", Project.sector)):
        if filters.get(key):
            query = query.where(column == filters[key])
    if filters.get("text"):
        query = query.where(Project.title.contains(filters["text"], autoescape=True))
    marked = filters.get("marked")
    if marked in ("yes", "no"):
        mark = placed if filters.get("stage") == "placement" else admitted
        query = query.where(mark.id.is_not(None) if marked == "yes" else mark.id.is_(None))
    return query


def board_rows(edition_id: int, department_org_id: int, user: User, filters: dict) -> list[dict]:
    """Every candidate of the department's pool matching ``filters`` (all pages: the .xlsx),
    checked like the board itself."""
    edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
    department = get_or_404(Org, department_org_id, "部门不存在")
    check_holds(user, "selector", department.id, "查看该部门的遴选工作台")
    buckets = _buckets(edition, department)
    if not buckets:
        raise selection.NotFound("该部门不负责本届科创会遴选")
    query = _pool(edition, sr.ADMISSION in buckets, filters)
    return _rows(edition, query, buckets, filters.get("sort", "intent"), None)


def _buckets(edition: ConferenceEdition, department: Org) -> list[str]:
    buckets = [k for k, code in edition.selection_departments.items() if code == department.code]
    if sr.bucket_owner(sr.ADMISSION, edition.selection_departments) == department.code:
        buckets = sorted(set(buckets) | {sr.ADMISSION})
    return buckets


def _rows(edition, query, buckets: list[str], sort: str, page: int | None,
          per_page: int = PAGE_SIZE) -> list[dict]:
    """One page of rows (every row when ``page`` is None)."""
    mine = [b for b in buckets if b in sr.HEADLINE_BUCKETS]
    order = {"title": (Project.title,), "city": (Project.city_org_id, Project.id),
             "type": (Project.project_type, Project.id)}.get(
        sort, (sa.case((Project.intent.in_(mine or ["-"]), 0), else_=1), Project.id))
    query = query.order_by(*order)
    if page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    found = db.session.execute(query).all()
    cities = _names({p.city_org_id for p, *_ in found} | {p.recommender_org_id for p, *_ in found})
    recommended = _recommendations([p.instance_id for p, *_ in found])
    return [_row(p, admitted, bucket, sector, cities, recommended.get(p.instance_id, {}))
            for p, admitted, bucket, sector in found]


def _names(ids: set) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(ids))).all())


def _recommendations(instance_ids: list[int]) -> dict[int, dict]:
    """The recommender's 推介意向、理由、排序 (the last recommend_project completion of each)."""
    rows = db.session.execute(sa.select(AuditEvent.instance_id, AuditEvent.data, AuditEvent.at).where(
        AuditEvent.instance_id.in_(instance_ids), AuditEvent.task_name == "recommend_project",
        AuditEvent.kind == "completed").order_by(AuditEvent.id)).all()
    return {ident: ((data or {}).get("form") or {}) | {"_at": at} for ident, data, at in rows}


def _row(project: Project, admitted, bucket, sector, names: dict, form: dict) -> dict:
    return {"id": project.id, "title": project.title,
            "city": names.get(project.city_org_id, "—"),
            "recommender": names.get(project.recommender_org_id, "—"),
            "type": c.label_of(c.PROJECT_TYPES, project.project_type),
            "intent": c.label_of(c.INTENTS, project.intent) if project.intent else "—",
            "sector": c.label_of(c.SECTORS, project.sector) if project.sector else "—",
            "reason": form.get("reason") or "—", "rank": form.get("rank") or "—",
            "recommended_at": form.get("_at"),
            "badges": criteria_badges(project.details or {}),
            "admitted": admitted is not None,
            "placed": c.label_of(c.SELECTION_BUCKETS, bucket) if bucket else None,
            "placed_code": bucket,
            "placed_sector": c.label_of(c.SECTORS, sector) if sector else None,
            "default_sector": project.sector}


def criteria_badges(details: dict) -> list[str]:
    """Short badges of seed 004's positive criteria the submission declared."""
    badges = [c.label_of(choices, details[key]) for key, choices in
              (("tech_level", c.TECH_LEVELS), ("maturity", c.MATURITY_LEVELS))
              if details.get(key) and details[key] != "other"]
    if details.get("industry_university_contract"):
        badges.append("产学研合同")
    if details.get("provincial_award"):
        badges.append("省部级奖励/验收")
    return badges


def _by_city(edition: ConferenceEdition) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(Org.name, sa.func.count()).join(Project, Project.city_org_id == Org.id)
        .join(SelectionMark, sa.and_(SelectionMark.project_id == Project.id,
                                     SelectionMark.stage == sr.ADMISSION))
        .where(Project.edition_id == edition.id).group_by(Org.id, Org.name)
        .order_by(Org.id)).all()  # the reference order: 成都 first
    return [(name, count) for name, count in rows]


def _by_sector(edition: ConferenceEdition) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(SelectionMark.sector, sa.func.count()).where(
            SelectionMark.edition_id == edition.id, SelectionMark.stage == "placement",
            SelectionMark.bucket == "major_roadshow").group_by(SelectionMark.sector)).all()
    counts = dict(rows)
    return [(c.label_of(c.SECTORS, s), counts.get(s, 0)) for s in edition.sectors]


def department_for(edition_id: int, user: User, wanted: int | None = None) -> Org:
    """The department whose board ``user`` works on: ``wanted`` where they select for it, else
    the first they select for; refused when they select for none of the edition's departments
    (the page and the API ask here)."""
    edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
    mine = departments_of(edition, user)
    found = next((org for org in mine if org.id == wanted), mine[0] if mine else None)
    if found is None:
        raise PermissionDenied("您不是本届科创会的遴选部门人员")
    return found


def departments_of(edition: ConferenceEdition, user: User) -> list[Org]:
    """The edition's selecting departments where ``user`` is a selector."""
    codes = set(edition.selection_departments.values())
    return [org for org in db.session.scalars(sa.select(Org).where(Org.code.in_(codes)))
            if user.holds("selector", org.id)]


@dataclass(frozen=True)
class SelectionQuota:
    """The 遴选 task's panel: the edition's quotas, what is used and left (this project not
    counted), and the way to the board where the department places projects."""
    title: str = "本届遴选名额"
    tasks: tuple[str, ...] = ()  # it reads no earlier step

    def __call__(self, instance, user):
        from ..steps.form_display import Shown
        from ..steps.panels import Link, PanelView
        from .projects import project_of
        project = project_of(instance)
        if project is None or not project.edition.quotas:
            return None
        lines = quota_lines(project.edition, selection.usage(project.edition_id, project.id))
        table = Shown("名额", kind="table", columns=("类别", "名额", "已选", "剩余"),
                      rows=tuple((Shown("", text=line.label), Shown("", text=line.quota),
                                  Shown("", text=str(line.used)), Shown("", text=line.left))
                                 for line in lines))
        return PanelView(self.title, [], "已选数不含本项目。", fields=(table,),
                         link=Link("打开遴选工作台", "selection.board",
                                   {"edition_id": project.edition_id}))
