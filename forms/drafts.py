"""What a draft (暂存) must be even half-filled: plain text within each field's limit.

A draft is kept as typed — required fields may be empty, a choice or a number half-typed —
so it is not loaded by its schema. But whatever it holds is stored and shown again, so each
text in it obeys the rules every text field does (forms/validators.py: no control character)
and the field's 字 limit, numbers are finite, and the data is a bounded tree of objects, lists
and scalars. ``draft_problems`` names each field in Chinese, by the same paths as a refused
submit ("team.members.3.name").
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from marshmallow import fields

from forms.base import TEXT_CAP, FormSchema
from forms.validators import MaxChars, text_problem

MAX_DEPTH = 8       # form → section → table → row → field is 4; JSON may nest a little more
MAX_ITEMS = 5_000   # keys or rows in one object or list (a 200-member team is 200 rows)
UNKNOWN_LABEL = "该字段"


def draft_problems(schema_class: type[FormSchema], data) -> dict[str, list[str]]:
    """{path: [Chinese messages]} for what a draft of ``schema_class`` may not hold; empty
    when it may be kept (however incomplete)."""
    if not isinstance(data, Mapping):
        return {"_schema": ["暂存的表单数据应为键值对象"]}
    problems: dict[str, list[str]] = {}
    _walk(schema_class().fields, data, "", problems, 0)
    return problems


def _walk(known: Mapping[str, fields.Field], data: Mapping, prefix: str, problems: dict,
          depth: int) -> None:
    if len(data) > MAX_ITEMS:
        problems.setdefault(prefix or "_schema", []).append("暂存的表单数据条目过多")
        return
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if not isinstance(key, str) or text_problem(UNKNOWN_LABEL, key):
            problems.setdefault(prefix or "_schema", []).append("表单含有无效的字段名")
            continue
        _check(known.get(key), value, path, problems, depth + 1)


def _check(field: fields.Field | None, value, path: str, problems: dict, depth: int,
           outer_label: str = UNKNOWN_LABEL) -> None:
    label = (field.metadata.get("label") if field is not None else None) or outer_label
    if depth > MAX_DEPTH:
        problems.setdefault(path, []).append(f"「{label}」的数据层级过深")
    elif isinstance(value, str):
        problem = _text_problem(field, label, value)
        if problem:
            problems.setdefault(path, []).append(problem)
    elif isinstance(value, float) and not math.isfinite(value):
        problems.setdefault(path, []).append(f"「{label}」应为有限的数字")
    elif isinstance(value, Mapping):
        inner = field.schema.fields if isinstance(field, fields.Nested) else {}
        _walk(inner, value, path, problems, depth)
    elif isinstance(value, list):
        _check_rows(field, label, value, path, problems, depth)


def _check_rows(field, label: str, rows: list, path: str, problems: dict, depth: int) -> None:
    if len(rows) > MAX_ITEMS:
        problems.setdefault(path, []).append(f"「{label}」的行数过多")
        return
    inner = field.inner if isinstance(field, fields.List) else field
    for index, item in enumerate(rows):
        _check(inner, item, f"{path}.{index}", problems, depth + 1, label)


def _text_problem(field: fields.Field | None, label: str, value: str) -> str | None:
    multiline = field is not None and field.metadata.get("widget") == "textarea"
    problem = text_problem(label, value, multiline=multiline)
    if problem:
        return problem
    limits = [check for check in getattr(field, "validators", ()) if isinstance(check, MaxChars)]
    limit = limits[0] if limits else MaxChars(label, TEXT_CAP)
    count = len(value.replace("\r\n", "\n").strip())
    if count > limit.limit:
        return f"「{limit.label}」不超过{limit.limit}字（当前{count}字）"
    return None
