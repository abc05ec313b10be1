"""Notices sent to people (消息 page, 收件箱「提醒」, e-mail) — reminders, escalations and the
decisions and new tasks of workflows/notices.py — and the holiday calendar that working-day
periods (工作日) are counted on."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.notices import EVENT_KINDS

from ..extensions import db
from .process import ProcessInstance
from .types import UTCDateTime

NOTIFICATION_KINDS = {
    "reminder_before": "到期提醒",
    "due_today": "今日到期",
    "overdue_escalated": "逾期督办",
    **EVENT_KINDS,
}
REMINDER_KINDS = ("reminder_before", "due_today", "overdue_escalated")
HOLIDAY_KINDS = {"holiday": "法定节假日", "workday": "调休上班"}


class Notification(db.Model):
    """One notice to one person: a reminder about a task ((user, task, kind) is sent once), or
    a decision on an instance or a new task (``task_id``: the task it leads to, if any)."""
    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "task_id", "kind"),
                      sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
                      sa.Index("ix_notifications_user_created", "user_id", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))  # the task row is gone once done;
    # NULL for a decision with no task to follow (NULLs are distinct: several per instance)
    kind: Mapped[str] = mapped_column(sa.String(32))  # NOTIFICATION_KINDS
    message: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    instance: Mapped[ProcessInstance] = relationship()

    @property
    def kind_label(self) -> str:
        return NOTIFICATION_KINDS.get(self.kind, self.kind)


class Holiday(db.Model):
    """A day off the working-day count (法定节假日) or a weekend day worked (调休上班)."""
    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    kind: Mapped[str] = mapped_column(sa.String(16))  # holiday · workday
