"""The app with test-only pauses, for the fault tests — never part of the product.

gunicorn serves ``tests.faults.hooked:create_app()``; ``python -m tests.faults.hooked worker``
is ``grantflow worker``. With GRANTFLOW_TEST_PAUSE_DIR set, a process that reaches an armed
point (a file ``armed-<point>`` in that directory, see ``processes.Pauses``) takes the file (one
process only), writes its pid to ``paused-<point>`` and sleeps there, to be killed by the test.

Points (SQLAlchemy session events, so every path — page, API, timer sweep, job — has them):
- ``commit-instance``: just before the commit of a transaction that changed a process instance
  (its flush has run: the change is written, not committed);
- ``committed-instance``: just after that commit (the change is kept; the answer is not sent);
- ``commit-document``: just before the commit that stores a rendered document (the freeze job).
- ``render``: when a worker starts rendering the frozen 申报书 (after its claim).

GRANTFLOW_TEST_JOB_LEASE_SECONDS and GRANTFLOW_TEST_IDEMPOTENCY_LEASE_SECONDS shorten the job
lease and the Idempotency-Key answer timeout, so a test sees their expiry in seconds;
GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS moves every process's clock by one offset.
"""
from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

PAUSE_SECONDS = 120


def pause_at(point: str) -> None:
    directory = os.environ.get("GRANTFLOW_TEST_PAUSE_DIR")
    if not directory:
        return
    try:
        os.remove(Path(directory) / f"armed-{point}")  # only one process takes it
    except FileNotFoundError:
        return
    marker = Path(directory) / f"paused-{point}"
    marker.with_suffix(".tmp").write_text(str(os.getpid()))
    os.replace(marker.with_suffix(".tmp"), marker)
    time.sleep(PAUSE_SECONDS)


_written = threading.local()  # the tables this thread's open transaction wrote
TABLES = {"process_instances": "instance", "stored_documents": "document"}


def _before_execute(_conn, _cursor, statement: str, *_args) -> None:
    head = statement.lstrip()[:60].lower()
    if head.startswith(("insert", "update", "delete")):
        for table, name in TABLES.items():
            if f" {table}" in head:
                _written.__dict__.setdefault("names", set()).add(name)


def _wrote(name: str) -> bool:
    return name in _written.__dict__.get("names", set())


def _before_commit(session: Session) -> None:
    session.flush()
    for name in TABLES.values():
        if _wrote(name):
            pause_at(f"commit-{name}")


def _after_commit(_session: Session) -> None:
    wrote = _written.__dict__.pop("names", set())
    for name in sorted(wrote):
        pause_at(f"committed-{name}")


def _after_rollback(_session: Session, _previous) -> None:
    _written.__dict__.pop("names", None)


def install() -> None:
    _install_clock()
    event.listen(Engine, "before_cursor_execute", _before_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", _after_rollback)
    from app.services.background.job_kinds import HANDLERS
    from app.services.background.jobs import JobKind
    from app.services.documents import documents
    real = HANDLERS[documents.FREEZE_JOB]

    def render_paused(job):
        pause_at("render")
        return real.run(job)
    HANDLERS[documents.FREEZE_JOB] = JobKind(run=render_paused, failed=real.failed)
    lease = os.environ.get("GRANTFLOW_TEST_JOB_LEASE_SECONDS")
    if lease:  # a dead worker's job is due again after this (production: 5 minutes)
        from app.services.background import jobs
        jobs.LEASE = timedelta(seconds=float(lease))
    answer_timeout = os.environ.get("GRANTFLOW_TEST_IDEMPOTENCY_LEASE_SECONDS")
    if answer_timeout:  # production: 2 minutes
        from app.api import idempotency
        idempotency.ANSWER_TIMEOUT = timedelta(seconds=float(answer_timeout))


def _install_clock() -> None:
    """GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS: real time moved by this offset — one offset for
    every process of a test (GRANTFLOW_CLOCK_START would start each process's clock anew)."""
    offset = os.environ.get("GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS")
    if offset:
        from workflows.clock import set_default_clock, system_clock
        shift = timedelta(seconds=float(offset))
        set_default_clock(lambda: system_clock() + shift)


def create_app():
    install()
    from app import create_app as real_create_app
    return real_create_app()


if __name__ == "__main__":
    install()
    from app.cli import main
    main()
