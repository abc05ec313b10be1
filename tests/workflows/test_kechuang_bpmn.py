"""bpmn/kechuang_project.bpmn through workflows.engine: every path, its lanes and deadlines.

Start data is what the services pass (helpers.KECHUANG_START: the 3rd conference's dates, seed 000
§七, as ISO strings in Asia/Shanghai time). Time is the conftest `clock`; a test expires a
deadline by moving it.
"""
from datetime import datetime

import pytest
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from workflows import engine
from workflows.clock import system_clock

from .helpers import (KECHUANG_COUNTY_START, KECHUANG_START, complete, end_event, lanes_by_id, ready_around, ready_lanes,
                      specs_of, start, waiting_timers)

pytestmark = pytest.mark.usefixtures("clock")

LANE = {
    "submit_project": "项目方", "check_exclusions": "推荐单位", "recommend_project": "推荐单位",
    "select_project": "遴选部门", "pitch_project": "科服保姆", "sign_project": "科服保姆",
    "follow_up_project": "科服保姆", "city_recommend_project": "市（州）科协",
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


def only_ready(workflow, name):
    assert ready_lanes(workflow) == [(name, LANE[name])]


def step(workflow, name, **data):
    """Complete the one ready task, which must be `name` in its contract lane."""
    only_ready(workflow, name)
    complete(workflow, name, **data)


def walk(workflow, until):
    """Follow the happy path until `until` is the ready task."""
    for name, data in HAPPY:
        if name == until:
            break
        step(workflow, name, **data)
    only_ready(workflow, until)


def test_parses_with_contract_lanes():
    lanes = lanes_by_id(specs_of("kechuang_project")[0])
    for name, lane in LANE.items():
        assert lanes[name] == lane
    for name, (timer_name, _, _) in TIMERS.items():
        assert lanes[timer_name] == LANE[name]
    assert {n for n in lanes if n.startswith("end_")} == {
        "end_not_submitted", "end_excluded", "end_not_recommended", "end_not_selected",
        "end_city_not_recommended", "end_landed", "end_closed", "end_returned_to_service"}
    assert lanes["timer_city_recommend_deadline"] == "市（州）科协"


def test_happy_path_lands():
    workflow = start("kechuang_project")
    for name, data in HAPPY:
        step(workflow, name, **data)
    assert end_event(workflow) == "end_landed"
    assert engine.process_data(workflow)["intent"] == "major_roadshow"


@pytest.mark.parametrize("name, data, end", [
    ("check_exclusions", {"exclusion_outcome": "excluded"}, "end_excluded"),
    ("recommend_project", {"recommend_outcome": "not_recommended"}, "end_not_recommended"),
    ("select_project", {"select_outcome": "not_selected"}, "end_not_selected"),
    ("follow_up_project", {"follow_up_outcome": "closed"}, "end_closed"),
])
def test_decisions_end_the_project(name, data, end):
    workflow = start("kechuang_project")
    walk(workflow, name)
    step(workflow, name, **data)
    assert end_event(workflow) == end


def test_returned_once_then_eligible_goes_on():
    workflow = start("kechuang_project")
    step(workflow, "submit_project")
    step(workflow, "check_exclusions", exclusion_outcome="returned")
    only_ready(workflow, "submit_project")
    for name, data in HAPPY:
        step(workflow, name, **data)
    assert end_event(workflow) == "end_landed"


def test_unknown_outcome_is_not_swallowed():
    workflow = start("kechuang_project")
    walk(workflow, "check_exclusions")
    with pytest.raises(WorkflowException):
        complete(workflow, "check_exclusions", exclusion_outcome="maybe")


@pytest.mark.parametrize("name", TIMERS)
def test_deadline_expires_one_second_after_the_start_data_says(clock, name):
    timer_name, variable, end = TIMERS[name]
    workflow = start("kechuang_project")
    walk(workflow, name)
    # the boundary timer waits on the deadline it read from the process data
    deadline = KECHUANG_START[variable]
    assert waiting_timers(workflow) == [(timer_name, datetime.fromisoformat(deadline))]
    before, after = ready_around(clock, workflow, deadline)  # 15:59:58 UTC: still open
    assert (before, after) == ([(name, LANE[name])], [])
    assert end_event(workflow) == end
    assert workflow.get_tasks(spec_name=name)[-1].state == TaskState.CANCELLED


@pytest.mark.parametrize("deadline, expected", [
    ("2000-01-01T00:00:00+08:00", []),
    ("2999-12-31T23:59:59+08:00", [("submit_project", "项目方")]),
])
def test_submit_deadline_from_start_data_is_held_against_the_present(clock, deadline, expected):
    clock.set(system_clock())  # the real present, frozen for the test
    workflow = start("kechuang_project", submit_deadline=deadline)
    assert ready_lanes(workflow) == expected
    assert workflow.is_completed() == (not expected)
    if not expected:
        assert end_event(workflow) == "end_not_submitted"


# 区 → 市 → 省 (seed 004) ------------------------------------------------------------------------

def county_recommended(**start_data):
    """A county's project, checked and recommended by the county: at its city."""
    workflow = engine.start(*specs_of("kechuang_project"), {**KECHUANG_COUNTY_START, **start_data})
    for name, data in HAPPY[:3]:
        step(workflow, name, **data)
    return workflow


def test_county_project_goes_through_its_city_to_the_province():
    workflow = county_recommended()
    step(workflow, "city_recommend_project", recommend_outcome="recommended", intent="showcase",
         concierge_user_id=8)
    only_ready(workflow, "select_project")
    assert engine.process_data(workflow)["intent"] == "showcase"  # the city's, not the county's
    for name, data in HAPPY[3:]:
        step(workflow, name, **data)
    assert end_event(workflow) == "end_landed"


def test_city_declines_a_county_project():
    workflow = county_recommended()
    step(workflow, "city_recommend_project", recommend_outcome="not_recommended")
    assert end_event(workflow) == "end_city_not_recommended"


def test_county_deadline_and_city_deadline(clock):
    workflow = engine.start(*specs_of("kechuang_project"), KECHUANG_COUNTY_START)
    step(workflow, "submit_project")
    assert waiting_timers(workflow) == [("timer_check_recommend_deadline",
                                         datetime.fromisoformat(KECHUANG_COUNTY_START["recommend_deadline"]))]
    workflow = county_recommended()
    deadline = KECHUANG_COUNTY_START["city_recommend_deadline"]
    assert waiting_timers(workflow) == [("timer_city_recommend_deadline", datetime.fromisoformat(deadline))]
    before, after = ready_around(clock, workflow, deadline)
    assert (before, after) == ([("city_recommend_project", "市（州）科协")], [])
    assert end_event(workflow) == "end_city_not_recommended"
