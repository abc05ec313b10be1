"""Firing due timers through the same save path as a user action.

The sweep (``fire_due_timers``, run by the scheduler of app/scheduler.py) finds due ``timers``
rows by their due_at index and fires each instance in a transaction of its own:

- it claims the instance with a row lock, ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
  any number of sweepers can run: an instance another sweeper (or a user's save) holds is
  skipped, and picked up by a later sweep if it is still due;
- inside the lock it checks again that timers are still due (another sweeper may have fired them
  between our read and our lock) — so a timer fired twice changes nothing the second time;
- on SQLite (one writer, no row locks; SQLAlchemy renders no FOR UPDATE there) a second fire of
  the same instance loses the optimistic lock (``Conflict``) and counts as already fired;
- an instance whose model fails (``ProcessError``) is logged and left with its timers rows, so it
  is visible and retried, and the sweep goes on with the others.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from workflows import clock

from ...extensions import db
from ...models import ProcessInstance, Timer
from ..shared.errors import Conflict
from ..steps.deadlines import apply_due_timers
from ..steps.saving import ProcessError
from ..shared.unit_of_work import transaction

log = logging.getLogger("grantflow.timers")


@dataclass
class SweepResult:
    """What one sweep did: instances advanced, skipped (fired or held by someone else), failed."""
    fired: int = 0
    skipped: int = 0
    failed: list[int] = field(default_factory=list)  # instance ids whose model raised

    def __str__(self) -> str:
        return f"fired={self.fired} skipped={self.skipped} failed={len(self.failed)}"


def due_timers(limit: int = 500, after: tuple | None = None) -> list[Timer]:
    """Timer rows whose due time has passed, oldest first (served by the due_at index);
    ``after``: the (due_at, id) of the last row of the previous batch. Strictly before now, as
    SpiffWorkflow decides (``due < now``): a row the engine would not fire yet is not due."""
    query = sa.select(Timer).where(Timer.due_at < clock.now())
    if after is not None:
        due_at, ident = after
        query = query.where(sa.or_(Timer.due_at > due_at,
                                   sa.and_(Timer.due_at == due_at, Timer.id > ident)))
    return list(db.session.scalars(query.order_by(Timer.due_at, Timer.id).limit(limit)))


def fire_due_timers(limit: int = 500) -> int:
    """Advance every instance with a due timer; returns how many instances moved."""
    return sweep(limit).fired


def sweep(batch: int = 500) -> SweepResult:
    """One pass over every due timer, in batches of ``batch`` rows (a failing instance's rows
    are passed over, never block the ones behind them)."""
    result, seen, after = SweepResult(), set(), None
    while True:
        rows = [(t.due_at, t.id, t.instance_id) for t in due_timers(batch, after)]
        db.session.rollback()  # end the read (it never commits); each instance has its own transaction
        if not rows:
            return result
        after = rows[-1][:2]
        for instance_id in dict.fromkeys(instance_id for _, _, instance_id in rows):
            if instance_id not in seen:
                seen.add(instance_id)
                _fire_counted(instance_id, result)
        if len(rows) < batch:
            return result


def _fire_counted(instance_id: int, result: SweepResult) -> None:
    try:
        fired = _fire_instance(instance_id)
    except Conflict:  # lost the optimistic lock: someone else saved (fired) it just now
        log.info("timers of instance %s already fired by someone else", instance_id)
        result.skipped += 1
    except ProcessError as err:
        log.error("timers of instance %s cannot fire (left due): %s", instance_id, err)
        result.failed.append(instance_id)
    except Exception:  # a database error, a bug: this instance only; the sweep goes on
        log.exception("timers of instance %s failed to fire (left due)", instance_id)
        result.failed.append(instance_id)
    else:
        if fired:
            result.fired += 1
        else:
            result.skipped += 1


_CLAIM = (sa.select(ProcessInstance).where(ProcessInstance.id == sa.bindparam("ident"))
          .options(undefer(ProcessInstance.state))  # firing restores it: one read, not two
          .with_for_update(skip_locked=True).execution_options(populate_existing=True))


def _fire_instance(instance_id: int) -> bool:
    """Fire the due timers of one instance in its own transaction; False when there was nothing
    (left) to do or another sweeper holds the instance."""
    with transaction():
        instance = db.session.scalar(_CLAIM, {"ident": instance_id})
        if instance is None or instance.status != "running":
            return False  # held by another sweeper (PostgreSQL), gone, or finished
        # none due any more: already fired by someone else (changes nothing); or due by the rows
        # but the engine fired none (apply_due_timers wrote nothing): rows left visible
        return bool(apply_due_timers(instance, rows=True))
