"""Every kind of BPMN timer gets a timers row with its absolute due time, and fires through the
services' sweep: intermediate and boundary timers; timeDuration, timeDate, timeCycle."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from SpiffWorkflow.util.task import TaskState

from app.extensions import db
from app.models import ProcessInstance, Task
from app.services.steps.saving import load_workflow
from app.services.background.timers import fire_due_timers
from tests.conftest import SHANGHAI

from . import timer_models as tm
from .steps import audit_kinds, open_tasks, timers_of


def _due(instance, name: str) -> datetime:
    return timers_of(instance)[name].due_at


def test_intermediate_duration_timer_is_due_two_hours_after_the_wait_began(ctx, clock):
    with tm.deployed(tiny_wait=tm.intermediate_timer("tiny_wait")) as org:
        instance = tm.start("tiny_wait", org)
        assert _due(instance, "wait") == clock() + timedelta(hours=2)
        assert instance.current_step == "等待：等待" and open_tasks(instance) == []
        clock.advance(hours=2)
        assert fire_due_timers() == 0  # due strictly after its moment, as SpiffWorkflow fires
        clock.advance(seconds=1)
        assert fire_due_timers() == 1
        assert timers_of(instance) == {} and open_tasks(instance) == ["work"]
        assert audit_kinds(instance) == ["started", "timer"]


def test_intermediate_date_timer_from_process_data(ctx, clock):
    with tm.deployed(tiny_date=tm.intermediate_timer("tiny_date", "timeDate", "wake_at")) as org:
        instance = tm.start("tiny_date", org, wake_at="2023-12-05T08:30:00+08:00")
        assert _due(instance, "wait") == datetime(2023, 12, 5, 8, 30, tzinfo=SHANGHAI)
        clock.set(datetime(2023, 12, 5, 8, 30, 1, tzinfo=SHANGHAI))
        assert fire_due_timers() == 1 and open_tasks(instance) == ["work"]


def test_boundary_duration_timer_ends_the_task(ctx, clock):
    with tm.deployed(tiny_deadline=tm.boundary_timer("tiny_deadline", "timeDuration", '"P3D"')) as org:
        instance = tm.start("tiny_deadline", org)
        assert open_tasks(instance) == ["work"]
        assert _due(instance, "deadline") == clock() + timedelta(days=3)
        clock.advance(days=3, seconds=1)
        assert fire_due_timers() == 1
        assert (instance.status, instance.outcome) == ("completed", "late")
        assert open_tasks(instance) == [] and timers_of(instance) == {}


def test_boundary_timer_row_goes_when_the_task_is_done_first(ctx, clock, monkeypatch):
    from app.services.steps import instances
    with tm.deployed(tiny_deadline=tm.boundary_timer("tiny_deadline", "timeDuration", '"P3D"')) as org:
        instance = tm.start("tiny_deadline", org)
        monkeypatch.setattr(instances, "check_may_complete", lambda user, task: None)
        [task_id] = [t.id for t in db.session.scalars(
            db.select(Task).filter_by(instance_id=instance.id))]
        instances.complete_task(task_id, {}, user=None)
        assert timers_of(instance) == {}  # removed in the transaction that ended the wait
        clock.advance(days=4)
        assert fire_due_timers() == 0 and instance.outcome == "completed"


def test_non_interrupting_cycle_reminds_three_times(ctx, clock):
    with tm.deployed(tiny_remind=tm.boundary_timer(
            "tiny_remind", "timeCycle", '"R3/PT1H"', interrupting=False)) as org:
        instance = tm.start("tiny_remind", org)
        started = clock()
        for fired in (1, 2, 3):
            assert _due(instance, "deadline") == started + timedelta(hours=fired)
            clock.set(started + timedelta(hours=fired))
            assert fire_due_timers() == 0
            clock.advance(seconds=1)
            assert fire_due_timers() == 1
            assert open_tasks(instance) == ["work"] and instance.status == "running"
        assert timers_of(instance) == {}  # no fourth reminder
        clock.advance(hours=5)
        assert fire_due_timers() == 0
        assert audit_kinds(instance) == ["started", "timer", "timer", "timer"]
        fresh = db.session.get(ProcessInstance, instance.id)
        assert fresh.lock_version == instance.lock_version


@pytest.mark.parametrize("late_hours", [3, 10])
def test_overdue_cycle_catches_up_in_one_sweep(ctx, clock, late_hours):
    """The scheduler was down through every reminder: the next sweep (one transaction, one
    "timer" event) takes each overdue cycle's path once — three reminders, never more."""
    with tm.deployed(tiny_remind=tm.boundary_timer(
            "tiny_remind", "timeCycle", '"R3/PT1H"', interrupting=False)) as org:
        instance = tm.start("tiny_remind", org)
        clock.advance(hours=late_hours, seconds=1)
        assert fire_due_timers() == 1
        assert fire_due_timers() == 0
        assert timers_of(instance) == {} and open_tasks(instance) == ["work"]
        assert audit_kinds(instance) == ["started", "timer"]
        completed = [t.task_spec.name for t in load_workflow(instance).get_tasks(state=TaskState.COMPLETED)]
        assert completed.count("reminded") == 3
