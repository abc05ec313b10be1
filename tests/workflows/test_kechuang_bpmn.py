"""bpmn/kechuang_project.bpmn runs on bare SpiffWorkflow: every path, its lanes and deadlines.

Deadlines are the 3rd conference's dates (seed 000 §七) as ISO strings in Asia/Shanghai time.
"Now" is a frozen clock patched into Spiff's timer module; a test expires a deadline by moving it.
"""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.specs.event_definitions import timer
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "kechuang_project.bpmn"
CST = timezone(timedelta(hours=8))
START_DATA = {
    "edition_id": 3, "project_type": "tech_transfer", "owner_org_id": 101,
    "recommender_org_id": 21, "selection_departments": {"opening": 2, "major_roadshow": 3},
    "submit_deadline": "2023-12-15T23:59:59+08:00",
    "recommend_deadline": "2023-12-15T23:59:59+08:00",
    "select_deadline": "2023-12-20T23:59:59+08:00",
    "follow_up_until": "2024-12-31T23:59:59+08:00",
}
LANE = {
    "submit_project": "项目方", "check_exclusions": "推荐单位", "recommend_project": "推荐单位",
    "select_project": "遴选部门", "pitch_project": "科服保姆", "sign_project": "科服保姆",
    "follow_up_project": "科服保姆",
}
HAPPY = [  # (user task, what it writes) along the happy path
    ("submit_project", {}),
    ("check_exclusions", {"exclusion_outcome": "eligible"}),
    ("recommend_project", {"recommend_outcome": "recommended", "intent": "major_roadshow",
                           "concierge_user_id": 7}),
    ("select_project", {"select_outcome": "selected", "bucket": "major_roadshow"}),
    ("pitch_project", {}),
    ("sign_project", {"sign_outcome": "contract"}),
    ("follow_up_project", {"follow_up_outcome": "landed"}),
]
TIMERS = {  # user task -> (its boundary timer, deadline variable, end event when it expires)
    "submit_project": ("timer_submit_deadline", "submit_deadline", "end_not_submitted"),
    "check_exclusions": ("timer_check_recommend_deadline", "recommend_deadline",
                         "end_not_recommended"),
    "recommend_project": ("timer_recommend_deadline", "recommend_deadline", "end_not_recommended"),
    "select_project": ("timer_select_deadline", "select_deadline", "end_not_selected"),
    "follow_up_project": ("timer_follow_up_until", "follow_up_until", "end_returned_to_service"),
}


class FrozenClock(datetime):
    """Replaces `datetime` in Spiff's timer module; `now()` returns `current`."""
    current = datetime(2023, 12, 1, 9, 0, tzinfo=CST)

    @classmethod
    def now(cls, tz=None):
        return cls.current.astimezone(tz)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timer, "datetime", FrozenClock)
    monkeypatch.setattr(FrozenClock, "current", datetime(2023, 12, 1, 9, 0, tzinfo=CST))
    return FrozenClock


@pytest.fixture(scope="module")
def spec():
    parser = SpiffBpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("kechuang_project")


def start(spec, **overrides):
    wf = BpmnWorkflow(spec)
    wf.task_tree.data.update({**START_DATA, **overrides})
    wf.do_engine_steps()
    return wf


def ready(wf):
    tasks = wf.get_tasks(state=TaskState.READY, manual=True)
    return [(t.task_spec.name, t.task_spec.lane) for t in tasks]


def complete(wf, name, **data):
    """Complete the one ready user task, which must be `name` in its contract lane."""
    assert ready(wf) == [(name, LANE[name])]
    task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def walk(wf, until):
    """Follow the happy path until `until` is the ready task."""
    for name, data in HAPPY:
        if name == until:
            break
        complete(wf, name, **data)
    assert ready(wf) == [(until, LANE[until])]


def move_clock(wf, clock, to):
    clock.current = to
    wf.refresh_timers()
    wf.do_engine_steps()


def end_reached(wf):
    assert wf.is_completed()
    ends = [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name.startswith("end_")]
    assert len(ends) == 1
    return ends[0]


def test_parses_with_contract_lanes(spec):
    for name, lane in LANE.items():
        assert spec.task_specs[name].lane == lane
    for name, (timer_name, _, _) in TIMERS.items():
        assert spec.task_specs[timer_name].lane == LANE[name]
    assert {n for n in spec.task_specs if n.startswith("end_")} == {
        "end_not_submitted", "end_excluded", "end_not_recommended", "end_not_selected",
        "end_landed", "end_closed", "end_returned_to_service"}


def test_happy_path_lands(spec):
    wf = start(spec)
    for name, data in HAPPY:
        complete(wf, name, **data)
    assert end_reached(wf) == "end_landed"
    assert wf.last_task.data["intent"] == "major_roadshow"


@pytest.mark.parametrize("step, data, end", [
    ("check_exclusions", {"exclusion_outcome": "excluded"}, "end_excluded"),
    ("recommend_project", {"recommend_outcome": "not_recommended"}, "end_not_recommended"),
    ("select_project", {"select_outcome": "not_selected"}, "end_not_selected"),
    ("follow_up_project", {"follow_up_outcome": "closed"}, "end_closed"),
])
def test_decisions_end_the_project(spec, step, data, end):
    wf = start(spec)
    walk(wf, step)
    complete(wf, step, **data)
    assert end_reached(wf) == end


def test_returned_once_then_eligible_goes_on(spec):
    wf = start(spec)
    complete(wf, "submit_project")
    complete(wf, "check_exclusions", exclusion_outcome="returned")
    assert ready(wf) == [("submit_project", "项目方")]
    for name, data in HAPPY:
        complete(wf, name, **data)
    assert end_reached(wf) == "end_landed"


def test_unknown_outcome_is_not_swallowed(spec):
    wf = start(spec)
    walk(wf, "check_exclusions")
    with pytest.raises(WorkflowException):
        complete(wf, "check_exclusions", exclusion_outcome="maybe")


@pytest.mark.parametrize("step", TIMERS)
def test_deadline_expires(spec, clock, step):
    timer_name, variable, end = TIMERS[step]
    wf = start(spec)
    walk(wf, step)
    # the boundary timer waits on the deadline it read from the process data
    waiting = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.name == timer_name]
    assert [t.internal_data["event_value"] for t in waiting] == [START_DATA[variable]]
    assert START_DATA[variable] in [event.value for event in wf.waiting_events()]
    deadline = datetime.fromisoformat(START_DATA[variable])
    move_clock(wf, clock, deadline - timedelta(seconds=1))  # 15:59:58 UTC: still open
    assert ready(wf) == [(step, LANE[step])]
    move_clock(wf, clock, deadline + timedelta(seconds=1))
    assert ready(wf) == []
    assert end_reached(wf) == end
    assert wf.get_tasks(spec_name=step)[-1].state == TaskState.CANCELLED


@pytest.mark.parametrize("deadline, expected", [
    ("2000-01-01T00:00:00+08:00", []),
    ("2999-12-31T23:59:59+08:00", [("submit_project", "项目方")]),
])
def test_real_clock_reads_deadline_from_start_data(spec, monkeypatch, deadline, expected):
    monkeypatch.undo()  # Spiff's own datetime.now(), no frozen clock
    wf = start(spec, submit_deadline=deadline)
    wf.refresh_timers()
    wf.do_engine_steps()
    assert ready(wf) == expected
    assert wf.is_completed() == (not expected)
