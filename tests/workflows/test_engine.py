"""workflows/engine.py: ready tasks, completing, timers, messages and outcomes on the real BPMN.

Time is the conftest `clock` (2023-12-01 09:00 Shanghai), moved with clock.set / clock.advance.
"""
from datetime import timedelta
from uuid import uuid4

import pytest

from workflows import engine
from workflows.engine import EngineError
from workflows.serialization import serializer
from workflows.specs import InvalidProcessModel, parse_bundle

from .helpers import (FLOWS, script_task, complete, grant_at_review, grant_awaiting_ranking, one_step_bpmn,
                      ranking, ready_names, shanghai, start)

pytestmark = pytest.mark.usefixtures("clock")


def test_start_advances_to_the_first_person_with_role_and_title():
    [task] = engine.ready_tasks(start("kechuang_project"))
    assert (task.name, task.title, task.role) == ("submit_project", "提交科创项目", "applicant")
    assert task.data["owner_org_id"] == 101


def test_waiting_timer_is_the_submit_deadline_in_utc():
    [timer] = engine.waiting_timers(start("kechuang_project"))
    assert timer.name == "timer_submit_deadline"
    assert timer.due_at == shanghai(2023, 12, 15, 23, 59, 59, 999999)
    assert timer.due_at.utcoffset() == timedelta(0)


def test_advance_fires_a_timer_once_it_is_due(clock):
    workflow = start("kechuang_project")
    clock.set(shanghai(2023, 12, 15, 23, 59, 58))
    engine.advance(workflow)
    assert ready_names(workflow) == ["submit_project"] and engine.outcome(workflow) is None
    clock.set(shanghai(2023, 12, 16, 0, 0, 0))
    engine.advance(workflow)
    assert engine.outcome(workflow) == "not_submitted"


def test_start_past_the_deadline_ends_at_once(clock):
    clock.set(shanghai(2023, 12, 16))
    assert engine.outcome(start("kechuang_project")) == "not_submitted"


def test_multi_instance_reviews_are_named_by_their_bpmn_id_for_experts():
    tasks = engine.ready_tasks(grant_at_review(["u1", "u2"]))
    assert sorted((t.name, t.role, t.data["reviewer"]) for t in tasks) == [
        ("review_application", "expert", "u1"), ("review_application", "expert", "u2")]


def test_complete_refuses_an_unknown_task_id():
    workflow = start("kechuang_project")
    with pytest.raises(EngineError):
        engine.complete(workflow, str(uuid4()), {})


def test_complete_refuses_a_malformed_task_id():
    with pytest.raises(EngineError):
        engine.complete(start("kechuang_project"), "not-a-uuid", {})


def test_complete_refuses_a_task_that_is_no_longer_ready():
    workflow = start("kechuang_project")
    [task] = engine.ready_tasks(workflow)
    engine.complete(workflow, task.id, {})
    with pytest.raises(EngineError):
        engine.complete(workflow, task.id, {})


def test_complete_refuses_a_waiting_timer_task():
    workflow = start("kechuang_project")
    [timer] = engine.waiting_timers(workflow)
    with pytest.raises(EngineError):
        engine.complete(workflow, timer.task_id, {})


def test_complete_stores_the_data_and_moves_on():
    workflow = start("kechuang_project")
    complete(workflow, "submit_project")
    complete(workflow, "check_exclusions", exclusion_outcome="eligible")
    assert ready_names(workflow) == ["recommend_project"]
    assert engine.process_data(workflow)["exclusion_outcome"] == "eligible"


def test_waits_for_the_ranking_after_reviews():
    workflow = grant_awaiting_ranking()
    assert engine.waits_for_message(workflow, "ranking_published")
    assert not engine.waits_for_message(workflow, "reserve_promoted")
    assert engine.waiting_event_titles(workflow) == ["等待排序结果"]
    assert engine.process_data(workflow)["expert_score"] == 90


def test_a_reserve_waits_for_both_messages_of_the_event_gateway():
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, "ranking_published", ranking("reserve"))
    assert engine.waits_for_message(workflow, "reserve_promoted")
    assert engine.waits_for_message(workflow, "reserve_released")
    assert not engine.waits_for_message(workflow, "ranking_published")


def test_released_reserve_is_not_funded():
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, "ranking_published", ranking("reserve"))
    engine.deliver_message(workflow, "reserve_released", {})
    assert engine.outcome(workflow) == "not_funded"


def test_delivering_a_message_nobody_waits_for_is_refused():
    workflow = grant_awaiting_ranking()
    with pytest.raises(EngineError):
        engine.deliver_message(workflow, "reserve_promoted", ranking("funded"))
    assert engine.waits_for_message(workflow, "ranking_published")   # nothing changed


def test_delivering_to_a_process_without_messages_is_refused():
    with pytest.raises(EngineError):
        engine.deliver_message(start("kechuang_project"), "ranking_published", {})


def test_funded_ranking_waits_for_the_publicity_period():
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, "ranking_published", ranking("funded"))
    assert engine.process_data(workflow)["ranking"] == ranking("funded")
    [timer] = engine.waiting_timers(workflow)
    assert (timer.name, timer.due_at) == ("publicity_period", shanghai(2024, 4, 17, 18, 0))


def at(clock, workflow, *moment):
    clock.set(shanghai(*moment))
    engine.advance(workflow)


def test_completion_after_rectification_is_outcome_completed(clock):
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, "ranking_published", ranking("funded"))
    at(clock, workflow, 2024, 4, 17, 18, 0, 1)
    complete(workflow, "conclude_publicity", publicity_outcome="no_objection")
    complete(workflow, "finance_confirm_award", finance_outcome="agreed")
    for step in ("issue_approval", "sign_agreement", "disburse_funds", "concierge_service"):
        complete(workflow, step)
    at(clock, workflow, 2024, 8, 2)
    complete(workflow, "midterm_check")
    at(clock, workflow, 2025, 1, 1)
    complete(workflow, "evaluate_performance", evaluation_passed=False,
             rectification_due="2025-03-31T23:59:59+08:00")
    complete(workflow, "finance_confirm_evaluation", finance_outcome="agreed")
    complete(workflow, "rectify")
    assert engine.outcome(workflow) is None
    complete(workflow, "re_evaluate", re_evaluation_passed=True)
    assert engine.outcome(workflow) == "completed"


def test_a_user_task_in_an_unmapped_lane_is_refused_at_deploy_naming_it():
    lanes = ('<bpmn:laneSet id="lanes"><bpmn:lane id="lane_x" name="无名部门">'
             '<bpmn:flowNodeRef>step</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
    xml = one_step_bpmn(f'<bpmn:userTask id="step" name="办理">{FLOWS}</bpmn:userTask>', lanes=lanes)
    with pytest.raises(InvalidProcessModel, match="用户任务「办理」（step）所在泳道「无名部门」不对应任何办理角色"):
        parse_bundle({"tiny.bpmn": xml})


def test_a_user_task_in_no_lane_is_refused_at_deploy():
    xml = one_step_bpmn(f'<bpmn:userTask id="step" name="办理">{FLOWS}</bpmn:userTask>')
    with pytest.raises(InvalidProcessModel, match="用户任务「办理」（step）不在任何泳道中"):
        parse_bundle({"tiny.bpmn": xml})


def test_a_process_not_marked_executable_is_refused_not_ignored():
    xml = one_step_bpmn(script_task("x = 1")).replace('isExecutable="true"', 'isExecutable="false"')
    with pytest.raises(InvalidProcessModel, match="未标记为可执行"):
        parse_bundle({"tiny.bpmn": xml})


@pytest.mark.parametrize("script, reason", [("import os", "使用了受限环境不允许的写法"), ("x = (", "语法错误"),
                                            ("x = 10 ** 10 ** 9", "使用了受限环境不允许的写法")])
def test_a_script_the_sandbox_refuses_is_refused_at_deploy_naming_the_task(script, reason):
    with pytest.raises(InvalidProcessModel, match=f"脚本任务「step」{reason}"):
        parse_bundle({"tiny.bpmn": one_step_bpmn(script_task(script))})


ENDLESS_LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs_loop" targetNamespace="t">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="join"><bpmn:incoming>a</bpmn:incoming><bpmn:incoming>c</bpmn:incoming>
      <bpmn:outgoing>b</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:scriptTask id="spin" scriptFormat="python"><bpmn:incoming>b</bpmn:incoming>
      <bpmn:outgoing>c</bpmn:outgoing><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="a" sourceRef="start" targetRef="join" />
    <bpmn:sequenceFlow id="b" sourceRef="join" targetRef="spin" />
    <bpmn:sequenceFlow id="c" sourceRef="spin" targetRef="join" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_model_that_never_settles_is_stopped_as_a_model_error():
    from workflows.specs import parse_bundle
    process = parse_bundle({"loop.bpmn": ENDLESS_LOOP})[0]
    with pytest.raises(engine.ModelError):
        engine.start(*serializer.spec_from_json(process.spec_json), {})
