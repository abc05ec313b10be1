"""Validating a form: schema → rules over the context → the process data it writes.

User-task forms are named by their Step (app/services/<process>/steps.py); the forms that are
not user tasks — rows recorded along the way, calls, accounts, start pages — by name here.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from marshmallow import ValidationError
from marshmallow.decorators import VALIDATES_SCHEMA

from forms import call_forms as cf
from forms import grant_forms as gf
from forms import people_forms as people
from forms import project_forms as pf
from forms import start_forms as sf
from forms.base import FormSchema
from forms.errors import FormValidationError, flatten_messages
from forms.rules import relabelled, required_keys, run_rules

# Forms that are not user tasks: rows recorded along the way, and calls created by an admin.
DATA_FORMS: dict[str, type[FormSchema]] = {
    "follow_up_record": pf.FollowUpRecordSchema,
    "kpi_entry": gf.KpiEntrySchema,
    "conference_edition": cf.ConferenceEditionSchema,
    "grant_call": cf.GrantCallSchema,
    # accounts administration (app/services/shared/people.py)
    "new_user": people.NewUserSchema,
    "password_reset": people.PasswordResetSchema,
    "role_assignment": people.RoleAssignmentSchema,
    "new_org": people.NewOrgSchema,
    # start pages (app/views/start.py)
    "project_start": sf.ProjectStartSchema,
}

Derived = Callable[[dict, dict], dict]


@dataclass(frozen=True)
class Writes:
    """What a form writes to process data (docs/processes.md): payload keys copied as they
    are, plus values ``derived`` from the payload and the context (``context_keys``)."""
    keys: tuple[str, ...] = ()
    derived: Derived | None = None
    context_keys: tuple[str, ...] = ()

    def process_data(self, payload: dict, context: dict) -> dict:
        data = {key: copy.deepcopy(payload[key]) for key in self.keys}
        if self.derived:
            data.update(self.derived(payload, context))
        return data


NOTHING = Writes()


@dataclass(frozen=True)
class FormResult:
    """``payload``: the whole validated form (Decimal and date values kept as such);
    ``process_data``: the JSON-ready variables the process needs."""
    payload: dict
    process_data: dict


@cache
def schema_instance(schema_class: type[FormSchema]) -> FormSchema:
    return schema_class()


def data_form(name: str) -> type[FormSchema]:
    return DATA_FORMS[name]


def load_form(form: type[FormSchema] | str, raw: dict, context: dict | None = None,
              writes: Writes = NOTHING) -> FormResult:
    """Validate ``raw`` with ``form`` (a schema class, or the name of a DATA_FORMS form), then
    its rules over ``context``; raises FormValidationError, KeyError for a context key the
    form needs, or ValueError for a malformed context value (see forms/rules.py)."""
    schema_class = data_form(form) if isinstance(form, str) else form
    context = context or {}
    missing = (required_keys(schema_class) | set(writes.context_keys)) - set(context)
    if missing:
        raise KeyError(f"form {schema_class.__name__} needs context keys {sorted(missing)}")
    try:
        payload = schema_instance(schema_class).load(raw)
    except ValidationError as error:
        raise _refused(schema_class, error, context) from error
    errors = run_rules(schema_class, payload, context)
    if errors:
        raise FormValidationError(errors)
    return FormResult(payload, writes.process_data(payload, context))


def _refused(schema_class, error: ValidationError, context: dict) -> FormValidationError:
    """Every error at once: the schema's field errors, its cross-field checks and the rules
    over the context, the last two judged on the part that loaded — a check that needs a
    field that failed is skipped, and so is a message on a field the schema already refused."""
    schema_errors = flatten_messages(error.messages)
    loaded = error.valid_data if isinstance(error.valid_data, dict) else {}
    failed = frozenset(path.split(".")[0] for path in schema_errors)
    later = _schema_checks(schema_class, {k: v for k, v in loaded.items() if k not in failed})
    for path, messages in run_rules(schema_class, loaded, context, True, failed).items():
        later.setdefault(path, []).extend(messages)
    errors = relabelled(schema_class, schema_errors, context)
    refused_paths = set(errors)
    for path, messages in later.items():
        if path in refused_paths:
            continue
        known = errors.setdefault(path, [])
        known.extend(message for message in messages if message not in known)
    return FormValidationError(_in_form_order(schema_class, errors, error.data))


def _in_form_order(schema_class, errors: dict[str, list[str]], raw) -> dict[str, list[str]]:
    """The errors in the order a person reads the form: by its fields, within one by what was
    posted (a section's keys, a table's rows), what was not posted last."""
    fields = list(schema_instance(schema_class).fields)

    def place(path: str) -> tuple:
        first, *rest = path.split(".")
        key = [fields.index(first) if first in fields else len(fields)]
        node = raw.get(first) if isinstance(raw, dict) else None
        for part in rest:
            if isinstance(node, dict) and part in node:
                key.append(list(node).index(part))
                node = node[part]
            elif isinstance(node, list) and part.isdigit():
                key.append(int(part))
                node = node[int(part)] if int(part) < len(node) else None
            else:
                key.append(10 ** 6)
                node = None
        return tuple(key)
    return dict(sorted(errors.items(), key=lambda item: place(item[0])))


def _schema_checks(schema_class, loaded: dict) -> dict[str, list[str]]:
    """The form's own cross-field checks (``@validates_schema``, which marshmallow skips once a
    field fails) over the fields that loaded; a check reading a field that failed is skipped."""
    schema, errors = schema_instance(schema_class), {}
    for name, many, options in schema._hooks[VALIDATES_SCHEMA]:
        if many or options.get("pass_original"):
            continue
        try:
            getattr(schema, name)(loaded, partial=None, many=False, unknown=None)
        except ValidationError as refused:
            for path, messages in flatten_messages(refused.normalized_messages()).items():
                errors.setdefault(path, []).extend(messages)
        except (KeyError, TypeError, AttributeError, IndexError, ValueError):
            continue  # it needs a field the schema refused
    return errors
