"""The worker on APScheduler: in the dev server's process, or as ``grantflow worker`` (alias
``grantflow scheduler``). It does two things:

- the timer sweep (timers, then reminders) at start and every TIMER_SWEEP_SECONDS;
- the background jobs (exports, frozen 申报书 renders, e-mail; services/background/jobs.py)
  every JOB_POLL_SECONDS.

Durable timers and jobs are our own tables; APScheduler only says *when* to look, so its job
store stays in memory (its job stores cannot be shared among processes). Any number of worker
processes may run: due instances and jobs are claimed with row locks or atomic claims.
``grantflow worker`` starts one per core by default (WORKER_PROCESSES): a worker renders one
申报书 at a time on one core, so a batch of submissions is rendered on all of them.

Web workers never start it; only the Flask dev server (``grantflow run``) does, once, in the
process that serves (not in the reloader's watcher process).
"""
from __future__ import annotations

import atexit
import logging
import os
import signal
from datetime import datetime, timezone

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger("grantflow.scheduler")

JOB_ID = "timer_sweep"
JOBS_ID = "background_jobs"
DEFAULT_SWEEP_SECONDS = 30
DEFAULT_JOB_POLL_SECONDS = 2
JOBS_PER_POLL = 50  # then the next poll goes on (a timer sweep may run meanwhile)


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BackgroundScheduler
                    ) -> BaseScheduler:
    """A scheduler (not started) with the timer sweep (at start, then every
    TIMER_SWEEP_SECONDS) and the job poll (every JOB_POLL_SECONDS), each in its own thread."""
    scheduler = scheduler_class(jobstores={"default": MemoryJobStore()},
                                executors={"default": ThreadPoolExecutor(2)},
                                timezone=timezone.utc)
    _every(scheduler, run_sweep, app, JOB_ID, "timer sweep",
           float(app.config.get("TIMER_SWEEP_SECONDS") or DEFAULT_SWEEP_SECONDS))
    _every(scheduler, run_jobs, app, JOBS_ID, "background jobs",
           float(app.config.get("JOB_POLL_SECONDS") or DEFAULT_JOB_POLL_SECONDS))
    return scheduler


def _every(scheduler: BaseScheduler, func, app: Flask, ident: str, name: str, seconds: float):
    scheduler.add_job(func, "interval", args=[app], id=ident, name=name, seconds=seconds,
                      max_instances=1, coalesce=True,
                      misfire_grace_time=None,  # a late run still runs (once: coalesce)
                      next_run_time=datetime.now(timezone.utc))


def run_jobs(app: Flask) -> int:
    """The job poll: run the background jobs that are due, in an app context (its own
    database session). A failing job is retried by the queue; the poll never raises."""
    from .services.background.jobs import run_due_jobs
    with app.app_context():
        try:
            ran = run_due_jobs(JOBS_PER_POLL)
        except Exception:  # a database outage: logged; the next poll tries again
            log.exception("background job poll failed")
            return 0
    if ran:
        log.info("background jobs: %d run", ran)
    return ran


def run_sweep(app: Flask):
    """The job: fire due timers, then send the reminders and escalations that fell due —
    inside an app context (its own database session). A reminder failure never stops timers."""
    from .services.background.reminders import send_due_reminders
    from .services.background.timers import sweep
    with app.app_context():
        result = sweep()
        _record_selection_shortfalls()
        try:
            reminded = send_due_reminders()
        except Exception:  # logged; the next sweep tries again
            log.exception("reminder sweep failed")
            reminded = 0
    level = logging.WARNING if result.failed else logging.INFO
    log.log(level, "timer sweep: %s; reminders: %d", result, reminded)
    return result


def _record_selection_shortfalls() -> None:
    """科创会: the minimums an edition missed at its 遴选截止, recorded once (never raises)."""
    from .services.kechuang.selection import record_due_shortfalls
    try:
        record_due_shortfalls()
    except Exception:  # logged; the next sweep tries again
        log.exception("selection shortfall check failed")


def should_run_in_process(*, use_reloader: bool, environ) -> bool:
    """Whether ``grantflow run`` should start the scheduler in this process: yes without the
    reloader; with it, only in the child that serves (WERKZEUG_RUN_MAIN), never in the watcher."""
    return not use_reloader or environ.get("WERKZEUG_RUN_MAIN") == "true"


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """Start the background scheduler for the dev server (config SCHEDULER_IN_PROCESS); never
    under TESTING. Stopped at interpreter exit."""
    if not app.config.get("SCHEDULER_IN_PROCESS") or app.config.get("TESTING"):
        return None
    if app.extensions.get("grantflow_scheduler") is not None:
        return app.extensions["grantflow_scheduler"]
    scheduler = build_scheduler(app)
    scheduler.start()
    app.extensions["grantflow_scheduler"] = scheduler
    atexit.register(_shutdown, scheduler)
    log.info("worker started in the dev server (timers every %s s, jobs every %s s)",
             app.config.get("TIMER_SWEEP_SECONDS") or DEFAULT_SWEEP_SECONDS,
             app.config.get("JOB_POLL_SECONDS") or DEFAULT_JOB_POLL_SECONDS)
    return scheduler


def _shutdown(scheduler: BaseScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)


def run_blocking(app: Flask) -> None:
    """``grantflow worker``: sweep timers and run jobs in the foreground until Ctrl-C."""
    from reports.render import tune_gc_for_rendering
    tune_gc_for_rendering()  # its jobs render 申报书 one after another
    scheduler = build_scheduler(app, BlockingScheduler)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)


# One worker process per core ----------------------------------------------------------------

def worker_processes(setting) -> int:
    """WORKER_PROCESSES as a count: "auto" (or empty) is one per core, else a number ≥ 1."""
    text = str(setting or "auto").strip().lower()
    if text == "auto":
        return os.cpu_count() or 1
    count = int(text)
    if count < 1:
        raise ValueError(f"WORKER_PROCESSES must be 'auto' or a number ≥ 1, not {setting!r}")
    return count


def run_workers(app: Flask, processes: int, context=None) -> None:
    """``grantflow worker``: this process and ``processes - 1`` others (each builds its own app
    from the same environment), all until Ctrl-C or SIGTERM; the others stop with this one."""
    if processes <= 1:
        run_blocking(app)
        return
    import multiprocessing
    context = context or multiprocessing.get_context("spawn")  # no inherited connections
    children = [context.Process(target=_child_worker, args=(os.getpid(),), daemon=True,
                                name=f"grantflow-worker-{number}")
                for number in range(1, processes)]
    for child in children:
        child.start()
    log.info("worker: %d processes (this one and %s)", processes,
             ", ".join(str(child.pid) for child in children))
    _stop_on_sigterm()
    try:
        run_blocking(app)
    finally:
        for child in children:  # daemon processes: SIGTERM, then reaped
            child.terminate()
        for child in children:
            child.join(timeout=30)


def _child_worker(parent_pid: int) -> None:
    """One more worker, in a spawned process: stops when told, or when its parent is gone."""
    _die_with_parent()
    if os.getppid() != parent_pid:
        return
    _stop_on_sigterm()
    worker_logging()
    from .cli import _create_app
    run_blocking(_create_app())


def worker_logging() -> None:
    """The worker's log: INFO lines of grantflow, APScheduler's warnings only."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    logging.getLogger("grantflow").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per 2-second poll


def _stop_on_sigterm() -> None:
    """SIGTERM ends the worker as Ctrl-C does: a job being run finishes, none starts."""
    signal.signal(signal.SIGTERM, _exit_on_signal)


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent dies (even by SIGKILL); elsewhere nothing."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
