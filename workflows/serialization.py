"""Serialization of process specs (once per definition version) and instance state (every save).

SpiffWorkflow embeds the whole spec in every saved workflow (most of its size); we store the
spec once per definition version and save only the instance state, restoring it against the
cached spec objects. Decimal and date values in task data survive the round trip.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

STATE_FORMAT = "grantflow-state/1"


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow without its specs; restores it onto given spec objects."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)  # tasks, data, root…
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StateOnlyWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))
    return registry


class WorkflowSerializer:
    """JSON for specs and states. Thread-safe: the dumping registry stays in SpiffWorkflow's
    encoder mode for good (conversion left to the JSON encoder); restoring uses another."""

    def __init__(self):
        dumping = BpmnWorkflowSerializer(_build_registry())
        dumping.registry._encoder_mode = True
        self._dump_registry = dumping.registry
        self._encoder_cls = dumping._encoder_cls
        self._load_registry = _build_registry()
        self.spiff_version = dumping.VERSION

    def _dumps(self, obj) -> str:
        return json.dumps(obj, cls=self._encoder_cls, ensure_ascii=False, separators=(",", ":"))

    def spec_to_json(self, spec, subprocess_specs) -> str:
        convert = self._dump_registry.convert
        return self._dumps({"spec": convert(spec),
                            "subprocess_specs": {k: convert(v) for k, v in subprocess_specs.items()}})

    def spec_from_json(self, text: str):
        dct = json.loads(text)
        restore = self._load_registry.restore
        return restore(dct["spec"]), {k: restore(v) for k, v in dct["subprocess_specs"].items()}

    def state_to_json(self, workflow) -> str:
        return self._dumps(self._dump_registry.convert(workflow))

    def state_from_json(self, text: str, spec, subprocess_specs):
        return self._load_registry.restore(json.loads(text), spec=spec, subprocess_specs=subprocess_specs)


serializer = WorkflowSerializer()
