"""Reminders and escalations sent to people (收件箱「提醒」, e-mail), and the holiday calendar
that working-day periods (工作日) are counted on."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .process import ProcessInstance
from .types import UTCDateTime

NOTIFICATION_KINDS = {
    "reminder_before": "到期提醒",
    "due_today": "今日到期",
    "overdue_escalated": "逾期督办",
}
HOLIDAY_KINDS = {"holiday": "法定节假日", "workday": "调休上班"}


class Notification(db.Model):
    """One reminder to one person about one task; (user, task, kind) is sent once."""
    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "task_id", "kind"),
                      sa.Index("ix_notifications_user_unread", "user_id", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))  # the task row is gone once done
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
