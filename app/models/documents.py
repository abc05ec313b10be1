"""Documents the app generated and stored (the frozen 申报书) and batch exports of them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime

EXPORT_STATUSES = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}


class StoredDocument(db.Model):
    """One generated PDF kept for good (e.g. the 申报书 as submitted, version by version),
    stored once by SHA-256 under UPLOAD_DIR like the uploads."""
    __tablename__ = "stored_documents"
    __table_args__ = (sa.UniqueConstraint("instance_id", "kind", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # reports.documents.KINDS code
    version: Mapped[int]  # 1, 2 … : the submission it froze (a resubmission after 退回补正 adds one)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class ExportJob(db.Model):
    """A zip of a call's submitted 申报书 built by a worker's ``export`` job (what the export
    pages show); ``done`` of ``total`` so far."""
    __tablename__ = "export_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_calls.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # EXPORT_STATUSES
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    size: Mapped[int | None]
    storage_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the worker's last sign of life (queued, started, each 申报书 added, ended); the job that
    # builds it is a row of ``jobs`` (its lease decides when another worker takes it over)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return EXPORT_STATUSES.get(self.status, self.status)

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0
