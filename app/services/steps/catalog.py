"""The Step catalogue: the processes grantflow runs, each with its rules and its Steps.

Processes are listed here explicitly (no registration by importing a module for its side
effects); a test runs a small process of its own inside ``catalog().using(process)``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from workflows.processes import ProcessRules

from .step import Labeler, Step


@dataclass(frozen=True)
class Record:
    """A row recorded along the way (not a step): its form and the labels of its values."""
    form: type
    labels: Mapping[str, Labeler] = field(default_factory=dict)


@dataclass(frozen=True)
class Process:
    """One process: its scope/outcome rules, its Steps, what happens when it ends, and the
    records kept along the way (audit kind → Record)."""
    rules: ProcessRules
    steps: tuple[Step, ...]
    on_end: Callable | None = None  # (instance) → records the outcome on domain rows
    records: Mapping[str, Record] = field(default_factory=dict)
    facts: Callable | None = None  # (instance) → [(label, text)] its page's header adds

    @property
    def key(self) -> str:
        return self.rules.key

    def __post_init__(self):
        object.__setattr__(self, "_by_task", {step.task: step for step in self.steps})

    def step(self, task_name: str) -> Step:
        """The Step of this user task (KeyError: the model has a task no Step describes)."""
        return self._by_task[task_name]

    def find(self, task_name: str) -> Step | None:
        return self._by_task.get(task_name)


class Catalog:
    def __init__(self, processes: Iterable[Process] = ()):
        self._processes: dict[str, Process] = {}
        for process in processes:
            self.add(process)

    def add(self, process: Process) -> None:
        if process.key in self._processes:
            raise ValueError(f"process {process.key} is already in the catalogue")
        self._processes[process.key] = _checked(process)

    @contextmanager
    def using(self, process: Process):
        """``process`` in the catalogue (added, or replacing the one of its key) for the
        duration of the block — for tests of a small process of their own."""
        previous = self._processes.get(process.key)
        self._processes[process.key] = _checked(process)
        try:
            yield process
        finally:
            if previous is None:
                self._processes.pop(process.key, None)
            else:
                self._processes[process.key] = previous

    def process(self, process_key: str) -> Process:
        return self._processes[process_key]

    def processes(self) -> list[Process]:
        return list(self._processes.values())

    def step(self, process_key: str, task_name: str) -> Step:
        """The Step of this user task (KeyError: the model has a task no Step describes)."""
        return self._processes[process_key].step(task_name)

    def find(self, process_key: str, task_name: str | None) -> Step | None:
        process = self._processes.get(process_key)
        return process.find(task_name) if process and task_name else None

    def steps(self) -> list[Step]:
        return [step for process in self._processes.values() for step in process.steps]


def _checked(process: Process) -> Process:
    """A process whose Steps all belong to it, one per task."""
    tasks = [step.task for step in process.steps]
    if len(set(tasks)) != len(tasks):
        raise ValueError(f"two Steps for one task of {process.key}")
    for step in process.steps:
        if step.process != process.key:
            raise ValueError(f"step {step.task} belongs to {step.process}, not {process.key}")
    return process


@cache
def catalog() -> Catalog:
    """Every process grantflow runs (built at first use)."""
    from ..grant.steps import PROCESS as GRANT
    from ..kechuang.steps import PROCESS as KECHUANG
    return Catalog([KECHUANG, GRANT])


def step_of(task) -> Step:
    """The Step of a task row (``tasks`` projection)."""
    return catalog().step(task.instance.process_key, task.task_name)
