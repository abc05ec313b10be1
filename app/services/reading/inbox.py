"""收件箱: the ready tasks a person may work on — offered to their roles within their orgs, or
assigned to them — with filters, counts, and claim / unclaim / delegate."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cached_property
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from workflows import clock

from ...extensions import db
from ...models import ConferenceEdition, ProcessInstance, Project, RoleAssignment, Task, User
from ..shared.access import may_see_task
from ..shared.definitions import task_titles
from ..shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..shared.paging import Paged, counted, page_within
from ..steps.deadlines import on_time, task_action
from ..steps.handled import existing_task
from ..steps import notices
from ..steps.saving import record_audit

DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class InboxFilter:
    process: str | None = None
    task_name: str | None = None
    city_id: int | None = None
    sector: str | None = None
    due: str | None = None  # "overdue" · "week"
    mine: bool = False      # claimed by me or assigned to me only
    instance_id: int | None = None  # one instance's tasks (what is mine next after a step)


@dataclass(frozen=True)
class InboxRow:
    task: Task
    instance: ProcessInstance
    shared: bool = True  # offered to several people, so one of them 认领s it first

    # cached: a page asks each row several times (its class, its tag); the clock is read once
    @cached_property
    def overdue(self) -> bool:
        return self.task.due_at is not None and self.task.due_at < clock.now()

    @cached_property
    def due_soon(self) -> bool:
        return not self.overdue and self.task.due_at is not None and \
            self.task.due_at < clock.now() + DUE_SOON


INBOX_PAGE_SIZE = 50  # 本系统默认值: rows per page of 我的待办


@dataclass(frozen=True)
class InboxPage(Paged):
    selection_groups: list = ()  # 遴选 tasks shown as one line per edition (SelectionGroup)
    badges: dict = None  # what counts() says, from the same pass over the index
    user: User | None = field(default=None, repr=False, compare=False)
    tallies: list = field(default=(), repr=False, compare=False)  # that pass (OfferTally)

    @cached_property
    def task_choices(self) -> list[tuple[str, str]]:
        """What task_choices() says, from the same pass — named only when the page shows the
        filter (the API's task list, which has none, does not read the diagrams)."""
        return _task_choices(self.user, self.tallies)


def offered_to(user: User):
    """SQL condition: tasks this user may see (assigned to them, or their role in that org)."""
    return sa.or_(*_offer_ranges(user))


def inbox(user: User, wanted: InboxFilter = InboxFilter()) -> list[InboxRow]:
    """Every matching row (the .xlsx export, what is mine next on one instance)."""
    return _rows(_matching(user, wanted, selection_groups(user)))


def inbox_page(user: User, wanted: InboxFilter = InboxFilter(), page: int = 1,
               per_page: int | None = None) -> InboxPage:
    """One page of the inbox (``per_page`` rows, INBOX_PAGE_SIZE unless given), due first;
    ``total``: the rows of every page. Only the page's rows are read: a province
    department's inbox holds tens of thousands."""
    per_page = per_page or INBOX_PAGE_SIZE
    tallies = _offer_tally(user)
    grouped = _grouped(tallies)
    total = _tallied_total(tallies, grouped, wanted)
    if total is None:
        total = counted(_matching(user, wanted, grouped))
    page = page_within(page, total, per_page)
    chosen = _page_of(user, wanted, tallies, grouped, (page - 1) * per_page, per_page)
    return InboxPage(_read_rows(chosen), total, page, per_page, selection_groups=grouped,
                     badges=_badges(tallies), user=user, tallies=tallies)


TALLIED = {(None, False): "count", ("overdue", False): "overdue", ("week", False): "week",
           (None, True): "mine"}  # (到期, 我认领的) filter → the tally's column that counts it


def _tallied_total(tallies: list[OfferTally], grouped: list[SelectionGroup], wanted: InboxFilter):
    """The page's total if the tally already holds it, else None (counted in SQL): when the
    only filters are 事项 = 遴选 and at most one of 已逾期 / 7日内到期 / 我认领的 — another pass
    over a 创发部's ~30,000 offered tasks costs ~10 ms. Without 事项, the grouped 遴选 are not rows."""
    column = TALLIED.get((wanted.due, wanted.mine))
    others = replace(wanted, task_name=None, due=None, mine=False)
    if column is None or others != InboxFilter() or wanted.task_name not in (None, "select_project"):
        return None
    if wanted.task_name:
        counted = [tally for tally in tallies if tally.selection]
    else:
        lines = {group.edition_id for group in grouped}
        counted = [tally for tally in tallies if not (tally.selection and tally.edition_id in lines)]
    return sum(getattr(tally, column) for tally in counted)


def _matching(user: User, wanted: InboxFilter, grouped: list[SelectionGroup]):
    """The tasks offered to ``user`` that ``wanted`` matches, due first (then oldest): a query
    of Task alone — counted from the inbox index, without reading any other table unless a
    市州 or 领域 filter needs its project."""
    query = _filtered(sa.select(Task).where(offered_to(user)).order_by(*INBOX_ORDER), wanted, user)
    lines = _lines(grouped, wanted)
    if lines:  # (IS NOT NULL: a 遴选 of no edition is a row; with NULL the NOT would be NULL, dropping it)
        query = query.where(sa.not_(sa.and_(Task.task_name == "select_project", Task.edition_id.is_not(None),
                                            Task.edition_id.in_(sorted(lines)))))
    return query


def _lines(grouped: list[SelectionGroup], wanted: InboxFilter) -> set[int]:
    """The editions whose 遴选 tasks are one line instead of rows — none when 事项 = 遴选 lists them."""
    return set() if wanted.task_name == "select_project" else {group.edition_id for group in grouped}


def _order(columns) -> tuple:
    """Due first (soonest first, no deadline last), then oldest: the inbox's order, as the
    inbox index holds it after a task's kind (NULLS LAST: its range read in order, on
    PostgreSQL and SQLite alike)."""
    return (columns.due_at.asc().nulls_last(), columns.created_at, columns.id)


INBOX_ORDER = _order(Task)


# A long inbox's page is read range by range of the inbox index: each kind of task (name and
# 科创会 edition) offered through each of the person's arms (assigned by name, or a (role, org)
# they hold) that the tally met, in the inbox's order, up to the page's end — then merged. As one
# query over all of a 创发部's ~15,000 offered tasks, PostgreSQL read them all from the table and
# sorted them for each page (its 遴选, shown as one line, skipped row by row): 10–12 ms, against
# 2–3. A short inbox is one query: building the ranges' SQL costs more than they save (~1 ms).
RANGES_FROM = 1000  # offered tasks from which a page is read by ranges
RANGES_AT_MOST = 32  # more kinds than this: one query over all of them (the planner's work grows)


def _listed_ranges(tallies: list[OfferTally], grouped: list[SelectionGroup],
                   wanted: InboxFilter) -> list[RangeTally] | None:
    """The ranges the page's rows may come from: those the tally met that ``wanted``'s 事项
    keeps, less the 遴选 the inbox shows as a line, and less those the tally found nothing in
    for 已逾期 / 7日内到期 / 我认领的; None: read them as one query (a short inbox, or too many
    ranges)."""
    if sum(tally.count for tally in tallies) < RANGES_FROM:
        return None
    lines, narrowed = _lines(grouped, wanted), _narrowed(wanted)
    ranges = sorted((found for tally in tallies for found in tally.ranges
                     if wanted.task_name in (None, found.name)
                     and not (found.name == "select_project" and found.edition_id in lines)
                     and all(getattr(found, column) for column in narrowed)),
                    key=lambda found: (found.arm, found.name, found.edition_id is None, found.edition_id or 0))
    return ranges if len(ranges) <= RANGES_AT_MOST else None


def _page_of(user: User, wanted: InboxFilter, tallies: list[OfferTally],
             grouped: list[SelectionGroup], offset: int, limit: int):
    """A query of the ids of the page's tasks, in the inbox's order: each range the tally met
    read in order up to the page's end, then merged; None: no range holds any."""
    ranges = _listed_ranges(tallies, grouped, wanted)
    if ranges is None:
        return _matching(user, wanted, grouped).with_only_columns(Task.id).limit(limit).offset(offset)
    if not ranges:
        return None
    arms, filters = _offer_ranges(user), _filters(wanted, user)
    parts = [_joined(sa.select(Task.id, Task.due_at, Task.created_at), wanted)
             .where(arms[found.arm], Task.task_name == found.name, _edition_is(found.edition_id), *filters)
             .order_by(*INBOX_ORDER).limit(offset + limit)
             for found in ranges]
    merged = sa.union_all(*(sa.select(*part.subquery().c) for part in parts)).subquery()
    return sa.select(merged.c.id).order_by(*_order(merged.c)).limit(limit).offset(offset)


def _edition_is(edition_id: int | None):
    return Task.edition_id.is_(None) if edition_id is None else Task.edition_id == edition_id


def _rows(tasks) -> list[InboxRow]:
    """The rows of a Task query (every one: the .xlsx export)."""
    return _read_rows(tasks.with_only_columns(Task.id))


def _read_rows(chosen) -> list[InboxRow]:
    """The rows of the tasks ``chosen`` (a query of their ids), each with its instance (no
    project or application row is loaded: their JSON is what made a long inbox slow). The
    tasks are chosen first, from the inbox index alone (it holds every column the filters and
    the order read); only those rows are then read with their instances."""
    if chosen is None:
        return []
    found = db.session.execute(
        sa.select(Task, ProcessInstance).join(ProcessInstance, Task.instance_id == ProcessInstance.id)
        .where(Task.id.in_(chosen)).order_by(*INBOX_ORDER)
        .options(contains_eager(Task.instance),  # the join above, not a second one
                 joinedload(ProcessInstance.definition))).all()  # its name: no lazy load per row
    holders = _holders({(task.role, task.org_id) for task, _ in found if task.candidate_user_id is None})
    return [InboxRow(task, instance, shared=task.candidate_user_id is None
                     and holders.get((task.role, task.org_id), 0) > 1) for task, instance in found]


def task_choices(user: User) -> list[tuple[str, str]]:
    """(task name, title) of every kind of task offered to ``user``: the 事项 filter's options."""
    return _task_choices(user, _offer_tally(user))


def _joined(query, wanted: InboxFilter):
    """A Task query with the task's project, when a 市州 or 领域 filter reads it."""
    if wanted.city_id or wanted.sector:
        return query.outerjoin(Project, Project.instance_id == Task.instance_id)
    return query


def _task_choices(user: User, tallies: list[OfferTally]) -> list[tuple[str, str]]:
    """The kinds the tally met, each named as the current diagrams name it: no read of the
    tasks (a LIMIT 1 per kind let PostgreSQL scan the table for its first match), but for a
    kind they no longer have (or a task made by hand), named by one of its rows."""
    titles = task_titles()
    names = {name for tally in tallies for name in tally.names}
    titles |= {name: db.session.scalar(sa.select(Task.title).where(offered_to(user), Task.task_name == name)
                                       .limit(1)) for name in names - titles.keys()}
    return sorted(((name, titles[name]) for name in names), key=lambda pair: (pair[1], pair[0]))


def is_shared(task: Task) -> bool:
    """Offered to several people (so one of them 认领s it first) — as an inbox row says."""
    return task.candidate_user_id is None and \
        _holders({(task.role, task.org_id)}).get((task.role, task.org_id), 0) > 1


def _holders(offers: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """How many active people hold each (role, org): a task offered to one person alone is
    simply theirs — nobody else could take it, so there is nothing to 认领."""
    if not offers:
        return {}
    rows = db.session.execute(
        sa.select(RoleAssignment.role, RoleAssignment.org_id, sa.func.count())
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.active.is_(True),  # OR of pairs: each one an index search (a tuple IN scans)
               sa.or_(*(sa.and_(RoleAssignment.org_id == org_id, RoleAssignment.role == role)
                        for role, org_id in sorted(offers))))
        .group_by(RoleAssignment.role, RoleAssignment.org_id)).all()
    return {(role, org_id): count for role, org_id, count in rows}


# 遴选: thousands of select_project tasks are one line per edition, linking to the board
SELECTION_GROUP_AT = 20  # 本系统默认值: more open 遴选 tasks than this in one edition are grouped


@dataclass(frozen=True)
class SelectionGroup:
    edition_id: int
    edition_name: str
    count: int
    due_at: object


def selection_groups(user: User) -> list[SelectionGroup]:
    return _grouped(_offer_tally(user))


def _grouped(tallies: list[OfferTally]) -> list[SelectionGroup]:
    """The editions whose 遴选 tasks (more than SELECTION_GROUP_AT) the inbox shows as one line."""
    rows = [tally for tally in tallies
            if tally.selection and tally.edition_id is not None and tally.count > SELECTION_GROUP_AT]
    if not rows:
        return []
    names = dict(db.session.execute(sa.select(ConferenceEdition.id, ConferenceEdition.name).where(
        ConferenceEdition.id.in_([tally.edition_id for tally in rows]))).all())
    return [SelectionGroup(tally.edition_id, names[tally.edition_id], tally.count, tally.first_due)
            for tally in rows]


def _filtered(query, wanted: InboxFilter, user: User):
    """``query`` of tasks (joined to their project when a filter reads it) as ``wanted`` filters."""
    return _joined(query, wanted).where(*_filters(wanted, user))


def _filters(wanted: InboxFilter, user: User) -> list:
    """The SQL conditions of ``wanted``'s filters on a task (and its project: _joined)."""
    conditions = []
    if wanted.process:
        conditions.append(sa.exists().where(ProcessInstance.id == Task.instance_id,
                                            ProcessInstance.process_key == wanted.process)
                          .correlate(Task))  # not the instance _rows joins
    if wanted.instance_id:
        conditions.append(Task.instance_id == wanted.instance_id)
    if wanted.task_name:
        conditions.append(Task.task_name == wanted.task_name)
    if wanted.city_id:
        conditions.append(Project.city_org_id == wanted.city_id)
    if wanted.sector:
        conditions.append(Project.sector == wanted.sector)
    narrowed = _narrowed(wanted)
    if narrowed:
        narrowing = _narrowing(user, clock.now())
        conditions += [narrowing[name] for name in narrowed]
    return conditions


def _narrowed(wanted: InboxFilter) -> list[str]:
    """Which of 已逾期 / 7日内到期 / 我认领的 ``wanted`` asks for: keys of _narrowing, and the
    tally's columns of the same names."""
    return ([wanted.due] if wanted.due in ("overdue", "week") else []) + (["mine"] if wanted.mine else [])


def _narrowing(user: User, now) -> dict[str, object]:
    """The conditions of 已逾期, 7日内到期 and 我认领的 (claimed by or assigned to me): the filters
    and the tally's columns alike, so a total taken from the tally is the filter's."""
    return {"overdue": Task.due_at < now,
            "week": sa.and_(Task.due_at >= now, Task.due_at < now + DUE_SOON),
            "mine": sa.or_(Task.claimed_by_id == user.id, Task.candidate_user_id == user.id)}


def counts(user: User) -> dict[str, int]:
    """Badge numbers: all, overdue, due within a week, claimed by / assigned to me."""
    return _badges(_offer_tally(user))


def _badges(tallies: list[OfferTally]) -> dict[str, int]:
    fields = {"all": "count", "overdue": "overdue", "week": "week", "mine": "mine"}
    return {badge: sum(getattr(tally, field) for tally in tallies) for badge, field in fields.items()}


class RangeTally(NamedTuple):
    """One range of the inbox index the tally read: the tasks of one name and edition offered
    through one arm (_offer_ranges), and how many of them 已逾期 / 7日内到期 / 我认领的 count."""
    arm: int
    name: str
    edition_id: int | None
    count: int
    overdue: int
    week: int
    mine: int


@dataclass(frozen=True)
class OfferTally:
    """The tasks offered to a person of one kind: the 遴选 (``selection``) of one edition, or
    everything else."""
    selection: bool
    edition_id: int | None
    count: int
    overdue: int
    week: int
    mine: int
    first_due: object
    ranges: frozenset = frozenset()  # the ranges of the index met (RangeTally)

    @property
    def names(self) -> frozenset:
        """The task names met: the 事项 filter's options."""
        return frozenset(found.name for found in self.ranges)

    def plus(self, other: OfferTally) -> OfferTally:
        dues = [due for due in (self.first_due, other.first_due) if due is not None]
        return replace(self, count=self.count + other.count, overdue=self.overdue + other.overdue,
                       week=self.week + other.week, mine=self.mine + other.mine,
                       first_due=min(dues, default=None), ranges=self.ranges | other.ranges)


def _offer_tally(user: User) -> list[OfferTally]:
    """One pass over the inbox index for the badges, the 遴选 lines, the 事项 options and the
    totals (a 创发部's inbox holds tens of thousands of tasks). One arm per (role, org) the
    person holds, and one for the tasks assigned to them by name: each arm reads its range of
    the index in its order (task name, then edition), so its GROUP BY streams — grouped over
    all of them at once, the ~30,000 entries were sorted first (11 against 5 ms)."""
    count, narrowing = sa.func.count(), _narrowing(user, clock.now())
    tallied = (count, *(count.filter(narrowing[column]) for column in ("overdue", "week", "mine")),
               sa.func.min(Task.due_at))
    arms = [sa.select(sa.literal_column(str(arm)), Task.task_name, Task.edition_id, *tallied).where(offered)
            .group_by(Task.task_name, Task.edition_id) for arm, offered in enumerate(_offer_ranges(user))]
    tallies: dict[tuple[bool, int | None], OfferTally] = {}
    for arm, name, edition_id, *counts, first_due in db.session.execute(sa.union_all(*arms)).all():
        selection = name == "select_project"
        key = (selection, edition_id if selection else None)
        found = OfferTally(*key, *counts, first_due, frozenset({RangeTally(arm, name, edition_id, *counts)}))
        tallies[key] = tallies[key].plus(found) if key in tallies else found
    return [tallies[key] for key in sorted(tallies, key=lambda key: (key[0], key[1] is None, key[1] or 0))]


def _offer_ranges(user: User) -> list:
    """offered_to(user) as disjoint conditions, each a range of the inbox index: the tasks
    assigned to the person, then those offered to each (role, org) they hold."""
    pairs = sorted({(r.role, r.org_id) for r in user.roles})
    return [Task.candidate_user_id == user.id] + [
        sa.and_(Task.role == role, Task.org_id == org_id, Task.candidate_user_id.is_(None))
        for role, org_id in pairs]


def _visible_task(task_id: str, user: User) -> Task:
    """The task, if ``user`` may see it; one handled meanwhile is the conflict saying so."""
    task = existing_task(task_id)
    if not may_see_task(user, task):
        raise NotFound("待办事项不存在或已办理")
    return on_time(task)


def claim_task(task_id: str, user: User) -> Task:
    """认领: the task is mine until I release it; colleagues see who has it."""
    with task_action(task_id, user):
        task = _visible_task(task_id, user)
        if task.claimed_by_id not in (None, user.id):
            raise Conflict("该事项已由同事认领")
        # conditional write: of two people claiming at once, exactly one wins
        taken = db.session.execute(
            sa.update(Task.__table__).where(Task.__table__.c.id == task.id,
                                            sa.or_(Task.__table__.c.claimed_by_id.is_(None),
                                                   Task.__table__.c.claimed_by_id == user.id))
            .values(claimed_by_id=user.id)).rowcount
        if taken != 1:
            raise Conflict("该事项已由同事认领")
        set_committed_value(task, "claimed_by_id", user.id)
        record_audit(task.instance, "claimed", user, task=task, data=None)
    return task


def unclaim_task(task_id: str, user: User) -> Task:
    with task_action(task_id, user):
        task = _visible_task(task_id, user)
        if task.claimed_by_id != user.id:
            raise PermissionDenied("只有认领人可以释放该事项")
        task.claimed_by_id = None
        record_audit(task.instance, "unclaimed", user, task=task, data=None)
    return task


def delegate_task(task_id: str, user: User, to_user_id: int, reason: str) -> Task:
    """转办 to a colleague holding the same role in the same organisation; reason kept."""
    with task_action(task_id, user):
        task = _visible_task(task_id, user)
        if task.candidate_user_id is not None:
            # Assigned by name (e.g. a review, after the conflict-of-interest check): the
            # assigner chose this person, so a colleague may not take it over
            raise PermissionDenied("该事项指定由您本人办理，不能转办；如需更换，请联系分派人")
        if task.claimed_by_id not in (None, user.id):
            raise Conflict("该事项已由同事认领，不能转办")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput({"reason": ["「转办原因」为必填项"]})
        if len(reason) > 500:
            raise InvalidInput({"reason": [f"「转办原因」不超过500字（当前{len(reason)}字）"]})
        colleague = db.session.get(User, to_user_id)
        if colleague is None or colleague.id == user.id or not colleague.active or \
                not colleague.holds(task.role, task.org_id):
            raise InvalidInput({"to_user_id": ["「转办给」须为本单位担任同一角色的其他同事"]})
        task.claimed_by_id = colleague.id
        record_audit(task.instance, "delegated", user, task=task,
                     data={"to_user_id": colleague.id, "to": colleague.display_name, "reason": reason})
        notices.tell_delegated(task, user, colleague, reason)
    return task


def colleagues_for(task: Task, user: User) -> list[User]:
    """Who a task can be delegated to: same role in the task's organisation, not me (nobody
    for a task assigned to me by name)."""
    from ...models import RoleAssignment
    if task.candidate_user_id is not None:
        return []
    return list(db.session.scalars(
        sa.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == task.role, RoleAssignment.org_id == task.org_id,
               User.id != user.id, User.active.is_(True)).order_by(User.display_name)))
