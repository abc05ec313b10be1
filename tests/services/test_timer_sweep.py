"""The timer sweep: idempotent (fired twice, or by two sweepers at once, changes nothing the
second time), a failing model does not block the others, a restarted scheduler fires overdue
timers once; the worker also polls the background jobs; and when the dev server runs the
scheduler in-process."""
from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.jobstores.memory import MemoryJobStore
from click.testing import CliRunner

import app.cli as cli
from app import scheduler as sched
from app.extensions import db
from app.models import Job, ProcessInstance
from app.services.background import timers
from app.services.steps import deadlines
from app.services.background.job_kinds import HANDLERS
from app.services.background.jobs import JobKind, enqueue
from app.services.shared.unit_of_work import transaction
from app.services.shared import workflow_cache
from app.services.background.timers import fire_due_timers, sweep
from workflows.clock import set_default_clock, using_clock

from . import timer_models as tm
from .steps import open_tasks, snapshot, timers_of

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
MODELS = {"tiny_wait": tm.intermediate_timer("tiny_wait"),
          "tiny_broken": tm.intermediate_timer("tiny_broken", then_script="x = 1 / 0"),
          "tiny_runaway": tm.intermediate_timer("tiny_runaway", then_script="while True:\n    x = 1")}


@pytest.fixture
def org(ctx, clock):
    with tm.deployed(**MODELS) as org_id:
        yield org_id


def test_a_runaway_script_fails_its_own_instance_in_seconds_and_the_sweep_goes_on(org, clock):
    """``while True`` after a timer: stopped by the script budget; the other instance due in the
    same sweep fires; the runaway one is left exactly as it was, its timer still due."""
    runaway, other = tm.start("tiny_runaway", org), tm.start("tiny_wait", org)
    before = snapshot(runaway)
    clock.advance(hours=3)
    started = time.monotonic()
    result = sweep()
    assert time.monotonic() - started < 10
    assert result.fired == 1 and result.failed == [runaway.id]
    assert open_tasks(other) == ["work"]
    db.session.expire_all()
    assert snapshot(runaway) == before and timers_of(runaway)


def test_double_fire_changes_nothing_the_second_time(org, clock):
    instance = tm.start("tiny_wait", org)
    clock.advance(hours=3)
    assert fire_due_timers() == 1
    after_first = snapshot(instance)
    assert fire_due_timers() == 0
    assert timers._fire_instance(instance.id) is False  # a stale sweeper's second try
    assert snapshot(instance) == after_first
    assert tm.timer_events(instance.id) == 1


def test_rechecks_due_inside_the_lock(org, clock):
    """A sweeper that read the due rows before another fired them finds nothing left."""
    instance = tm.start("tiny_wait", org)
    clock.advance(hours=3)
    stale_read = [t.instance_id for t in timers.due_timers()]
    db.session.commit()
    assert fire_due_timers() == 1
    before = snapshot(instance)
    assert [timers._fire_instance(i) for i in stale_read] == [False]
    assert snapshot(instance) == before and tm.timer_events(instance.id) == 1


def test_lost_optimistic_lock_counts_as_already_fired(org, clock, monkeypatch):
    """SQLite has no row locks: a sweeper whose save loses the lock-version race skips."""
    instance = tm.start("tiny_wait", org)
    clock.advance(hours=3)
    real_save = deadlines.save_instance

    def raced_save(target, *args, **kwargs):  # someone else saves right before we do
        table = ProcessInstance.__table__  # Core: the loaded object keeps the old version
        db.session.execute(sa.update(table).where(table.c.id == target.id)
                           .values(lock_version=table.c.lock_version + 1))
        real_save(target, *args, **kwargs)

    monkeypatch.setattr(deadlines, "save_instance", raced_save)
    result = sweep()
    assert (result.fired, result.skipped, result.failed) == (0, 1, [])
    assert tm.timer_events(instance.id) == 0 and "wait" in timers_of(instance)


def test_a_row_the_engine_does_not_fire_writes_nothing(org, clock, caplog):
    """A timers row that says due while the workflow's timer is not: log, change nothing."""
    instance = tm.start("tiny_wait", org)
    table = timers.Timer.__table__
    db.session.execute(sa.update(table).where(table.c.instance_id == instance.id)
                       .values(due_at=clock() - timedelta(minutes=1)))
    db.session.commit()
    before = snapshot(instance)
    result = sweep()
    assert (result.fired, result.skipped, result.failed) == (0, 1, [])
    assert snapshot(instance) == before and "the engine fired none" in caplog.text


def test_a_failing_model_does_not_block_the_others(org, clock, caplog):
    broken = tm.start("tiny_broken", org)
    clock.advance(minutes=1)
    good = tm.start("tiny_wait", org)  # due one minute after the broken one
    broken_before = snapshot(broken)
    clock.advance(hours=3)
    for batch in (500, 1):  # also when the broken row fills a whole batch
        result = sweep(batch)
        assert result.failed == [broken.id]
        assert snapshot(broken) == broken_before  # rolled back; its row stays, visible
        assert "wait" in timers_of(broken)
    assert "cannot fire" in caplog.text and f"instance {broken.id}" in caplog.text
    assert open_tasks(good) == ["work"] and tm.timer_events(good.id) == 1


def _race(app, frozen, instance_ids: list[int], sweepers: int = 2):
    """Sweep from ``sweepers`` threads at once (each its own app context and session); returns
    their results, any exception that escaped, and the seconds the race took."""
    barrier = threading.Barrier(sweepers)
    results, errors = [None] * sweepers, []

    def run(n):
        try:
            with app.app_context(), using_clock(frozen):
                barrier.wait(timeout=10)
                results[n] = sweep()
        except BaseException as err:  # noqa: BLE001 - the test reports it
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(sweepers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors, time.perf_counter() - started


def _check_race(ctx, clock, org, monkeypatch, caplog):
    instances = [tm.start("tiny_wait", org) for _ in range(20)]
    versions = {i.id: i.lock_version for i in instances}
    taken = []  # every cached workflow handed out, by object identity
    real_take = workflow_cache.cache.take

    def recording_take(instance):
        entry = real_take(instance)
        if entry is not None:
            taken.append(id(entry[0]))
        return entry

    monkeypatch.setattr(workflow_cache.cache, "take", recording_take)
    caplog.set_level("INFO", logger="grantflow.timers")
    clock.advance(hours=3)
    db.session.commit()  # hold nothing while the sweepers run
    results, errors, seconds = _race(ctx, clock, list(versions))
    assert errors == []
    assert all(r is not None and r.failed == [] for r in results)
    assert sum(r.fired for r in results) == 20
    assert len(taken) == len(set(taken))  # no cached workflow went to two sweepers
    db.session.expire_all()
    for instance_id, version in versions.items():
        assert tm.timer_events(instance_id) == 1
        assert db.session.get(ProcessInstance, instance_id).lock_version == version + 1
        assert open_tasks(db.session.get(ProcessInstance, instance_id)) == ["work"]
    print(f"race of two sweepers over 20 instances: {seconds:.3f} s; "
          f"fired {[r.fired for r in results]}, skipped {[r.skipped for r in results]}, "
          f"of which lost the optimistic lock: {caplog.text.count('already fired by someone else')}")
    return results


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_two_sweepers_in_parallel_on_postgresql(ctx, clock, org, monkeypatch, caplog):
    _check_race(ctx, clock, org, monkeypatch, caplog)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_an_instance_locked_elsewhere_is_skipped_not_waited_for(ctx, clock, org):
    instance = tm.start("tiny_wait", org)
    clock.advance(hours=3)
    db.session.commit()
    table = ProcessInstance.__table__
    with db.engine.connect() as other:  # another sweeper (or a user's save) holds the row
        other.execute(sa.select(table.c.id).where(table.c.id == instance.id).with_for_update())
        started = time.perf_counter()
        result = sweep()
        assert (result.fired, result.skipped, result.failed) == (0, 1, [])
        assert time.perf_counter() - started < 2  # SKIP LOCKED: no waiting on the lock
        other.rollback()
    assert fire_due_timers() == 1 and tm.timer_events(instance.id) == 1


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite variant of the race")
def test_two_sweepers_in_parallel_on_sqlite(ctx, clock, org, monkeypatch, caplog):
    _check_race(ctx, clock, org, monkeypatch, caplog)


# The scheduler -------------------------------------------------------------------------------

def test_build_scheduler_job(ctx):
    ctx.config["TIMER_SWEEP_SECONDS"] = 7
    try:
        scheduler = sched.build_scheduler(ctx)
    finally:
        ctx.config["TIMER_SWEEP_SECONDS"] = 30
    job = scheduler.get_job(sched.JOB_ID)
    assert job.trigger.interval == timedelta(seconds=7)
    assert (job.max_instances, job.coalesce) == (1, True)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    assert job.next_run_time is not None  # an immediate run at start
    assert not scheduler.running


def _start_and_wait(app, job_id: str = sched.JOB_ID):
    """Start a scheduler, wait for its immediate sweep (or job poll), stop it; its result."""
    scheduler, done, outcome = sched.build_scheduler(app), threading.Event(), {}

    def listener(event):
        if event.job_id == job_id and not done.is_set():
            outcome["event"] = event
            done.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert done.wait(timeout=20), "the start-up sweep did not run"
    finally:
        scheduler.shutdown(wait=True)
    assert outcome["event"].exception is None
    return outcome["event"].retval


def test_restart_fires_overdue_timers_once(org, clock):
    instance = tm.start("tiny_wait", org)
    db.session.commit()
    previous = set_default_clock(clock)  # the scheduler's thread has no using_clock
    try:
        assert _start_and_wait(ctx_app()).fired == 0  # nothing due yet; then it stops
        clock.advance(hours=5)  # while no scheduler runs, the timer comes due
        assert _start_and_wait(ctx_app()).fired == 1  # the new one's start-up sweep
        assert sched.run_sweep(ctx_app()).fired == 0  # and its next interval: nothing again
    finally:
        set_default_clock(previous)
    db.session.expire_all()
    assert tm.timer_events(instance.id) == 1 and open_tasks(instance) == ["work"]


def test_the_worker_polls_background_jobs_often(ctx):
    scheduler = sched.build_scheduler(ctx)
    job = scheduler.get_job(sched.JOBS_ID)
    assert job.trigger.interval == timedelta(seconds=2) and job.next_run_time is not None
    assert (job.max_instances, job.coalesce) == (1, True)


def test_the_worker_runs_due_jobs_in_its_own_thread(ctx, monkeypatch):
    ran = []
    monkeypatch.setitem(HANDLERS, "test", JobKind(run=lambda job: ran.append(job.payload)))
    with transaction():
        job = enqueue("test", {"n": 1})
    assert _start_and_wait(ctx_app(), sched.JOBS_ID) == 1
    db.session.expire_all()
    assert ran == [{"n": 1}] and db.session.get(Job, job.id).status == "done"


def ctx_app():
    from flask import current_app
    return current_app._get_current_object()


def test_tests_and_web_workers_never_start_the_scheduler(app):
    assert app.config["SCHEDULER_IN_PROCESS"] is False
    assert "grantflow_scheduler" not in app.extensions
    app.config["SCHEDULER_IN_PROCESS"] = True
    try:
        assert sched.start_in_process(app) is None  # TESTING wins
    finally:
        app.config["SCHEDULER_IN_PROCESS"] = False


@pytest.mark.parametrize("use_reloader, run_main, expected", [
    (False, None, True),     # plain `grantflow run`: the one process serves
    (True, None, False),     # the reloader's watcher process
    (True, "true", True),    # the reloader's child that serves
])
def test_dev_server_flag(use_reloader, run_main, expected):
    environ = {} if run_main is None else {"WERKZEUG_RUN_MAIN": run_main}
    assert sched.should_run_in_process(use_reloader=use_reloader, environ=environ) is expected


@pytest.mark.parametrize("args, run_main, expected", [
    (["--no-reload"], None, True), (["--reload"], None, False), (["--reload"], "true", True),
])
def test_grantflow_run_sets_the_flag_before_creating_the_app(monkeypatch, args, run_main, expected):
    seen = {}

    def fake_flask_run(**options):  # stands in for Flask's run command (no server here)
        seen["flag"], seen["reload"] = cli._scheduler_in_process, options["reload"]

    monkeypatch.setattr(cli, "flask_run_command", fake_flask_run)
    monkeypatch.setattr(cli, "_scheduler_in_process", False)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    if run_main:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", run_main)
    result = CliRunner().invoke(cli.run_command, args)
    assert result.exit_code == 0, result.output
    assert seen == {"flag": expected, "reload": args == ["--reload"]}
    created = {}
    monkeypatch.setattr("app.create_app", lambda config=None: created.setdefault("config", config))
    cli._create_app()
    # the serving process sweeps timers (and warms the renderer); any other builds no fonts
    assert created["config"] == ({"SCHEDULER_IN_PROCESS": True} if expected
                                 else {"PREPARE_FONTS": False})
