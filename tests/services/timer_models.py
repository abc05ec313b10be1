"""Tiny timer models deployed and run through the services (tests of the timer sweep)."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from itertools import count

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Org, ProcessDefinition, ProcessInstance
from app.services.shared.definitions import deploy_bundle
from app.services.steps.instances import start_instance
from app.services.shared.unit_of_work import transaction
from tests.conftest import wipe_data
from app.services.steps.catalog import Process, catalog
from app.services.steps.step import Step
from forms.base import FormSchema
from workflows.processes import PROCESSES, ProcessRules

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_{key}" targetNamespace="http://grantflow.example/test">
  <bpmn:process id="{key}" isExecutable="true">
{body}
  </bpmn:process>
</bpmn:definitions>
"""
_LANES = """    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_applicant" name="项目方">
      <bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"""
_START = '    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
_WORK = """    <bpmn:userTask id="work" name="办理"><bpmn:incoming>{incoming}</bpmn:incoming>
      <bpmn:outgoing>f_done</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end_done"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f_done" sourceRef="work" targetRef="end_done" />"""


def _timer(kind: str, expression: str) -> str:
    return (f"<bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}>"
            "</bpmn:timerEventDefinition>")


def intermediate_timer(key: str, kind: str = "timeDuration", expression: str = '"PT2H"',
                       then_script: str | None = None) -> str:
    """start → intermediate timer "wait" → (script "broken" →) user task "work" → end_done."""
    after = "work"
    script = ""
    if then_script is not None:
        after = "broken"
        script = (f'    <bpmn:scriptTask id="broken" scriptFormat="python"><bpmn:incoming>f2'
                  f'</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:script>{then_script}'
                  '</bpmn:script></bpmn:scriptTask>\n'
                  '    <bpmn:sequenceFlow id="f3" sourceRef="broken" targetRef="work" />')
    body = "\n".join([
        _LANES, _START,
        f'    <bpmn:intermediateCatchEvent id="wait" name="等待"><bpmn:incoming>f1</bpmn:incoming>'
        f'<bpmn:outgoing>f2</bpmn:outgoing>{_timer(kind, expression)}</bpmn:intermediateCatchEvent>',
        script,
        _WORK.format(incoming="f3" if then_script is not None else "f2"),
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />',
        f'    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="{after}" />',
    ])
    return _HEAD.format(key=key, body=body)


def boundary_timer(key: str, kind: str, expression: str, interrupting: bool = True) -> str:
    """start → user task "work" → end_done, with a boundary timer "deadline" on "work" leading
    to end_expired (interrupting) or to the intermediate end "reminded" (non-interrupting)."""
    target = "end_expired" if interrupting else "reminded"
    body = "\n".join([
        _LANES, _START, _WORK.format(incoming="f1"),
        f'    <bpmn:boundaryEvent id="deadline" name="期限" attachedToRef="work" '
        f'cancelActivity="{"true" if interrupting else "false"}"><bpmn:outgoing>f_timer'
        f'</bpmn:outgoing>{_timer(kind, expression)}</bpmn:boundaryEvent>',
        f'    <bpmn:endEvent id="{target}"><bpmn:incoming>f_timer</bpmn:incoming></bpmn:endEvent>',
        f'    <bpmn:sequenceFlow id="f_timer" sourceRef="deadline" targetRef="{target}" />',
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />',
    ])
    return _HEAD.format(key=key, body=body)


def rules(key: str) -> ProcessRules:
    return ProcessRules(key=key, title=key, org_scope={"applicant": lambda d: d["owner_org_id"]},
                        end_outcomes={"end_done": "completed", "end_expired": "late"})


class NothingToFill(FormSchema):
    """The form of a step that asks nothing."""


def process(key: str) -> Process:
    """The tiny model's rules, and the Step of its one user task "work"."""
    return Process(rules(key), (Step(key, "work", NothingToFill),))


@contextmanager
def deployed(**models: str):
    """Deploy tiny models (key → BPMN text) with minimal ProcessRules and Steps; afterwards
    remove them, every row the test wrote, and the definitions. Yields the owner org's id."""
    with ExitStack() as steps:
        for key in models:
            PROCESSES[key] = rules(key)
            steps.enter_context(catalog().using(process(key)))
        yield from _deployed_with_rules(models)


def _deployed_with_rules(models: dict[str, str]):
    try:
        deploy_bundle({f"{key}.bpmn": text for key, text in models.items()})
        org = Org(code="tiny_org", name="测试单位", org_type="enterprise")
        db.session.add(org)
        db.session.commit()
        yield org.id
    finally:
        for key in models:
            PROCESSES.pop(key, None)
        wipe_data()
        db.session.execute(sa.delete(ProcessDefinition).where(ProcessDefinition.process_key.in_(models)))
        db.session.commit()


_numbers = count(1)


def start(key: str, org_id: int, **data) -> ProcessInstance:
    with transaction():
        return start_instance(key, business_key=f"T-{next(_numbers)}", title=f"{key} 实例",
                              owner_org_id=org_id, data={"owner_org_id": org_id, **data}, user=None)


def timer_events(instance_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .filter_by(instance_id=instance_id, kind="timer"))
