"""A ``grantflow worker`` process killed (SIGKILL) while firing a deadline timer or rendering a
frozen 申报书: a new worker finishes the work — nothing lost, nothing done twice (the timer fired
once: one audit event, one outcome; the render stored once, its job re-claimed after the dead
worker's lease expired)."""
from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Job, StoredDocument, Timer
from app.services.documents import documents
from tests.services.steps import snapshot, timers_of
from tests.services.test_documents import declared, frozen_events, submit
from workflows.clock import system_clock

from .conftest import DEMO_MOMENT
from .processes import Worker, needs_postgres, wait_for

pytestmark = [pytest.mark.postgres, needs_postgres]
LEASE_SECONDS = 3  # the test's job lease (production: 5 minutes)


@pytest.fixture
def workers(ctx, tmp_path, upload_dir, pauses):
    """``workers(name, at=moment)``: a ``grantflow worker`` whose clock reads ``at`` now."""
    started = []

    def start(name: str, at) -> Worker:
        db.session.commit()  # what the test made is visible to the worker
        offset = (at - system_clock()).total_seconds()
        worker = Worker(os.environ["TEST_DATABASE_URL"], tmp_path, name, poll=0.3,
                        GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS=str(offset),
                        GRANTFLOW_UPLOAD_DIR=str(upload_dir),
                        GRANTFLOW_TEST_JOB_LEASE_SECONDS=str(LEASE_SECONDS), **pauses.env)
        started.append(worker)
        return worker.start()
    yield start
    for worker in started:
        worker.stop()
        print(worker.output()[-1500:])


def timer_events(instance_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        instance_id=instance_id, kind="timer"))


def deadline_passed(project):
    """A moment after the project's earliest deadline timer is due."""
    db.session.rollback()
    due = min(timer.due_at for timer in timers_of(project.instance).values())
    return due + timedelta(days=1)


@pytest.mark.parametrize("point", ["commit-instance", "committed-instance"])
def test_a_worker_killed_while_firing_a_timer_leaves_it_to_the_next_once(
        workers, pauses, chengdu_project, point):
    instance = chengdu_project.instance
    before = snapshot(instance)
    assert before[4], "the project waits on a deadline timer"
    later = deadline_passed(chengdu_project)
    pauses.arm(point)
    first = workers("first", at=later)
    assert pauses.wait_paused(point) == first.pid
    first.kill()
    killed = time.monotonic()
    if point == "commit-instance":  # killed before the commit: all of it rolled back
        assert snapshot(instance) == before and timer_events(instance.id) == 0
    else:  # killed after it: all of it kept
        assert timer_events(instance.id) == 1
    workers("second", at=later)
    wait_for(lambda: timer_events(instance.id) == 1 and not due_rows(instance.id), 20,
             "the second worker to fire the timer")
    recovered = time.monotonic() - killed
    time.sleep(1.0)  # a few more sweeps of the second worker: nothing more happens
    after = snapshot(instance)
    assert timer_events(instance.id) == 1 and after[1] == before[1] + 1  # one save, one event
    assert after[3] != before[3]  # its outcome: the task the deadline closed is gone
    done = "fired by the next worker" if point == "commit-instance" else "already kept; the next worker found nothing due"
    print(f"worker killed at {point} while firing a timer: {done}, "
          f"{recovered:.2f} s after the kill (worker start included); one timer event")


def due_rows(instance_id: int) -> list:
    db.session.rollback()
    return [t.timer_name for t in db.session.scalars(sa.select(Timer).filter_by(
        instance_id=instance_id)) if t.timer_name.startswith("deadline")]


def freeze_job(application) -> Job:
    db.session.rollback()  # (and read afresh: the session keeps what it read before)
    return db.session.scalar(sa.select(Job).filter_by(kind=documents.FREEZE_JOB).where(
        Job.dedup_key.startswith(f"{documents.FREEZE_JOB}:{application.instance_id}:"))
        .execution_options(populate_existing=True))


@pytest.mark.parametrize("point", ["render", "commit-document"])
def test_a_worker_killed_while_rendering_the_frozen_application_is_replaced_once(
        workers, pauses, world, upload_dir, point):
    application = declared(world)
    submit(world, application)
    job = freeze_job(application)
    assert job is not None and job.status == "queued"
    pauses.arm(point)
    first = workers("first", at=DEMO_MOMENT)
    assert pauses.wait_paused(point, timeout=30) == first.pid
    first.kill()
    killed = time.monotonic()
    held = freeze_job(application)
    assert (held.status, held.attempts) == ("running", 1)  # claimed by the dead worker
    assert held.locked_by.endswith(f":{first.pid}")
    assert stored_versions(application) == 0 and frozen_events(application.instance) == []
    workers("second", at=DEMO_MOMENT)
    wait_for(lambda: freeze_job(application).status == "done", 30, "the second worker's render")
    recovered = time.monotonic() - killed
    done = freeze_job(application)
    assert (done.attempts, done.locked_by) == (2, None)  # claimed once more, then released
    assert stored_versions(application) == 1
    [event] = frozen_events(application.instance)
    assert event.data["sha256"] == done.result["sha256"]
    assert (upload_dir / db.session.get(StoredDocument, done.result["document_id"])
            .storage_key).exists()
    print(f"worker killed at {point} of the 申报书 render: rendered once by the next worker "
          f"{recovered:.2f} s after the kill (lease {LEASE_SECONDS} s, worker start included)")


def stored_versions(application) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(StoredDocument).filter_by(
        instance_id=application.instance_id, kind="application"))
