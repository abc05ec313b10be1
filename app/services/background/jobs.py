"""The durable job queue: enqueue work inside a use case's transaction, claim it from worker
processes, run it through the handlers of ``job_kinds``, retry with backoff.

- ``enqueue`` adds a row in the caller's transaction: a job exists iff the use case committed.
  A ``dedup_key`` is unique among active (queued, running) jobs, so enqueuing the same work
  twice returns the one job.
- ``claim_next`` takes one due job: on PostgreSQL the candidate is read with ``FOR UPDATE SKIP
  LOCKED`` (a row another worker is claiming is passed over); on both databases the claim itself
  is one conditional ``UPDATE … WHERE id = ? AND <still due>`` whose row count says who won. The
  winner holds a lease (``locked_until``): a job whose worker died is due again once it expires.
- ``run_due_jobs`` runs claimed jobs; a failure is retried after an exponential backoff until
  ``max_attempts``, then the job is failed (its Chinese ``error`` for users, details in the log).
  A done job is never claimed again; since a lease may expire under a slow worker, handlers are
  idempotent (they check whether their result already exists) and a worker only finishes a job
  it still holds.
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from workflows import clock

from ...extensions import db
from ...models import ACTIVE_JOB_STATUSES, Job
from ...models.jobs import ACTIVE_PREDICATE
from ..shared.errors import ServiceError
from ..shared.unit_of_work import transaction

log = logging.getLogger("grantflow.jobs")

LEASE = timedelta(minutes=5)  # renewed by every progress report
BACKOFF = timedelta(seconds=30)  # after the first failure; doubled after each further one
BACKOFF_CAP = timedelta(hours=1)
CLAIM_TRIES = 5  # candidates tried when other workers win the race for them
INTERNAL_ERROR = "系统内部错误（已记录日志），请稍后重试或联系管理员"
ABANDONED = "任务多次中断，已停止重试，请联系管理员"


class TryLater(Exception):
    """A handler's "not yet" (e.g. a 申报书 still being rendered): retried after the backoff;
    its message is Chinese, shown to users while it waits."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Claimed:
    """A job as its worker claimed it (plain values: they outlive the handler's commits)."""
    id: int
    kind: str
    payload: dict
    attempts: int
    max_attempts: int
    worker_id: str


@dataclass(frozen=True)
class JobKind:
    """What runs a kind of job: ``run(job)`` returns the result to keep (a dict or None);
    ``failed(job, error)``, when given, runs in the transaction that fails the job for good."""
    run: Callable[[Claimed], dict | None]
    failed: Callable[[Claimed, str], None] | None = None


# Enqueuing ------------------------------------------------------------------------------------

def enqueue(kind: str, payload: dict, dedup_key: str | None = None, *, max_attempts: int = 5,
            run_after: datetime | None = None) -> Job:
    """Add a job in the caller's transaction; the active job of ``dedup_key``, if any, instead."""
    now = clock.now()
    values = {"kind": kind, "payload": payload, "status": "queued", "attempts": 0,
              "max_attempts": max_attempts, "run_after": run_after or now, "progress_done": 0,
              "progress_total": 0, "dedup_key": dedup_key, "created_at": now, "updated_at": now}
    if dedup_key is None:
        job = Job(**values)
        db.session.add(job)
        db.session.flush()
        return job
    if active_job(dedup_key) is None:
        db.session.execute(_insert_unless_active(), values)
    return active_job(dedup_key)


def _insert_unless_active():
    """INSERT … ON CONFLICT DO NOTHING on the active-dedup-key index: a concurrent use case
    that enqueued the same work first wins, without an error and without a savepoint."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Job).on_conflict_do_nothing(index_elements=["dedup_key"],
                                              index_where=sa.text(ACTIVE_PREDICATE))


def active_job(dedup_key: str) -> Job | None:
    return db.session.scalar(sa.select(Job).where(
        Job.dedup_key == dedup_key, Job.status.in_(ACTIVE_JOB_STATUSES)))


def active_jobs(kind: str, key_prefix: str | None = None,
                statuses: tuple[str, ...] = ACTIVE_JOB_STATUSES) -> list[Job]:
    """The queued and running jobs (or those of ``statuses``) of a kind, whose dedup key starts
    with ``key_prefix``."""
    query = sa.select(Job).where(Job.kind == kind, Job.status.in_(statuses))
    if key_prefix is not None:
        query = query.where(Job.dedup_key.startswith(key_prefix, autoescape=True))
    return list(db.session.scalars(query.order_by(Job.id)))


# Claiming -------------------------------------------------------------------------------------

def _due(now: datetime):
    """Queued and past its backoff, or running under a lease that expired (a dead worker's)."""
    return sa.or_(sa.and_(Job.status == "queued", Job.run_after <= now),
                  sa.and_(Job.status == "running", Job.locked_until < now))


def claim_next(worker_id: str, kinds: frozenset[str] | None = None) -> Claimed | None:
    """Claim one due job for ``worker_id`` (its own transaction), or None when none is due."""
    for _ in range(CLAIM_TRIES):
        with transaction():
            ident = _candidate(kinds)
            if ident is None:
                return None
            if _take(ident, worker_id):
                job = db.session.get(Job, ident, populate_existing=True)
                return Claimed(job.id, job.kind, dict(job.payload), job.attempts,
                               job.max_attempts, worker_id)
    return None


def _candidate(kinds: frozenset[str] | None) -> int | None:
    query = sa.select(Job.id).where(_due(clock.now()))
    if kinds is not None:
        query = query.where(Job.kind.in_(sorted(kinds)))
    return db.session.scalar(query.order_by(Job.run_after, Job.id).limit(1)
                             .with_for_update(skip_locked=True))


def _take(ident: int, worker_id: str) -> bool:
    """The atomic claim: True when this worker's UPDATE found the job still due."""
    now = clock.now()
    result = db.session.execute(
        sa.update(Job).where(Job.id == ident, _due(now)).values(
            status="running", locked_by=worker_id, locked_until=now + LEASE,
            attempts=Job.attempts + 1, updated_at=now, error=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


# Running --------------------------------------------------------------------------------------

def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_due_jobs(limit: int = 20, worker_id: str | None = None,
                 handlers: Mapping[str, JobKind] | None = None) -> int:
    """Claim and run up to ``limit`` due jobs; returns how many ran."""
    if handlers is None:
        from .job_kinds import HANDLERS
        handlers = HANDLERS
    worker_id = worker_id or default_worker_id()
    ran = 0
    while ran < limit:
        job = claim_next(worker_id, frozenset(handlers))
        if job is None:
            break
        run_claimed(job, handlers[job.kind])
        ran += 1
    return ran


def run_pending_jobs(handlers: Mapping[str, JobKind] | None = None) -> int:
    """Run jobs until none is due (the demo loader, the tests, ``grantflow run-jobs``)."""
    total = 0
    while (ran := run_due_jobs(100, handlers=handlers)):
        total += ran
    return total


def run_claimed(job: Claimed, kind: JobKind) -> None:
    """Run one claimed job; record its result, or its retry, or its failure."""
    if job.attempts > job.max_attempts:  # its lease expired after the last attempt: it died
        _give_up(job, ABANDONED, kind)
        return
    try:
        result = kind.run(job)
    except TryLater as error:
        _failed_attempt(job, error.message, kind)
    except ServiceError as error:  # a refusal: the same again would be refused again
        _rollback()
        _give_up(job, error.message, kind)
    except Exception:  # logged with details and retried; users see a plain message
        log.exception("job %s (%s) failed, attempt %s of %s", job.id, job.kind, job.attempts,
                      job.max_attempts)
        _failed_attempt(job, INTERNAL_ERROR, kind)
    else:
        with transaction():
            _release(job, status="done", result=result, finished_at=clock.now())


def report_progress(job: Claimed, done: int, total: int) -> None:
    """Commit ``done`` of ``total`` (and whatever the handler changed so far); renews the lease."""
    now = clock.now()
    with transaction():
        db.session.execute(sa.update(Job).where(Job.id == job.id, Job.locked_by == job.worker_id)
                           .values(progress_done=done, progress_total=total,
                                   locked_until=now + LEASE, updated_at=now)
                           .execution_options(synchronize_session=False))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min … at most 1 h."""
    return min(BACKOFF * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _failed_attempt(job: Claimed, message: str, kind: JobKind) -> None:
    _rollback()
    if job.attempts >= job.max_attempts:
        _give_up(job, message, kind)
        return
    with transaction():
        _release(job, status="queued", error=message[:500],
                 run_after=clock.now() + backoff(job.attempts))


def _give_up(job: Claimed, message: str, kind: JobKind) -> None:
    with transaction():
        released = _release(job, status="failed", error=message[:500], finished_at=clock.now())
        if released and kind.failed is not None:
            kind.failed(job, message)


def _release(job: Claimed, **values) -> bool:
    """End this worker's hold on a job — only if it still holds it (a worker whose lease
    expired and whose job another worker took over changes nothing)."""
    result = db.session.execute(
        sa.update(Job).where(Job.id == job.id, Job.status == "running",
                             Job.locked_by == job.worker_id)
        .values(locked_by=None, locked_until=None, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        log.warning("job %s: worker %s no longer held it; another worker took it over",
                    job.id, job.worker_id)
    return result.rowcount == 1


def _rollback() -> None:
    db.session.rollback()
