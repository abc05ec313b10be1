"""A Step: everything grantflow knows about one user task of one process, in one place.

Each process defines its Steps in ``app/services/<process>/steps.py``; the catalogue
(``catalog.py``) lists the processes explicitly. The engine, the task page, the instance page,
the inbox projection and the documents all read the Step — nothing else is keyed by a task's id.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from forms.base import FormSchema
from workflows import clock
from forms.registry import NOTHING, FormResult, Writes, load_form

Context = Callable[[Any, Any, Any], dict]          # (instance, task, user) → facts for rules
Before = Callable[[Any, FormResult], dict]         # (instance, result) → extra process data
After = Callable[[Any, FormResult, Any], None]     # (instance, result, user) → domain records
Labeler = Callable[[Any, Any], str]                # (stored value, instance) → what a person reads
Options = list[tuple[str, str]]
Carry = Callable[[Any], dict]                      # instance → {field path: value} from earlier


@dataclass(frozen=True)
class OptionSource:
    """Choices the form needs from the server: the field at ``path`` offers what ``build``
    makes of the context value ``key`` (the same facts its rules check)."""
    key: str
    path: str
    build: Callable[[Any], Options]


@dataclass(frozen=True)
class Due:
    """When the task is due: the deadline in process data under ``key`` (an edition's or
    call's date), else ``days`` calendar days after it became ready (a labelled default
    offices change here), else never."""
    key: str | None = None
    days: int | None = None


@dataclass(frozen=True)
class Step:
    process: str                     # process key (bpmn process id)
    task: str                        # BPMN user task id
    form: type[FormSchema]           # forms/ schema: fields, Chinese labels, limits
    writes: Writes = NOTHING         # process data it writes
    context: Context | None = None   # the facts its rules need
    before: Before | None = None
    after: After | None = None
    options: tuple[OptionSource, ...] = ()
    due: Due = Due()
    assignee: Callable[[dict], int | None] | None = None  # one person's step (from data)
    confidential_to: frozenset[str] | None = None  # only these roles read its entries
    labels: Mapping[str, Labeler] = field(default_factory=lambda: MappingProxyType({}))
    panels: tuple[Callable, ...] = ()  # what the person deciding must see (steps/panels.py)
    earlier: Carry | None = None     # typed at an earlier step: where an empty form starts
    carried: Carry | None = None     # fixed at an earlier step: shown read-only, never changed
    form_of: Callable[[Any], type[FormSchema]] | None = None  # instance → its form (a call kind's)
    variants: tuple[type[FormSchema], ...] = ()  # the other forms form_of may pick

    def facts(self, instance, task, user) -> dict:
        """The facts its rules need: its own, and for every step ``started_at`` (when the
        instance started: nothing of it happened before) and ``now`` (the clock's: what has
        happened is not in the future) — forms/rules.py dates_happened."""
        own = self.context(instance, task, user) if self.context else {}
        return {**dates_of(instance), **own}

    def schema(self, instance) -> type[FormSchema]:
        """The form of this step for ``instance``: ``form``, unless the instance's own kind picks
        another (a grant call's kind picks its 申报书)."""
        if self.form_of is None or instance is None:
            return self.form
        form = self.form_of(instance)
        if form not in self.all_forms():
            raise ValueError(f"{self.task}: {form.__name__} is not one of its forms")
        return form

    def all_forms(self) -> tuple[type[FormSchema], ...]:
        return (self.form, *self.variants)

    def load(self, raw: dict, context: dict | None = None, instance=None) -> FormResult:
        """Validate ``raw`` (FormValidationError) and derive the process data it writes."""
        return load_form(self.schema(instance), raw, context, self.writes)

    def earlier_values(self, instance) -> dict:
        return self.earlier(instance) if self.earlier else {}

    def carried_values(self, instance) -> dict:
        return self.carried(instance) if self.carried else {}

    def carry(self, instance, raw: dict) -> dict:
        """``raw`` with each carried value in place of whatever was posted for it."""
        return with_paths(raw, self.carried_values(instance))

    def form_options(self, context: dict) -> dict[str, Options]:
        return {source.path: source.build(context[source.key]) for source in self.options
                if source.key in context}

    def readable_by(self, roles: set[str]) -> bool:
        return self.confidential_to is None or bool(roles & self.confidential_to)


def dates_of(instance) -> dict:
    return {"started_at": instance.created_at, "now": clock.now()} if instance is not None else {}


def with_paths(data: dict, values: Mapping[str, Any]) -> dict:
    """A copy of ``data`` with each dotted path of ``values`` set (sections made as needed)."""
    result = deepcopy(data) if isinstance(data, dict) else {}
    for path, value in values.items():
        *sections, name = path.split(".")
        node = result
        for part in sections:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[name] = value
    return result
