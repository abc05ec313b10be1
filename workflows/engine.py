"""Running process instances on SpiffWorkflow: start, ready tasks, complete, timers, messages.

Everything here works on in-memory workflows; persistence and permissions are the services'
job. The restricted script engine is attached on every start and every restore (SpiffWorkflow
does not serialize it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition, TimerEventDefinition)
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from .processes import LANE_ROLES, end_outcome
from .scripting import RestrictedScriptEngine
from .serialization import serializer

SCRIPT_ENGINE = RestrictedScriptEngine()


class EngineError(RuntimeError):
    """An engine-level refusal (task not ready, nothing waiting for a message…)."""


class ModelError(EngineError):
    """The process model itself is at fault (a lane without a role, a loop that never settles)."""


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for someone: what the inbox projection is built from."""
    id: str
    name: str
    title: str
    role: str
    data: dict


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event that is waiting, with its absolute due time (aware UTC)."""
    task_id: str
    name: str
    title: str
    due_at: datetime


def start(spec, subprocess_specs, data: dict) -> BpmnWorkflow:
    """A new workflow with initial data, advanced to its first wait state."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
    workflow.task_tree.data.update(data)
    advance(workflow)
    return workflow


def restore(state_json: str, spec, subprocess_specs) -> BpmnWorkflow:
    workflow = serializer.state_from_json(state_json, spec, subprocess_specs)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    return serializer.state_to_json(workflow)


MAX_ADVANCE_ROUNDS = 100


def advance(workflow: BpmnWorkflow) -> None:
    """Run automatic steps and due timers until only people or future events are awaited."""
    for _ in range(MAX_ADVANCE_ROUNDS):
        workflow.do_engine_steps()  # ends with refresh_timers(): a due timer makes its event READY
        if not any(t.state == TaskState.READY and not t.task_spec.manual for t in _all_tasks(workflow)):
            return
    raise ModelError(f"the process did not settle after {MAX_ADVANCE_ROUNDS} rounds of automatic "
                     "steps (an unbounded loop? SpiffWorkflow stops walking ~1,000 tasks deep)")


def _all_tasks(workflow: BpmnWorkflow):
    """Every task, however deep: SpiffWorkflow's own iteration stops at a depth of 1,000, which
    would hide a loop's ready step and make a stuck process look finished."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def ready_tasks(workflow: BpmnWorkflow) -> list[ReadyTask]:
    return [_ready(task) for task in workflow.get_tasks(state=TaskState.READY, manual=True)]


def _ready(task) -> ReadyTask:
    lane = task.task_spec.lane
    if lane not in LANE_ROLES:
        raise ModelError(f"task {task.task_spec.name} is in lane {lane!r}, which maps to no role")
    return ReadyTask(id=str(task.id), name=task.task_spec.bpmn_id or task.task_spec.name,
                     title=task.task_spec.bpmn_name or task.task_spec.name,
                     role=LANE_ROLES[lane], data=task.data)


def find_ready_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):  # malformed id, or no such task in this workflow
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise EngineError(f"task {task_id} is not waiting for a person")
    return task


def complete(workflow: BpmnWorkflow, task_id: str, data: dict) -> None:
    """Complete a ready human task with its process data and advance."""
    task = find_ready_task(workflow, task_id)
    task.data.update(data)
    task.run()
    advance(workflow)


@dataclass(frozen=True)
class Waits:
    """What a workflow waits for at one moment: ready human tasks and timers (by task id)."""
    ready: tuple[ReadyTask, ...]
    timers: tuple[WaitingTimer, ...]

    @property
    def task_ids(self) -> set[str]:
        return {task.id for task in self.ready}


NOTHING = Waits((), ())


def waits(workflow: BpmnWorkflow) -> Waits:
    return Waits(tuple(ready_tasks(workflow)), tuple(waiting_timers(workflow)))


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Each waiting timer with its due time, as SpiffWorkflow computed and stored it."""
    timers = []
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        if isinstance(definition, TimerEventDefinition) and task.state == TaskState.WAITING:
            due = _due_at(definition, task.internal_data.get("event_value"))
            if due is not None:
                timers.append(WaitingTimer(str(task.id), task.task_spec.name,
                                           task.task_spec.bpmn_name or task.task_spec.name, due))
    return timers


def _due_at(definition, value) -> datetime | None:
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        value = value.get("next") if isinstance(value, dict) else value
        if value is None:
            return None
    due = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else value
    return due.astimezone(timezone.utc)


def waits_for_message(workflow: BpmnWorkflow, name: str) -> bool:
    """Whether a waiting event (alone, or behind an event-based gateway) catches ``name``."""
    return any(name in _message_names(t.task_spec.event_definition)
               for t in workflow.event_manager.tasks.values() if t.state == TaskState.WAITING)


def _message_names(definition) -> set[str]:
    if isinstance(definition, MessageEventDefinition):
        return {definition.name}
    if isinstance(definition, MultipleEventDefinition):
        return {d.name for d in definition.event_definitions if isinstance(d, MessageEventDefinition)}
    return set()


def deliver_message(workflow: BpmnWorkflow, name: str, payload: dict) -> None:
    """Deliver a message (e.g. the call-level ranking) to this workflow and advance."""
    if not waits_for_message(workflow, name):
        raise EngineError(f"the process is not waiting for message {name!r}")
    workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))
    advance(workflow)


def outcome(workflow: BpmnWorkflow) -> str | None:
    """The business outcome once the process has ended (from its end event), else None."""
    if not workflow.is_completed():
        return None
    ends = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name.startswith("end_")]
    return end_outcome(workflow.spec.name, ends[-1]) if ends else None


def progress(workflow: BpmnWorkflow) -> dict[str, list[str]]:
    """Completed and current (ready tasks, waiting events) BPMN ids, for the diagram; Spiff's
    own specs (Start, End joins) have no BPMN id and multi-instance children share their
    activity's id."""
    completed, current = set(), set()
    for task in _all_tasks(workflow):
        bpmn_id = task.task_spec.bpmn_id
        if bpmn_id is None:
            continue
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif task.state == TaskState.READY or (
                task.state == TaskState.WAITING and _is_event(task.task_spec)):
            current.add(bpmn_id)
    return {"completed": sorted(completed - current), "current": sorted(current)}


def _is_event(task_spec) -> bool:
    return getattr(task_spec, "event_definition", None) is not None


def process_data(workflow: BpmnWorkflow) -> dict:
    """The data as of the most recently completed step (what the next step will see)."""
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)


def waiting_event_titles(workflow: BpmnWorkflow) -> list[str]:
    """Names of the events the workflow waits for (timers, messages)."""
    return [t.task_spec.bpmn_name or t.task_spec.name for t in workflow.event_manager.tasks.values()
            if t.state == TaskState.WAITING]
