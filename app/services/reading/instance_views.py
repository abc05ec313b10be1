"""What the process pages show: the searchable instance list, one instance (data entered,
files, history), its diagram highlights and file downloads — only what the user may see."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from reports.documents import KINDS

from ...extensions import db
from ...models import (Attachment, AuditEvent, GrantApplication, Org, ProcessDefinition,
                       ProcessInstance, Project, Task, User)
from ..documents.attachments import REF_PREFIX, stored_path
from ..shared.definitions import step_titles
from ..shared.access import check_may_complete, may_see_task
from ..shared.errors import NotFound, ServiceError
from ..shared.paging import page_count
from ..shared.read_once import read_once
from ..steps.form_display import Shown, decision_line, link_files, shown_form, shown_line
from ..steps.catalog import catalog
from ..steps.panels import PanelView, Reviews
from ..shared.visibility import (is_admin, sees_many, visible_count, visible_instance, visible_to,
                                 visible_to_each)

PAGE_SIZE = 50
STATUS_LABELS = {"running": "进行中", "completed": "已结束"}
KIND_LABELS = {
    "started": "发起", "completed": "办理", "timer": "定时触发", "message": "消息",
    "claimed": "认领", "unclaimed": "释放", "delegated": "转办", "follow_up": "跟踪记录",
    "kpi_entry": "绩效数据", "kpi_evaluation": "绩效评估", "document_frozen": "文书存档",
    "concierge_accounts": "科服保姆账号",
}


# The list ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstanceFilter:
    text: str | None = None      # business key or title contains
    owner: str | None = None     # owner organisation's name contains
    status: str | None = None    # running · completed
    outcome: str | None = None
    city_id: int | None = None   # projects of this 市州
    page: int = 1
    process: str | None = None   # process key (kechuang_project · expert_team_grant …)
    edition_id: int | None = None  # 科创项目 of this 科创会 edition
    call_id: int | None = None   # applications to this grant call


@dataclass(frozen=True)
class InstanceList:
    rows: list[tuple[ProcessInstance, str]]  # (instance, owner org name)
    total: int
    page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)


def list_instances(user: User, wanted: InstanceFilter) -> InstanceList:
    """The instances ``user`` may see that match ``wanted``, latest change first, one page."""
    total = matching_count(user, wanted)
    page = min(max(wanted.page, 1), page_count(total, PAGE_SIZE))
    return InstanceList(instance_rows(user, wanted, (page - 1) * PAGE_SIZE, PAGE_SIZE, total), total, page)


def matching_count(user: User, wanted: InstanceFilter) -> int:
    """How many instances of the list there are (all its pages): the whole list from the
    reader's viewer rows; a searched one from the matches found (up to WALK_FROM), else counted
    on the instances, the owner organisation joined only to search its name."""
    if next(_conditions(wanted), None) is None:
        return visible_count(user)
    found = _found(user, wanted)
    if found is not None:
        return len(found)
    return db.session.scalar(_with_owner(sa.select(sa.func.count()).select_from(ProcessInstance).where(
        visible_to(user), *_conditions(wanted)), wanted))


# How a page of the list is read. A search's matches, up to WALK_FROM of them, and a 市州's are
# all found at once (_found) and the page sliced from them. Otherwise, WALKED: the (updated_at,
# id) index in the list's order, each instance asked whether the person may see it, stopping at
# the page (a province department sees ~12,000 of 50,000: its first page reads ~200 index
# entries); GATHERED: the person's few visible instances gathered, then sorted (an applicant's
# dozen). BY_CITY: a 市州 chosen by someone who sees WALK_FROM instances or more, its projects
# (a 21st of the list) are looked up, each asked whether the person may see it.
WALKED, BY_CITY, GATHERED = "walked", "by_city", "gathered"
WALK_FROM = 1000  # 本系统默认值


def _searched(wanted: InstanceFilter) -> bool:
    """A filter that leaves a few of the list, as a rule: a text, an owner, a 市州, an edition
    or a call (a status or a process leaves thousands: finding them first is wasted)."""
    return bool(wanted.text or wanted.owner or wanted.city_id or wanted.edition_id or wanted.call_id)


def _by_city(user: User, wanted: InstanceFilter) -> bool:
    return bool(wanted.city_id) and sees_many(user, WALK_FROM)


def instance_rows(user: User, wanted: InstanceFilter, offset: int, limit: int,
                  total: int | None = None) -> list[tuple[ProcessInstance, str]]:
    """A slice of the list, in its order (the page's pages, the API's pages); ``total``: how
    many match, when counted already (it chooses how the page is read)."""
    if total is not None and offset >= total:
        # nothing to read (a search that finds nothing): the planner, not knowing, may walk
        # every instance whose text matches and ask of each whether the person may see it
        return []
    found = _found(user, wanted)
    if found is not None:
        return _listed(found[offset:offset + limit])
    reading = WALKED if total is not None and total >= WALK_FROM else GATHERED
    query = _matching(user, wanted, reading).limit(limit).offset(offset)
    return [tuple(row) for row in db.session.execute(query).all()]


def all_instances(user: User, wanted: InstanceFilter) -> list[tuple[ProcessInstance, str]]:
    """Every instance of the list (all its pages), as the .xlsx export takes it."""
    return [tuple(row) for row in db.session.execute(_matching(user, wanted)).all()]


def _matching(user: User, wanted: InstanceFilter, reading: str = GATHERED):
    return _listing().where(_visible(user, reading), *_conditions(wanted, reading))


def _visible(user: User, reading: str):
    return visible_to(user) if reading == GATHERED else visible_to_each(user)


def _listing():
    return (sa.select(ProcessInstance, Org.name).join(Org, Org.id == ProcessInstance.owner_org_id)
            .options(joinedload(ProcessInstance.definition))
            .order_by(ProcessInstance.updated_at.desc(), ProcessInstance.id.desc()))


def _listed(ids: list[int]) -> list[tuple[ProcessInstance, str]]:
    return [tuple(row) for row in db.session.execute(_listing().where(ProcessInstance.id.in_(ids))).all()] \
        if ids else []


def _with_owner(query, wanted: InstanceFilter):
    return query.join(Org, Org.id == ProcessInstance.owner_org_id) if wanted.owner else query


def _found(user: User, wanted: InstanceFilter) -> list[int] | None:
    """The ids of every instance of the list, latest change first, found at once: a 市州's (a
    city's share of the list, BY_CITY) or a search's up to WALK_FROM (beyond: None, counted and
    walked instead) — except an administrator's search, whose count reads every instance anyway
    and whose page is walked. One read serves the count and the page: a 创发部's search of its
    ~12,600 instances read them twice (34 against 15 ms on SQLite). Found in no order, so no
    database walks the list's index for them (PostgreSQL did for a page's LIMIT: 36 against 5 ms),
    then sorted by the database (_checked: SQLite too) and read as ids alone: a 市州's ~1,700
    (time, id) rows read into Python and sorted there cost 2–4 ms more on PostgreSQL. Read once
    per transaction."""
    by_city = _by_city(user, wanted)
    if not by_city and (is_admin(user) or not _searched(wanted)):
        return None

    def found() -> list[int] | None:
        reading = BY_CITY if by_city else GATHERED
        query = _with_owner(sa.select(ProcessInstance.id, ProcessInstance.updated_at)
                            .where(_visible(user, reading), *_conditions(wanted, reading)), wanted)
        matches = (query if by_city else query.limit(WALK_FROM + 1)).subquery()
        ids = db.session.scalars(sa.select(matches.c.id).order_by(
            _checked(matches.c.updated_at).desc(), _checked(matches.c.id).desc())).all()
        return None if len(ids) > WALK_FROM and not by_city else ids
    return read_once(("found", user.id, replace(wanted, page=1)), found)


def _conditions(wanted: InstanceFilter, reading: str = GATHERED):
    """The filters' SQL conditions. Walked or read by 市州, the instances are found in the
    list's order or by their city and each then checked: the status, outcome and process
    conditions must not choose them instead (see _checked)."""
    checked = (lambda column: column) if reading == GATHERED else _checked
    if wanted.text:
        yield sa.or_(_contains(ProcessInstance.business_key, wanted.text),
                     _contains(ProcessInstance.title, wanted.text))
    if wanted.owner:
        yield _contains(Org.name, wanted.owner)
    if wanted.status in STATUS_LABELS:
        yield checked(ProcessInstance.status) == wanted.status
    if wanted.outcome:
        yield checked(ProcessInstance.outcome) == wanted.outcome
    if wanted.city_id:
        yield _of_city(wanted.city_id, reading)
    if wanted.process:
        yield checked(ProcessInstance.process_key) == wanted.process
    if wanted.edition_id:
        yield ProcessInstance.id.in_(sa.select(Project.instance_id)
                                     .where(Project.edition_id == wanted.edition_id))
    if wanted.call_id:
        yield ProcessInstance.id.in_(sa.select(GrantApplication.instance_id)
                                     .where(GrantApplication.call_id == wanted.call_id))


def _of_city(city_id: int, reading: str):
    """The instances of a 市州's projects. Read BY_CITY on PostgreSQL: ``id = ANY(ARRAY(…))`` —
    the city's ~2,000 instance ids are read once from the projects' (city, instance) index,
    then each instance looked up by its key. As ``IN (…)`` PostgreSQL hashed them and, for a
    reader who sees every instance, scanned the 40,000 running ones to join them (bench/inbox.py:
    an administrator's ``?status=running&city=成都`` 15 → 4 ms in EXPLAIN ANALYZE). SQLite
    already looks each one up (and has no arrays)."""
    projects = sa.select(Project.instance_id).where(Project.city_org_id == city_id)
    if reading == BY_CITY and db.engine.dialect.name == "postgresql":
        return ProcessInstance.id == sa.any_(sa.func.array(projects.scalar_subquery()))
    return ProcessInstance.id.in_(projects)


def _checked(column):
    """``column`` as SQLite's planner cannot serve from an index (unary +), on PostgreSQL as it
    is (its statistics choose well). Without statistics SQLite prefers any equality index: a
    walk of the list's order became a read of the 40,000 running instances and a sort (40
    against 1.3 ms); so did the look-up of a 市州's 600 projects."""
    if db.engine.dialect.name != "sqlite":
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _contains(column, text: str):
    """Case-insensitive "contains". SQLite's LIKE already ignores the case of ASCII letters,
    the only ones its lower() folds, so it is asked without lower(): a call per row that made
    a search of 50,000 titles three times slower. PostgreSQL's is ILIKE — which in a UTF-8
    database lowers every row's text before matching, four times the cost of LIKE (50 against
    12 ms over 50,000 titles) — so a text with no letter that has a case (Chinese, digits,
    punctuation: most searches here) is asked with LIKE, which then finds the same rows.
    Both are served by the trigram indexes of texts of 3 characters or more (migration 0024)."""
    if db.engine.dialect.name == "sqlite" or _caseless(text):
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def _caseless(text: str) -> bool:
    """No character of ``text`` has a case, nor is a combining mark (under ICU a lowered İ ends in one),
    so lowering a row cannot make it contain ``text`` when it did not already."""
    return all(c.lower() == c == c.upper() and unicodedata.category(c)[0] != "M" for c in text)


# One instance ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnteredForm:
    """One completion of a task: who, when, and the form as filled in; ``earlier``: the
    rounds of the same task it replaced (a form returned and submitted again), oldest first."""
    task_name: str
    title: str
    actor: str
    at: datetime
    fields: list[Shown]
    earlier: tuple[EnteredForm, ...] = ()


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    kind: str
    task: str
    step_before: str | None
    step_after: str | None
    note: str


@dataclass(frozen=True)
class InstanceDetail:
    instance: ProcessInstance
    owner: Org
    definition: ProcessDefinition
    entered: list[EnteredForm]
    attachments: list[Attachment]
    history: list[HistoryRow]
    titles: dict[str, str]  # task name → Chinese step name
    facts: list[tuple[str, str]] = field(default_factory=list)  # the process's own (label, text)
    reviews: list[PanelView] = field(default_factory=list)  # every review and the score, if readable


def instance_detail(instance_id: int, user: User) -> InstanceDetail:
    """Everything the instance page shows (NotFound unless ``user`` may see the instance)."""
    instance = visible_instance(instance_id, user)
    titles = step_titles(instance.definition)
    events = db.session.execute(
        sa.select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.instance_id == instance.id)
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    hidden = hidden_steps(instance, user)
    attachments = _attachments(instance.id, hidden)
    files = {f"{REF_PREFIX}{a.id}": (a.id, a.filename) for a in attachments}
    events = [(event, CONFIDENTIAL_ACTOR if event.task_name in hidden else actor)
              for event, actor in events]
    shown = [(event, actor) for event, actor in events if event.task_name not in hidden]
    return InstanceDetail(instance, db.session.get(Org, instance.owner_org_id), instance.definition,
                          _entered(shown, instance, titles, files), attachments,
                          [_history_row(event, actor, titles, event.task_name in hidden, instance)
                           for event, actor in events], titles, _process_facts(instance),
                          _reviews(instance, user))


def _process_facts(instance: ProcessInstance) -> list[tuple[str, str]]:
    facts = catalog().process(instance.process_key).facts
    return facts(instance) if facts else []


def _reviews(instance: ProcessInstance, user: User) -> list[PanelView]:
    """The process's review panels (each expert's scores, the expert score), for those who
    may read the reviews — the panels check it, as on the task pages."""
    panels = {panel for step in catalog().process(instance.process_key).steps
              for panel in step.panels if isinstance(panel, Reviews)}
    views = (panel(instance, user) for panel in sorted(panels, key=lambda panel: panel.title))
    return [view for view in views if view is not None]


CONFIDENTIAL_ACTOR = "（评审保密）"


def hidden_steps(instance: ProcessInstance, user: User) -> set[str]:
    """Steps whose entries and actors this user may not read (e.g. expert reviews for the
    applicant): the process's confidentiality rule, by the roles the user holds."""
    roles = {r.role for r in user.roles}
    return {step.task for step in catalog().process(instance.process_key).steps
            if not step.readable_by(roles)}


def _entered(events, instance, titles: dict[str, str], files: dict) -> list[EnteredForm]:
    """Every completion, grouped by task in the order of their latest completion: the last
    round in full (several entries when completed side by side, e.g. each expert's review),
    the rounds it replaced — a completion followed by another step's before the task was
    completed again — kept as ``earlier`` on the group's first entry."""
    rounds: dict[str, list[list[tuple]]] = {}
    last_task = None
    for event, actor in events:
        if event.kind != "completed" or not event.task_name or not event.data:
            continue
        name = event.task_name
        runs = rounds.pop(name, [])  # re-insert: ordered by the latest completion
        if runs and last_task == name:
            runs[-1].append((event, actor))
        else:
            runs.append([(event, actor)])
        rounds[name], last_task = runs, name
    steps = {name: catalog().find(instance.process_key, name) for name in rounds}
    entered = []
    for name, runs in rounds.items():
        if steps[name] is None:
            continue
        shown = [[_entered_form(steps[name], event, actor, instance, titles, files)
                  for event, actor in run] for run in runs]
        earlier = tuple(form for run in shown[:-1] for form in run)
        current = shown[-1]
        entered.append(replace(current[0], earlier=earlier))
        entered.extend(current[1:])
    return entered


def _entered_form(step, event, actor, instance, titles, files) -> EnteredForm:
    return EnteredForm(step.task, titles.get(step.task, step.task), actor or "系统", event.at,
                       link_files(_shown_entry(step, event, instance), files))


def _shown_entry(step, event: AuditEvent, instance) -> list[Shown]:
    return shown_form(step.schema(instance), event.data.get("form") or {}, step.labels, instance)


def _attachments(instance_id: int, hidden: set[str]) -> list[Attachment]:
    """The instance's files, but those uploaded in a step this reader may not read."""
    rows = db.session.scalars(sa.select(Attachment).filter_by(instance_id=instance_id)
                              .order_by(Attachment.uploaded_at, Attachment.id))
    return [row for row in rows if row.task_name not in hidden]


def visible_attachments(instance_id: int, user: User) -> list[tuple[Attachment, str | None]]:
    """(file, the Chinese name of the step it was uploaded in) for the files of an instance
    ``user`` may see, as its page lists them (NotFound unless they may see the instance)."""
    instance = visible_instance(instance_id, user)
    titles = step_titles(instance.definition)
    return [(row, titles.get(row.task_name, row.task_name) if row.task_name else None)
            for row in _attachments(instance.id, hidden_steps(instance, user))]


def _history_row(event: AuditEvent, actor: str | None, titles: dict[str, str],
                 hidden: bool, instance) -> HistoryRow:
    """``hidden``: a confidential step for this reader — the note (e.g. whom a review was
    delegated to, and why) is withheld like the actor."""
    before = None if event.kind == "started" else event.step_before  # nothing came before
    return HistoryRow(event.at, actor or "系统", KIND_LABELS.get(event.kind, event.kind),
                      titles.get(event.task_name, event.task_name or ""),
                      before, event.step_after, "" if hidden else _note(event, titles, instance))


def _note(event: AuditEvent, titles: dict[str, str], instance) -> str:
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind == "delegated":
        return f"转办给{data.get('to', '')}，原因：{data.get('reason', '')}"
    if event.kind == "concierge_accounts":
        return "开通科服保姆账号：" + "、".join(data.get("names", []))
    if event.kind == "timer":
        return "到期：" + "、".join(titles.get(name, name) for name in data.get("timers", []))
    if event.kind == "message":
        events = catalog().process(instance.process_key).rules.messages
        return events.get(data.get("message"), "收到流程通知")
    if event.kind == "kpi_evaluation":
        verdict = "绩效指标全部达标" if data.get("passed") else "绩效指标未全部达标"
        reduced = any(row.get("reduced") for row in data.get("kpis") or [])
        return verdict + ("（按抵减后的目标）" if reduced else "")
    if event.kind == "document_frozen":
        return (f"{KINDS[data['kind']].title}第{data.get('version')}版已存档"
                f"（{data.get('pages')}页，文件校验码 {str(data.get('sha256'))[:12]}…）")
    if event.kind == "completed":
        step = catalog().find(instance.process_key, event.task_name)
        form = data.get("form")
        return decision_line(step.schema(instance), form, step.labels, instance) \
            if step is not None and isinstance(form, dict) else ""
    record = catalog().process(instance.process_key).records.get(event.kind)
    if record is not None:
        return shown_line(record.form, data, record.labels, instance)
    return ""


# Its open tasks -----------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenTask:
    task: Task
    org_name: str
    may_act: bool  # the reader may complete it now (check_may_complete would let them)


def open_tasks(instance: ProcessInstance, user: User) -> list[OpenTask]:
    """The tasks the (visible) instance waits on, oldest first — but not those of a step this
    reader may not read (e.g. the expert reviews, for the applicant), unless offered to them."""
    hidden = hidden_steps(instance, user)
    tasks = db.session.scalars(sa.select(Task).filter_by(instance_id=instance.id)
                               .order_by(Task.created_at, Task.id))
    return [OpenTask(task, db.session.get(Org, task.org_id).name, _may_act(task, user))
            for task in tasks
            if task.task_name not in hidden or may_see_task(user, task)]


def _may_act(task: Task, user: User) -> bool:
    try:
        check_may_complete(user, task)
    except ServiceError:
        return False
    return True


# The diagram -------------------------------------------------------------------------------

def diagram_of(instance_id: int, user: User) -> dict:
    """The BPMN source of the instance's definition version, with the ids of completed steps
    and of the steps it waits at now — as saved with its last change (no highlights for an
    instance saved before they were kept, until ``grantflow init-db`` fills them)."""
    instance = visible_instance(instance_id, user)
    progress = instance.progress or {}
    return {"xml": process_xml(instance.definition), "completed": progress.get("completed", []),
            "current": progress.get("current", [])}


def process_xml(definition: ProcessDefinition) -> str:
    """The .bpmn file of this version that defines the process (sources keep it verbatim)."""
    bpmn = {name: text for name, text in (definition.sources or {}).items() if name.endswith(".bpmn")}
    marker = f'id="{definition.process_key}"'
    for text in bpmn.values():
        if marker in text:
            return text
    if bpmn:
        return next(iter(bpmn.values()))
    raise NotFound("流程图不存在")


# Downloads ---------------------------------------------------------------------------------

def attachment_file(attachment_id: int, user: User) -> tuple[Attachment, Path]:
    """The attachment and its stored file, if ``user`` may see its instance and read the step
    it was uploaded in (else NotFound, as for a missing file)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("文件不存在")
    instance = visible_instance(attachment.instance_id, user)
    if attachment.task_name in hidden_steps(instance, user):
        raise NotFound("文件不存在")
    return attachment, stored_path(attachment.sha256)
