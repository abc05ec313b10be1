"""Running the background jobs in tests the way a worker does (in this thread, at the test's
clock): what a submission, an export or a reminder enqueued happens when a test calls it."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Job
from app.services.background.jobs import run_pending_jobs


def run_jobs() -> int:
    """Run every due job (and those they enqueue); returns how many ran."""
    return run_pending_jobs()


def job_statuses(kind: str) -> list[str]:
    return list(db.session.scalars(sa.select(Job.status).filter_by(kind=kind).order_by(Job.id)))
