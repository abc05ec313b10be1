"""What the web app keeps beside the processes: who may view an instance, drafts, uploads."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONData, UTCDateTime


class InstanceViewer(db.Model):
    """Projection: an org (all its members) or one user may view an instance — because the
    instance belongs to it or a task of it was offered there. Written with the task rows."""
    __tablename__ = "instance_viewers"
    __table_args__ = (sa.UniqueConstraint("instance_id", "org_id", "user_id"),
                      sa.Index("ix_instance_viewers_org", "org_id"),
                      sa.Index("ix_instance_viewers_user", "user_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class TaskDraft(db.Model):
    """A form saved half-way by one person (资料暂存), resumed when they come back."""
    __tablename__ = "task_drafts"
    __table_args__ = (sa.UniqueConstraint("task_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    data: Mapped[dict] = mapped_column(JSONData)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(db.Model):
    """An uploaded file (e.g. the stamped 申报书 PDF), stored once with its SHA-256."""
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    task_name: Mapped[str | None] = mapped_column(sa.String(64))
    field: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # a file of one 跟踪服务 record (登记跟踪记录), else NULL
    follow_up_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("follow_up_records.id"), index=True)
