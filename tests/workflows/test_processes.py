"""workflows/processes.py agrees with the BPMN files: lanes, end events, outcomes, org scopes."""
import pytest
from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import EndEvent

from workflows.processes import LANE_ROLES, OUTCOME_LABELS, PROCESSES, ROLE_LABELS, end_outcome

from .helpers import BPMN_DIR, specs_of

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
FILES = {"kechuang_project": "kechuang_project.bpmn", "expert_team_grant": "expert_team_grant.bpmn"}


def xml(key):
    return etree.parse(str(BPMN_DIR / FILES[key]))


@pytest.fixture(params=sorted(FILES))
def key(request):
    return request.param


def test_every_process_has_rules():
    assert set(PROCESSES) == set(FILES)


def test_every_lane_maps_to_a_known_role(key):
    lanes = xml(key).xpath("//bpmn:lane/@name", namespaces=NS)
    assert lanes
    for lane in lanes:
        assert LANE_ROLES.get(lane) in ROLE_LABELS, lane


def test_every_end_event_has_an_outcome_with_a_label(key):
    ends = set(xml(key).xpath("//bpmn:endEvent/@id", namespaces=NS))
    assert ends and all(e.startswith("end_") for e in ends)
    assert ends == set(PROCESSES[key].end_outcomes)
    for end in ends:
        assert end_outcome(key, end) in OUTCOME_LABELS


def test_parsed_end_events_are_the_ones_with_outcomes(key):
    spec, _ = specs_of(key)
    ends = {s.bpmn_id for s in spec.task_specs.values() if isinstance(s, EndEvent)}
    assert ends == set(PROCESSES[key].end_outcomes)


def user_tasks(key):
    spec, _ = specs_of(key)
    return {s.bpmn_id: s.lane for s in spec.task_specs.values() if s.manual}


def test_every_role_owning_a_user_task_has_an_org_scope(key):
    roles = {LANE_ROLES[lane] for lane in user_tasks(key).values()}
    assert roles and roles <= set(PROCESSES[key].org_scope)




def test_org_scope_reads_the_start_data():
    rules = PROCESSES["kechuang_project"].org_scope
    data = {"owner_org_id": 101, "recommender_org_id": 21, "intent": "opening",
            "selection_departments": {"opening": 2, "major_roadshow": 3}}
    assert (rules["applicant"](data), rules["recommender"](data), rules["selector"](data)) == (101, 21, 2)


def test_completion_after_rectification_is_completed():
    assert end_outcome("expert_team_grant", "end_completed_after_rectification") == "completed"
