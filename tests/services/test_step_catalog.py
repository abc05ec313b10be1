"""The Step catalogue: one Step per BPMN user task, and a new step needs only its BPMN task,
its form schema and one Step entry."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from marshmallow.fields import Nested

from app.extensions import db
from app.models import Org, ProcessDefinition, RoleAssignment, Task, User
from app.services.reading.instance_views import instance_detail
from app.services.shared.definitions import deploy_bundle, deploy_upload
from app.services.shared.errors import InvalidInput
from app.services.shared.unit_of_work import transaction
from app.services.steps.catalog import Process, catalog
from app.services.steps.instances import complete_task, start_instance
from app.services.steps.step import Due, Step
from forms import fields as f
from forms.base import FormSchema
from forms.registry import Writes
from tests.conftest import wipe_data
from tests.workflows.helpers import specs_of
from workflows.clock import now as clock_now
from workflows.processes import PROCESSES, ProcessRules

KEYS = ("kechuang_project", "expert_team_grant")


def bpmn_user_tasks(key: str) -> set[str]:
    spec, subprocesses = specs_of(key)
    return {s.bpmn_id for process in (spec, *subprocesses.values())
            for s in process.task_specs.values() if s.manual}


@pytest.mark.parametrize("key", KEYS)
def test_every_user_task_has_exactly_one_step_and_every_step_a_task(key):
    steps = [step.task for step in catalog().process(key).steps]
    assert len(steps) == len(set(steps))
    assert set(steps) == bpmn_user_tasks(key)


def test_the_catalogue_holds_both_processes_and_nothing_else():
    assert sorted(process.key for process in catalog().processes()) == sorted(KEYS)


@pytest.mark.parametrize("step", catalog().steps(), ids=lambda step: step.task)
def test_options_and_labels_name_fields_of_the_steps_form(step):
    fields = set(step.form().fields)  # a process-data key is written by every form
    every_form = set().union(*(field_paths(form) for form in step.all_forms()))
    assert {source.path for source in step.options} <= every_form
    assert set(step.labels) <= every_form
    assert set(step.writes.keys) <= fields
    assert step.due.key is None or step.due.days is None


def field_paths(form, prefix: str = "") -> set[str]:
    """Every field's dotted path in ``form`` (into its sections, not into table rows)."""
    paths = set()
    for name, field in form().fields.items():
        paths.add(prefix + name)
        if isinstance(field, Nested):
            paths |= field_paths(type(field.schema), f"{prefix}{name}.")
    return paths


@pytest.mark.parametrize("step", catalog().steps(), ids=lambda step: step.task)
def test_panels_show_tasks_of_the_same_process(step):
    tasks = bpmn_user_tasks(step.process)
    for panel in step.panels:
        assert set(getattr(panel, "tasks", (getattr(panel, "task", None),))) <= tasks


def test_a_catalogue_refuses_two_steps_for_one_task():
    rules = ProcessRules(key="dup", title="重复", org_scope={})
    twice = (Step("dup", "work", NothingAsked), Step("dup", "work", NothingAsked))
    with pytest.raises(ValueError, match="two Steps"), catalog().using(Process(rules, twice)):
        pass


def test_unknown_task_is_a_key_error():
    with pytest.raises(KeyError):
        catalog().step("expert_team_grant", "compute_expert_score")


# A small process gains a step: BPMN task + form schema + one Step ----------------------------

class NothingAsked(FormSchema):
    """No fields."""


class ApprovalSchema(FormSchema):
    """审批 (approve): the new step's form."""
    approve_outcome = f.choice("审批结论", (("approved", "同意"), ("refused", "不同意")))
    comment = f.text("审批意见", 200)


LEAVE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="tiny_leave" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l1" name="项目方"><bpmn:flowNodeRef>ask</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>approve</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="ask" name="提出申请"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="approve" name="审批"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end_done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask" />
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="approve" />
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end_done" />
  </bpmn:process>
</bpmn:definitions>"""
RULES = ProcessRules(key="tiny_leave", title="请假", org_scope={"applicant": lambda d: d["owner_org_id"]},
                     end_outcomes={"end_done": "completed"})
NEW_STEP = Step("tiny_leave", "approve", ApprovalSchema, Writes(("approve_outcome",)),
                due=Due(days=2), labels={"comment": lambda value, instance: f"“{value}”"})


@contextmanager
def tiny_leave(steps):
    PROCESSES[RULES.key] = RULES
    try:
        with catalog().using(Process(RULES, steps)):
            deploy_bundle({"tiny_leave.bpmn": LEAVE})
            yield
    finally:
        PROCESSES.pop(RULES.key, None)
        wipe_data()
        db.session.execute(sa.delete(ProcessDefinition).filter_by(process_key=RULES.key))
        db.session.commit()


def _person(org_id: int) -> User:
    user = User(username="tiny_user", display_name="测试用户", password_hash="x", active=True,
                created_at=clock_now())
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, org_id=org_id, role="applicant"))
    db.session.commit()
    return user


def _started(org_id: int):
    with transaction():
        return start_instance("tiny_leave", business_key="T-1", title="请假申请", owner_org_id=org_id,
                              data={"owner_org_id": org_id}, user=None)


def _ready(instance, name) -> Task:
    return db.session.scalar(sa.select(Task).filter_by(instance_id=instance.id, task_name=name))


def test_a_step_added_to_a_small_process_runs_with_its_form_data_and_labels(ctx, clock):
    steps = (Step("tiny_leave", "ask", NothingAsked), NEW_STEP)
    with tiny_leave(steps):
        org = Org(code="tiny_org", name="测试单位", org_type="enterprise")
        db.session.add(org)
        db.session.commit()
        user, instance = _person(org.id), _started(org.id)
        complete_task(_ready(instance, "ask").id, {}, user)
        task = _ready(instance, "approve")
        assert task.due_at is not None  # the Step's due rule made it into the inbox row
        complete_task(task.id, {"approve_outcome": "approved", "comment": "同意休假"}, user)
        assert instance.outcome == "completed"
        entered = {form.task_name: form for form in instance_detail(instance.id, user).entered}
        shown = {item.label: item.text for item in entered["approve"].fields}
        assert shown == {"审批结论": "同意", "审批意见": "“同意休假”"}


def test_a_model_with_a_task_no_step_describes_is_refused_at_deploy(world):
    with catalog().using(Process(RULES, (Step("tiny_leave", "ask", NothingAsked),))):
        with pytest.raises(InvalidInput) as refused:
            deploy_upload({"tiny_leave.bpmn": LEAVE}, world["users"]["admin"])
    assert "「审批」（approve）" in refused.value.message and "没有对应的办理步骤" in refused.value.message
    assert db.session.scalar(sa.select(ProcessDefinition).filter_by(process_key="tiny_leave")) is None
