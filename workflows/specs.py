"""Parsing BPMN/DMN bundles into process specs, fingerprinting them, and caching them.

A *bundle* is a set of .bpmn/.dmn files deployed together. Each executable process in it
becomes a spec; its fingerprint is the SHA-256 of its serialized spec (decision tables
included), so a changed model gets a new definition version and an unchanged one does not.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Callable

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .processes import LANE_ROLES
from .scripting import UnsafeExpression, compile_checked
from .serialization import serializer

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
_VALIDATOR = BpmnValidator()


class InvalidProcessModel(ValueError):
    """A BPMN/DMN file that cannot be deployed; the message names the file and the problem."""


@dataclass(frozen=True)
class ParsedProcess:
    key: str
    name: str
    spec_json: str
    content_hash: str
    sources: dict[str, str]
    user_tasks: dict[str, str]  # BPMN id → name of every user task (subprocesses included)


def read_bundle(directory: Path) -> dict[str, str]:
    """All .bpmn and .dmn files of a directory, by file name."""
    files = sorted([*directory.glob("*.bpmn"), *directory.glob("*.dmn")])
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def _parser_for(files: dict[str, str]) -> SpiffBpmnParser:
    parser = SpiffBpmnParser(validator=_VALIDATOR)
    for name, text in files.items():
        try:
            node = etree.fromstring(text.encode("utf-8"), _XML_PARSER)
            if name.endswith(".dmn"):
                parser.add_dmn_xml(node, filename=name)
            else:
                parser.add_bpmn_xml(node, filename=name)
        except etree.XMLSyntaxError as err:
            raise InvalidProcessModel(f"{name}: XML 格式错误：{err}") from err
        except ValidationException as err:
            raise InvalidProcessModel(f"{name}: {err}") from err
    return parser


def parse_bundle(files: dict[str, str]) -> list[ParsedProcess]:
    """Parse and validate a bundle; one ParsedProcess per executable process. A model that
    could deploy but not run is refused here, naming the element: a process not marked
    executable, a user task in no lane or in a lane that is no role, a script or condition the
    restricted environment would refuse."""
    parser = _parser_for(files)
    for name, text in files.items():
        if name.endswith(".bpmn"):
            _check_model(name, etree.fromstring(text.encode("utf-8"), _XML_PARSER))
    processes = []
    for key in parser.get_process_ids():
        try:
            spec = parser.get_spec(key)
            subspecs = parser.get_subprocess_specs(key)
        except ValidationException as err:
            raise InvalidProcessModel(f"{key}: {err}") from err
        spec_json = serializer.spec_to_json(spec, subspecs)
        processes.append(ParsedProcess(
            key=key, name=spec.description or key, spec_json=spec_json,
            content_hash=hashlib.sha256(spec_json.encode("utf-8")).hexdigest(),
            sources=_sources_of(parser, key, files), user_tasks=_user_tasks(spec, subspecs),
        ))
    return processes


_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _check_model(file_name: str, root) -> None:
    problems = []
    for process in root.iter(f"{_BPMN}process"):
        label = _label(process)
        if process.get("isExecutable") != "true":
            problems.append(f"流程{label}未标记为可执行（isExecutable=\"true\"）")
        lanes = {ref.text.strip(): lane.get("name") or ""
                 for lane in process.iter(f"{_BPMN}lane") for ref in lane.iter(f"{_BPMN}flowNodeRef")
                 if ref.text}
        for task in process.iter(f"{_BPMN}userTask"):
            lane = lanes.get(task.get("id"))
            if lane is None:
                problems.append(f"用户任务{_label(task)}不在任何泳道中（泳道决定由哪个角色办理）")
            elif lane not in LANE_ROLES:
                problems.append(f"用户任务{_label(task)}所在泳道「{lane}」不对应任何办理角色"
                                f"（可用：{'、'.join(LANE_ROLES)}）")
        problems += _script_problems(process)
    if problems:
        raise InvalidProcessModel(f"{file_name}: " + "；".join(problems))


def _script_problems(process) -> list[str]:
    checks = [(element, element.findtext(f"{_BPMN}script"), "exec")
              for element in process.iter(f"{_BPMN}scriptTask")]
    checks += [(flow, flow.findtext(f"{_BPMN}conditionExpression"), "eval")
               for flow in process.iter(f"{_BPMN}sequenceFlow")]
    problems = []
    for element, source, mode in checks:
        if not source or not source.strip():
            continue
        try:
            compile_checked(source.strip() if mode == "eval" else source, mode)
        except (SyntaxError, UnsafeExpression) as err:
            reason = "语法错误" if isinstance(err, SyntaxError) else "使用了受限环境不允许的写法"
            problems.append(f"{'脚本任务' if mode == 'exec' else '条件'}{_label(element)}{reason}"
                            f"（{getattr(err, 'msg', None) or err}）")
    return problems


def _label(element) -> str:
    name = element.get("name")
    return f"「{name}」（{element.get('id')}）" if name else f"「{element.get('id')}」"


def _user_tasks(spec, subspecs) -> dict[str, str]:
    named = [task_spec for process_spec in (spec, *subspecs.values())
             for task_spec in process_spec.task_specs.values() if task_spec.manual]
    return {task_spec.bpmn_id: task_spec.bpmn_name or task_spec.bpmn_id for task_spec in named}


_CALLED_DECISION = re.compile(r"calledDecisionId>\s*([^<\s]+)\s*<")
_DECISION_ID = re.compile(r"<(?:[\w-]+:)?decision\s[^>]*\bid=\"([^\"]+)\"")


def _sources_of(parser, key: str, files: dict[str, str]) -> dict[str, str]:
    """The file defining the process and the DMN files it calls (for viewers and audits)."""
    own = parser.get_process_parser(key).filename
    called = set(_CALLED_DECISION.findall(files[own]))
    return {name: text for name, text in files.items()
            if name == own or (name.endswith(".dmn") and called & set(_DECISION_ID.findall(text)))}


class SpecCache:
    """Spec objects by content hash, restored once per process (specs are never mutated)."""

    def __init__(self):
        self._specs: dict[str, tuple] = {}
        self._lock = Lock()

    def get(self, content_hash: str, load_json: Callable[[], str]):
        specs = self._specs.get(content_hash)
        if specs is None:
            with self._lock:
                specs = self._specs.get(content_hash)
                if specs is None:
                    specs = serializer.spec_from_json(load_json())
                    self._specs[content_hash] = specs
        return specs


spec_cache = SpecCache()
