"""Firing due timers through the same save path as a user action (issue 4 hardens the sweep)."""
from __future__ import annotations

import sqlalchemy as sa

from workflows import clock, engine

from ..extensions import db
from ..models import ProcessInstance, Timer
from .instances import _engine_errors, load_for_change, save_instance, transaction


def due_timers(limit: int = 500) -> list[Timer]:
    """Timer rows whose due time has come, oldest first (served by the due_at index)."""
    return list(db.session.scalars(sa.select(Timer).where(Timer.due_at <= clock.now())
                                   .order_by(Timer.due_at).limit(limit)))


def fire_due_timers(limit: int = 500) -> int:
    """Advance every instance with a due timer; returns how many instances moved."""
    instance_ids = list(dict.fromkeys(t.instance_id for t in due_timers(limit)))
    db.session.commit()  # end the read (nothing written); each instance gets its own transaction
    return sum(_fire_instance(instance_id) for instance_id in instance_ids)


def _fire_instance(instance_id: int) -> int:
    with transaction():
        instance = db.session.get(ProcessInstance, instance_id)
        due = [t for t in db.session.scalars(sa.select(Timer).filter_by(instance_id=instance_id))
               if t.due_at <= clock.now()]
        if instance is None or instance.status != "running" or not due:
            return 0  # already fired by someone else: changes nothing
        workflow, before = load_for_change(instance)
        with _engine_errors():
            engine.advance(workflow)
        save_instance(instance, workflow, before, kind="timer", actor=None,
                      data={"timers": [t.timer_name for t in due]})
    return 1
