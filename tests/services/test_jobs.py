"""The durable job queue: a job exists iff its use case committed, the same work enqueued twice
is one job, retries back off up to max_attempts, a dead worker's job runs again after its
lease, a done job never runs again, and concurrent workers run every job exactly once (on
SQLite and on PostgreSQL: run with TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Job
from app.services.background import jobs
from app.services.background.jobs import JobKind, TryLater
from app.services.shared.errors import InvalidInput
from app.services.shared.unit_of_work import transaction


class Recorder:
    """A handler that records what it ran and fails as told (thread-safe)."""

    def __init__(self, failures: int = 0, error: Exception | None = None):
        self.ran: list[int] = []
        self.failed: list[tuple[int, str]] = []
        self.failures, self.error = failures, error or RuntimeError("disk /var/x on fire")
        self._lock = threading.Lock()

    def run(self, job: jobs.Claimed) -> dict:
        with self._lock:
            self.ran.append(job.id)
            if self.failures:
                self.failures -= 1
                raise self.error
        return {"echo": job.payload["n"]}

    def gave_up(self, job: jobs.Claimed, error: str) -> None:
        self.failed.append((job.id, error))

    def handlers(self) -> dict[str, JobKind]:
        return {"test": JobKind(run=self.run, failed=self.gave_up)}


def enqueued(n: int = 1, **options) -> Job:
    with transaction():
        return jobs.enqueue("test", {"n": n}, **options)


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_job_exists_only_if_its_use_case_committed(ctx, clock):
    with pytest.raises(InvalidInput), transaction():
        jobs.enqueue("test", {"n": 1})
        raise InvalidInput({"x": ["refused"]})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    job = enqueued()
    assert (fresh(job.id).status, fresh(job.id).attempts, fresh(job.id).run_after) == (
        "queued", 0, clock())


def test_the_same_work_enqueued_twice_is_one_job_while_it_is_active(ctx, clock):
    first, second = enqueued(dedup_key="same"), enqueued(2, dedup_key="same")
    assert first.id == second.id and fresh(first.id).payload == {"n": 1}
    recorder = Recorder()
    assert jobs.run_due_jobs(handlers=recorder.handlers()) == 1
    again = enqueued(3, dedup_key="same")  # the first is done: new work under the same key
    assert again.id != first.id and fresh(again.id).status == "queued"


def test_a_claimed_job_runs_once_and_keeps_its_result(ctx, clock):
    job, recorder = enqueued(7), Recorder()
    assert jobs.run_due_jobs(handlers=recorder.handlers()) == 1
    done = fresh(job.id)
    assert (done.status, done.result, done.attempts, done.locked_by) == ("done", {"echo": 7}, 1, None)
    assert done.finished_at == clock()
    clock.advance(days=1)
    assert jobs.run_due_jobs(handlers=recorder.handlers()) == 0
    assert recorder.ran == [job.id]


def test_a_failure_is_retried_with_exponential_backoff(ctx, clock):
    job, recorder = enqueued(), Recorder(failures=2)
    handlers = recorder.handlers()
    assert jobs.run_due_jobs(handlers=handlers) == 1
    waiting = fresh(job.id)
    assert (waiting.status, waiting.attempts, waiting.error) == ("queued", 1, jobs.INTERNAL_ERROR)
    assert waiting.run_after == clock() + timedelta(seconds=30)
    assert "/var/x" not in waiting.error  # the details are in the log, not for users
    clock.advance(seconds=29)
    assert jobs.run_due_jobs(handlers=handlers) == 0  # still backing off
    clock.advance(seconds=1)
    assert jobs.run_due_jobs(handlers=handlers) == 1
    assert fresh(job.id).run_after == clock() + timedelta(seconds=60)  # doubled
    clock.advance(seconds=60)
    assert jobs.run_due_jobs(handlers=handlers) == 1
    assert (fresh(job.id).status, fresh(job.id).attempts, fresh(job.id).error) == ("done", 3, None)
    assert recorder.ran == [job.id] * 3 and recorder.failed == []


def test_after_max_attempts_the_job_fails_for_good(ctx, clock):
    job, recorder = enqueued(max_attempts=2), Recorder(failures=99)
    for _ in range(4):
        jobs.run_due_jobs(handlers=recorder.handlers())
        clock.advance(hours=2)
    failed = fresh(job.id)
    assert (failed.status, failed.attempts, failed.error) == ("failed", 2, jobs.INTERNAL_ERROR)
    assert failed.finished_at is not None and recorder.ran == [job.id, job.id]
    assert recorder.failed == [(job.id, jobs.INTERNAL_ERROR)]


def test_a_refusal_fails_at_once_with_its_own_message(ctx, clock):
    job = enqueued()
    recorder = Recorder(failures=1, error=InvalidInput({"x": ["无效"]}))
    recorder.error.message = "申报项目不存在"
    jobs.run_due_jobs(handlers=recorder.handlers())
    assert (fresh(job.id).status, fresh(job.id).error) == ("failed", "申报项目不存在")
    assert recorder.failed == [(job.id, "申报项目不存在")]


def test_try_later_waits_with_its_message(ctx, clock):
    job, recorder = enqueued(), Recorder(failures=1, error=TryLater("申报书PDF正在生成"))
    jobs.run_due_jobs(handlers=recorder.handlers())
    assert (fresh(job.id).status, fresh(job.id).error) == ("queued", "申报书PDF正在生成")


def test_a_dead_workers_job_runs_again_once_its_lease_expires(ctx, clock):
    job, recorder = enqueued(), Recorder()
    dead = jobs.claim_next("worker-that-died")  # claimed, then the process was killed
    assert dead.id == job.id and fresh(job.id).locked_until == clock() + jobs.LEASE
    assert jobs.run_due_jobs(worker_id="w2", handlers=recorder.handlers()) == 0  # still leased
    clock.advance(seconds=jobs.LEASE.total_seconds() + 1)
    assert jobs.run_due_jobs(worker_id="w2", handlers=recorder.handlers()) == 1
    assert (fresh(job.id).status, fresh(job.id).attempts) == ("done", 2)
    # the first worker was only slow: its late finish changes nothing of the done job
    jobs.run_claimed(dead, JobKind(run=lambda claimed: {"echo": "late"}))
    assert (fresh(job.id).status, fresh(job.id).result) == ("done", {"echo": 1})


def test_a_job_abandoned_after_its_last_attempt_fails(ctx, clock):
    job = enqueued(max_attempts=1)
    jobs.claim_next("died-on-the-last-attempt")
    clock.advance(hours=1)
    recorder = Recorder()
    jobs.run_due_jobs(handlers=recorder.handlers())
    assert (fresh(job.id).status, fresh(job.id).error) == ("failed", jobs.ABANDONED)
    assert recorder.ran == [] and recorder.failed == [(job.id, jobs.ABANDONED)]


def test_a_restarted_worker_never_runs_a_done_job_again(ctx, clock):
    job, recorder = enqueued(), Recorder()
    jobs.run_due_jobs(worker_id="host:100", handlers=recorder.handlers())
    clock.advance(days=30)
    assert jobs.run_due_jobs(worker_id="host:200", handlers=recorder.handlers()) == 0
    assert jobs.claim_next("host:300") is None and recorder.ran == [job.id]


def test_concurrent_workers_run_every_job_exactly_once(app, ctx, clock):
    """Four workers, each with its own database session, race for the same 40 jobs."""
    ids = [enqueued(n).id for n in range(40)]
    recorder, errors = Recorder(), []

    def worker(name: str) -> None:
        with app.app_context():
            try:
                while jobs.run_due_jobs(5, worker_id=name, handlers=recorder.handlers()):
                    pass
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(recorder.ran) == sorted(ids)  # each once
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Job.status))) == {"done"}
    assert all(attempts == 1 for attempts in db.session.scalars(sa.select(Job.attempts)))


def test_progress_is_committed_and_renews_the_lease(ctx, clock):
    job = enqueued()
    claimed = jobs.claim_next("w1")
    clock.advance(minutes=4)
    jobs.report_progress(claimed, 3, 10)
    db.session.rollback()  # what was reported is committed
    running = fresh(job.id)
    assert (running.progress_done, running.progress_total) == (3, 10)
    assert running.locked_until == clock() + jobs.LEASE


def test_backoff_doubles_up_to_an_hour():
    assert [jobs.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert jobs.backoff(30) == timedelta(hours=1)


def test_enqueue_loses_a_race_for_the_same_work_without_an_error(ctx, clock, monkeypatch):
    """Two use cases enqueue the same work at once, neither seeing the other's row yet: the
    unique index on active dedup keys keeps one job (INSERT … ON CONFLICT DO NOTHING)."""
    first = enqueued(dedup_key="same")
    looks = iter([None])  # the second use case's first look found nothing yet
    real = jobs.active_job
    monkeypatch.setattr(jobs, "active_job", lambda key: next(looks, None) or real(key))
    second = enqueued(2, dedup_key="same")
    assert second.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1

