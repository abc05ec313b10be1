"""消息: every notice of one person, newest first, a page at a time, each with where it leads —
the task it names while that task is still open and theirs to do, else the project or
application it is about (when they may see it)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Notification, ProcessInstance, Task, User
from ..shared.access import may_see_task
from ..shared.visibility import visible_to

PAGE_SIZE = 30


@dataclass(frozen=True)
class NoticeRow:
    notice: Notification
    task_id: str | None      # link to the task page
    instance_id: int | None  # else to the instance page (None: no page they may open)

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


@dataclass(frozen=True)
class NoticeList:
    rows: list[NoticeRow]
    total: int
    unread: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


def my_notices(user: User, page: int = 1) -> NoticeList:
    total, unread = notice_counts(user)
    page = min(max(page, 1), max(1, math.ceil(total / PAGE_SIZE)))
    return NoticeList(notice_rows(user, (page - 1) * PAGE_SIZE, PAGE_SIZE), total, unread, page)


def notice_counts(user: User, unread_only: bool = False) -> tuple[int, int]:
    """(how many notices ``user`` has — only unread ones with ``unread_only`` —, how many unread)."""
    mine = Notification.user_id == user.id
    unread = db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                               .where(mine, Notification.read_at.is_(None)))
    if unread_only:
        return unread, unread
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(mine)), unread


def notice_rows(user: User, offset: int, limit: int, unread_only: bool = False) -> list[NoticeRow]:
    """A slice of ``user``'s notices, newest first (only the unread ones with ``unread_only``)."""
    wanted = [Notification.user_id == user.id]
    if unread_only:
        wanted.append(Notification.read_at.is_(None))
    notices = list(db.session.scalars(
        sa.select(Notification).where(*wanted).options(joinedload(Notification.instance))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit).offset(offset)))
    return rows_of(notices, user)


def rows_of(notices: list[Notification], user: User) -> list[NoticeRow]:
    """The notices, each with where it leads for ``user``."""
    task_ids = {n.task_id for n in notices if n.task_id}
    tasks = {task.id: task for task in db.session.scalars(
        sa.select(Task).where(Task.id.in_(task_ids)))} if task_ids else {}
    instance_ids = {n.instance_id for n in notices}
    visible = set(db.session.scalars(sa.select(ProcessInstance.id).where(
        ProcessInstance.id.in_(instance_ids), visible_to(user)))) if instance_ids else set()
    rows = []
    for notice in notices:
        task = tasks.get(notice.task_id)
        open_to_me = task is not None and user.active and may_see_task(user, task) \
            and task.claimed_by_id in (None, user.id)
        rows.append(NoticeRow(notice, task.id if open_to_me else None,
                              notice.instance_id if notice.instance_id in visible else None))
    return rows
