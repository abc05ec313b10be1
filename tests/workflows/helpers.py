"""Shared by the workflows/ unit tests: the real bundle, the services' start data, small BPMN
models written inline, and steps that drive a process through workflows.engine."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.util.task import TaskState

from workflows import engine
from workflows.dates import SHANGHAI, deadline_iso
from workflows.serialization import serializer
from workflows.specs import parse_bundle, read_bundle

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"

# What app/services/projects.py `_start_data` passes (3rd conference's dates).
KECHUANG_START = {
    "edition_id": 3, "project_type": "tech_transfer", "owner_org_id": 101,
    "recommender_org_id": 21, "selection_departments": {"opening": 2, "major_roadshow": 3},
    "via_city": False,  # a city, society or department recommends straight to the province
    "submit_deadline": deadline_iso(date(2023, 12, 15)),
    "recommend_deadline": deadline_iso(date(2023, 12, 15)),
    "select_deadline": deadline_iso(date(2023, 12, 20)),
    "follow_up_until": deadline_iso(date(2024, 12, 31)),
}
# A county 科协's project (区 → 市 → 省): the county's 报送截止 12-08, the city's 推荐截止 12-15.
KECHUANG_COUNTY_START = {
    **KECHUANG_START, "recommender_org_id": 31, "via_city": True, "city_recommender_org_id": 21,
    "recommend_deadline": deadline_iso(date(2023, 12, 8)),
    "city_recommend_deadline": deadline_iso(date(2023, 12, 15)),
}
# What app/services/grants.py `_start_data` passes (a 2024 call).
GRANT_START = {
    "call_id": 1, "society_org_id": 10, "officer_org_id": 20, "finance_org_id": 30, "barred": False,
    "concierges_required": True, "apply_deadline": deadline_iso(date(2024, 4, 2)),
    "submission_due": deadline_iso(date(2024, 4, 2)), "returned_for_correction": False,
    "formal_review_deadline": deadline_iso(date(2024, 4, 9)),
    "review_deadline": deadline_iso(date(2024, 4, 16)),
    "midterm_at": deadline_iso(date(2024, 8, 1)), "period_end": deadline_iso(date(2024, 12, 31)),
    "evaluation_deadline": deadline_iso(date(2025, 1, 31)),
}
ELIGIBLE = {"inspection_last": "合格", "inspection_previous": "基本合格", "penalized": False,
            "notified": False}


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@lru_cache(maxsize=None)
def real_bundle() -> dict:
    """ParsedProcess by key for the bpmn/ directory (parsed once per test session)."""
    return {p.key: p for p in parse_bundle(read_bundle(BPMN_DIR))}


def specs_of(key: str):
    """Fresh (spec, subprocess_specs) objects of a real process."""
    return serializer.spec_from_json(real_bundle()[key].spec_json)


def start(key: str, **overrides):
    start_data = {"kechuang_project": KECHUANG_START, "expert_team_grant": GRANT_START}[key]
    return engine.start(*specs_of(key), {**start_data, **overrides})


def ready_names(workflow) -> list[str]:
    return [t.name for t in engine.ready_tasks(workflow)]


def lanes_by_id(spec) -> dict[str, str]:
    """The lane of every BPMN node of a spec, by BPMN id (as drawn: 项目方, 评审专家…)."""
    return {s.bpmn_id: s.lane for s in spec.task_specs.values() if s.bpmn_id}


def ready_lanes(workflow) -> list[tuple[str, str]]:
    """(name, lane) of each task the engine offers to a person."""
    lanes = lanes_by_id(workflow.spec)
    return [(t.name, lanes[t.name]) for t in engine.ready_tasks(workflow)]


def end_event(workflow) -> str:
    """The one end event a finished workflow reached (engine.outcome only names its outcome)."""
    assert workflow.is_completed()
    [end] = workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
    return end.task_spec.bpmn_id


def move_clock(clock, workflow, moment) -> None:
    """Set the clock to ``moment`` (aware datetime or ISO string) and let due timers fire."""
    clock.set(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)
    engine.advance(workflow)


def waiting_timers(workflow) -> list[tuple[str, datetime]]:
    """(name, due moment) of each waiting timer, as the engine reports them."""
    return [(t.name, t.due_at) for t in engine.waiting_timers(workflow)]


def ready_around(clock, workflow, due: str) -> tuple[list, list]:
    """ready_lanes one second before ``due`` (an ISO moment) and one second after it."""
    due_at = datetime.fromisoformat(due)
    move_clock(clock, workflow, due_at - timedelta(seconds=1))
    before = ready_lanes(workflow)
    move_clock(clock, workflow, due_at + timedelta(seconds=1))
    return before, ready_lanes(workflow)


def pass_timer(clock, workflow, name: str, due: str) -> None:
    """Check that timer ``name`` alone holds the workflow, with nobody to act, until ``due``;
    leave the clock one second past it."""
    assert waiting_timers(workflow) == [(name, datetime.fromisoformat(due))]
    before, _ = ready_around(clock, workflow, due)
    assert before == []


def complete(workflow, name: str, **data) -> None:
    """Complete the one ready task called ``name`` through the engine."""
    [task] = [t for t in engine.ready_tasks(workflow) if t.name == name]
    engine.complete(workflow, task.id, data)


def grant_at_submission(**overrides):
    """An expert_team_grant instance of an eligible society, asked to submit its application."""
    workflow = start("expert_team_grant", **overrides)
    complete(workflow, "declare_eligibility", **ELIGIBLE)
    return workflow


def grant_at_review(reviewers=("u1", "u2")):
    """An expert_team_grant instance whose reviewers are all asked to review."""
    workflow = grant_at_submission()
    complete(workflow, "submit_application")
    complete(workflow, "formal_review", formal_review_outcome="accepted")
    complete(workflow, "assign_reviewers", reviewers=list(reviewers))
    return workflow


def grant_awaiting_ranking():
    workflow = grant_at_review()
    for task in engine.ready_tasks(workflow):
        engine.complete(workflow, task.id, {"review": {"reviewer": task.data["reviewer"], "total": 90}})
    return workflow


PUBLICITY_ENDS_AT = "2024-04-17T18:00:00+08:00"


def ranking(result: str, publicity_ends_at: str = PUBLICITY_ENDS_AT, **extra) -> dict:
    """The ranking_published (or reserve_promoted) message payload for one application."""
    return {"result": result, "rank": 3, "combined_score": 88.1,
            "publicity_ends_at": publicity_ends_at, **extra}


def grant_at_evaluation(clock):
    """A funded expert_team_grant moved through its timers (publicity, midterm, period end, each
    checked to hold until its moment) to evaluate_performance."""
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, "ranking_published", ranking("funded"))
    pass_timer(clock, workflow, "publicity_period", PUBLICITY_ENDS_AT)
    complete(workflow, "conclude_publicity", publicity_outcome="no_objection")
    complete(workflow, "finance_confirm_award", finance_outcome="agreed")
    for step in ("issue_approval", "sign_agreement", "disburse_funds", "concierge_service"):
        complete(workflow, step)
    pass_timer(clock, workflow, "midterm_wait", GRANT_START["midterm_at"])
    complete(workflow, "midterm_check")
    pass_timer(clock, workflow, "period_end_wait", GRANT_START["period_end"])
    assert ready_names(workflow) == ["evaluate_performance"]
    return workflow


_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_{key}" targetNamespace="http://grantflow.example/test">
  <bpmn:process id="{key}" isExecutable="true">
    {lanes}
    <bpmn:startEvent id="start"><bpmn:outgoing>to_step</bpmn:outgoing></bpmn:startEvent>
    {step}
    <bpmn:endEvent id="end_done"><bpmn:incoming>from_step</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_step" sourceRef="start" targetRef="step" />
    <bpmn:sequenceFlow id="from_step" sourceRef="step" targetRef="end_done" />
  </bpmn:process>
</bpmn:definitions>
"""
FLOWS = "<bpmn:incoming>to_step</bpmn:incoming><bpmn:outgoing>from_step</bpmn:outgoing>"


def one_step_bpmn(step: str, key: str = "tiny", lanes: str = "", doctype: str = "") -> str:
    """start → ``step`` (an element with id "step"; put FLOWS inside it) → end_done."""
    return _BPMN.format(key=key, step=step, lanes=lanes, doctype=doctype)


def script_task(script: str) -> str:
    return f'<bpmn:scriptTask id="step" scriptFormat="python">{FLOWS}<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
