"""The timer sweep on APScheduler: in the dev server's process, or as ``grantflow scheduler``.

Durable timers are our own ``timers`` table; APScheduler only says *when* to sweep, so its job
store stays in memory (its job stores cannot be shared among processes). Any number of
scheduler processes may run: due instances are claimed with row locks (app/services/timers.py).
Each scheduler sweeps once right at start, so timers that came due while none ran fire once
then, and every TIMER_SWEEP_SECONDS after.

Web workers never start it; only the Flask dev server (``grantflow run``) does, once, in the
process that serves (not in the reloader's watcher process).
"""
from __future__ import annotations

import atexit
import logging
from datetime import datetime, timezone

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger("grantflow.scheduler")

JOB_ID = "timer_sweep"
DEFAULT_SWEEP_SECONDS = 30


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BackgroundScheduler
                    ) -> BaseScheduler:
    """A scheduler (not started) with the sweep job: at start, then every TIMER_SWEEP_SECONDS."""
    scheduler = scheduler_class(jobstores={"default": MemoryJobStore()},
                                executors={"default": ThreadPoolExecutor(1)},
                                timezone=timezone.utc)
    seconds = float(app.config.get("TIMER_SWEEP_SECONDS") or DEFAULT_SWEEP_SECONDS)
    scheduler.add_job(run_sweep, "interval", args=[app], id=JOB_ID, name="timer sweep",
                      seconds=seconds, max_instances=1, coalesce=True,
                      misfire_grace_time=None,  # a late sweep still runs (once: coalesce)
                      next_run_time=datetime.now(timezone.utc))
    return scheduler


def run_sweep(app: Flask):
    """The job: fire due timers, then send the reminders and escalations that fell due —
    inside an app context (its own database session). A reminder failure never stops timers."""
    from .services.background.reminders import send_due_reminders
    from .services.background.timers import sweep
    with app.app_context():
        result = sweep()
        try:
            reminded = send_due_reminders()
        except Exception:  # logged; the next sweep tries again
            log.exception("reminder sweep failed")
            reminded = 0
    level = logging.WARNING if result.failed else logging.INFO
    log.log(level, "timer sweep: %s; reminders: %d", result, reminded)
    return result


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
    log.info("timer sweep scheduler started in the dev server (every %s s)",
             app.config.get("TIMER_SWEEP_SECONDS") or DEFAULT_SWEEP_SECONDS)
    return scheduler


def _shutdown(scheduler: BaseScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)


def run_blocking(app: Flask) -> None:
    """``grantflow scheduler``: sweep in the foreground until Ctrl-C."""
    scheduler = build_scheduler(app, BlockingScheduler)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
