"""The forms of the user tasks, found through their Steps (task ids are unique across the two
processes), for tests that validate a task's form the way completing the task does."""
from __future__ import annotations

from app.services.steps.catalog import catalog


def step_named(task: str):
    steps = [step for step in catalog().steps() if step.task == task]
    if len(steps) != 1:
        raise KeyError(f"no form for task {task!r}")
    return steps[0]


def load_task_form(task: str, raw: dict, context: dict | None = None):
    return step_named(task).load(raw, context)


def task_forms() -> dict:
    """{task id: form schema class} of every Step."""
    return {step.task: step.form for step in catalog().steps()}
