"""Durable background jobs: one row per piece of work a worker process does (a batch export, the
frozen 申报书 render, an e-mail), claimed with a lease, retried with backoff."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONData, UTCDateTime

JOB_STATUSES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
ACTIVE_JOB_STATUSES = ("queued", "running")
# the partial index's predicate, also the ON CONFLICT target's: literal SQL, the same text in
# both, so the target matches the index whatever the driver does with bound parameters
ACTIVE_PREDICATE = "status IN ('queued', 'running')"
_ACTIVE = sa.text(ACTIVE_PREDICATE)


class Job(db.Model):
    """A unit of background work. ``dedup_key`` is unique among active jobs, so the same work
    enqueued twice is one job; ``locked_until`` is the claiming worker's lease."""
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_claim", "status", "run_after"),
        sa.Index("uq_jobs_active_dedup_key", "dedup_key", unique=True,
                 sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # background.job_kinds.HANDLERS key
    payload: Mapped[dict] = mapped_column(JSONData)
    status: Mapped[str] = mapped_column(sa.String(16))  # JOB_STATUSES
    attempts: Mapped[int] = mapped_column(default=0)  # claims so far
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime)  # not before (backoff)
    locked_by: Mapped[str | None] = mapped_column(sa.String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(JSONData)
    error: Mapped[str | None] = mapped_column(sa.String(500))  # Chinese, for users
    dedup_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return JOB_STATUSES.get(self.status, self.status)
