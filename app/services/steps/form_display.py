"""A saved form payload shown with its schema's Chinese labels: sections, tables, choices, and
the Step's labels for values only the database can name (people, criteria)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, fields

from forms.registry import schema_instance
from workflows.dates import shown_day, shown_moment

EMPTY = "—"


@dataclass(frozen=True)
class Shown:
    """One field as a reader sees it: ``kind`` text (``text``), file (``text`` is the stored
    reference until a caller links it to ``attachment_id``), section (``fields``) or table
    (``columns`` and ``rows`` of cells, each cell itself a Shown)."""
    label: str
    kind: str = "text"
    text: str = EMPTY
    fields: tuple[Shown, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Shown, ...], ...] = ()
    attachment_id: int | None = None


def shown_form(schema_class: type[Schema], payload: dict, labels=None, instance=None
               ) -> list[Shown]:
    """The filled-in fields of a form, in the form's order; ``labels`` ({field name:
    (value, instance) → text}, a Step's) name the values the schema alone cannot."""
    labels = labels or {}
    if not isinstance(payload, dict):
        return [Shown("", text=_plain(payload))]
    schema = schema_instance(schema_class)
    return [Shown(_label(field), text=labels[name](payload[name], instance)) if name in labels
            else _shown(field, payload[name])
            for name, field in schema.fields.items()
            if name in payload and not _empty(payload[name])]


def shown_line(schema_class: type[Schema], payload: dict, labels=None, instance=None) -> str:
    """The form's simple fields on one line: "标签：值；标签：值"."""
    return "；".join(f"{item.label}：{item.text}"
                    for item in shown_form(schema_class, payload, labels, instance)
                    if item.kind in ("text", "file"))


# What a decision says, in a line of the history: its outcome(s), total and comment
DECISION_FIELDS = ("comment", "reason", "opinion", "close_reason")


def decision_line(schema_class: type[Schema], payload: dict, labels=None, instance=None) -> str:
    """"审查结论：退回补充材料；审查意见：……" — the fields of a completed form that say what was
    decided and why (its ``…_outcome`` choices, a review's total, the comment), else ""."""
    names = [name for name in schema_instance(schema_class).fields
             if name.endswith("_outcome") or name in DECISION_FIELDS]
    shown = shown_line(schema_class, {name: payload[name] for name in names if name in payload},
                       labels, instance)
    if not _empty(payload.get("total")):  # a review's, added when it loaded
        shown = "；".join(part for part in (f"总分：{_number(payload['total'])}分", shown) if part)
    return shown


def link_files(items, files: dict[str, tuple[int, str]]) -> list[Shown]:
    """The items with file references found in ``files`` ({reference: (attachment id, file
    name)}) shown as those files; other references stay as they are."""
    return [_linked(item, files) for item in items]


def _linked(item: Shown, files: dict[str, tuple[int, str]]) -> Shown:
    if item.kind == "file" and item.text in files:
        attachment_id, filename = files[item.text]
        return replace(item, text=filename, attachment_id=attachment_id)
    if item.kind == "section":
        return replace(item, fields=tuple(link_files(item.fields, files)))
    if item.kind == "table":
        return replace(item, rows=tuple(tuple(link_files(row, files)) for row in item.rows))
    return item


def _shown_fields(schema: Schema, payload) -> list[Shown]:
    if not isinstance(payload, dict):
        return [Shown("", text=_plain(payload))]
    return [_shown(field, payload[name]) for name, field in schema.fields.items()
            if name in payload and not _empty(payload[name])]


def _shown(field: fields.Field, value) -> Shown:
    label = _label(field)
    if isinstance(field, fields.Nested) and isinstance(value, dict):
        return Shown(label, kind="section", fields=tuple(_shown_fields(field.schema, value)))
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) \
            and isinstance(value, list):
        return _table(label, field.inner.schema, value)
    if field.metadata.get("widget") == "file":
        return Shown(label, kind="file", text=str(value))
    return Shown(label, text=_text(field, value))


def _table(label: str, schema: Schema, rows: list) -> Shown:
    columns = list(schema.fields.values())
    cells = tuple(tuple(_cell(field, row.get(field.name)) for field in columns)
                  for row in rows if isinstance(row, dict))
    return Shown(label, kind="table", columns=tuple(_label(f) for f in columns), rows=cells)


def _cell(field: fields.Field, value) -> Shown:
    return Shown("") if _empty(value) else _shown(field, value)


def _label(field: fields.Field) -> str:
    return field.metadata.get("label") or field.name or ""


def _text(field: fields.Field, value) -> str:
    choices = dict(field.metadata.get("choices", ()))
    if isinstance(value, (list, dict)):
        return _plain(value, choices)
    if isinstance(field, fields.Date) and isinstance(value, str):  # before DateTime, its base
        return _day(value)
    if isinstance(field, fields.DateTime) and isinstance(value, str):
        return _moment(value)
    text = _number(value) if isinstance(field, fields.Decimal) else _plain(value, choices)
    unit = field.metadata.get("unit")
    return f"{text} {unit}" if unit and unit not in _label(field) else text


def _plain(value, choices: dict | None = None) -> str:
    choices = choices or {}
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_plain(item, choices) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{choices.get(key, key)}：{_plain(item)}" for key, item in value.items())
    return str(choices.get(value, value)) if isinstance(value, str) else str(value)


def _number(value) -> str:
    """Stored decimals keep their places ("120.5000"); show them without trailing zeros."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}" if number.is_finite() else str(value)


def _moment(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return shown_moment(moment)


def _day(value: str) -> str:
    try:
        return shown_day(date.fromisoformat(value))
    except ValueError:
        return value


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}
