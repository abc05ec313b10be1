"""Forms rendered from the forms/ schemas: posted names → nested data, schema → fields to show."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, fields

from forms.registry import data_form, schema_instance
from forms.validators import fmt_number
from workflows.dates import SHANGHAI


INDEX = "__INDEX__"  # the row number inside a table's <template> row, set by forms.js
CONTROL_PREFIX = "_"  # _action and other page controls are not form data
BLANK_ROW_VALUES = ("", "false")  # an untouched row: empty inputs, unticked boxes


def schema_for(form: type[Schema] | str) -> Schema:
    """One shared instance of a form schema, or of a DATA_FORMS form by name (schemas keep no
    state between loads)."""
    return schema_instance(data_form(form) if isinstance(form, str) else form)


# Posted names → nested data ---------------------------------------------------------------

def unflatten(form) -> dict:
    """``team.members.0.name`` → {"team": {"members": [{"name": …}]}}. Row indexes are sorted
    numerically (gaps closed), untouched trailing rows dropped, blank values left out (so the
    schema says what is required) and, for a name sent twice (the hidden "false" before a
    checkbox), the last value wins."""
    root: dict = {}
    for name in form.keys():
        if name == "csrf_token" or name.startswith(CONTROL_PREFIX):
            continue
        _put(root, name.split("."), form.getlist(name)[-1])
    return _finish(root)


def _put(node: dict, parts: list[str], value: str) -> None:
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return  # "a" and "a.b" both sent: keep the first
    if value.strip() and not isinstance(node.get(parts[-1]), dict):
        node[parts[-1]] = value


def _finish(node):
    if not isinstance(node, dict):
        return node
    done = {key: _finish(value) for key, value in node.items()}
    if done and all(key.isdigit() for key in done):
        rows = [done[key] for key in sorted(done, key=int)]
        while rows and _blank(rows[-1]):
            rows.pop()
        return rows
    return done


def _blank(value) -> bool:
    if isinstance(value, dict):
        return all(_blank(item) for item in value.values())
    if isinstance(value, list):
        return all(_blank(item) for item in value)
    return value in BLANK_ROW_VALUES


# Schema → fields to show ------------------------------------------------------------------

@dataclass
class Node:
    """One thing to render: an input, a section (fieldset), a table of rows or a score map."""
    kind: str  # text · textarea · number · date · datetime · checkbox · select · checkboxes ·
    #            file, or a group: map · section · table (see templates/forms/_fields.html)
    path: str
    label: str
    where: str = ""  # the sections and row around it, for the error summary
    help: str | None = None
    required: bool = False
    value: object = ""
    options: list = dc_field(default_factory=list)
    max_chars: int | None = None
    unit: str | None = None
    step: str | None = None
    legend: str | None = None  # a numbered section title carried by a single field
    accept: str = ""
    note: str | None = None  # file: the name of the file already uploaded
    children: list = dc_field(default_factory=list)  # section / map: its fields
    columns: list = dc_field(default_factory=list)  # table: (label, required) per column
    rows: list = dc_field(default_factory=list)  # table: a list of [Node] per row
    template: list = dc_field(default_factory=list)  # table: the empty row forms.js clones
    errors: list = dc_field(default_factory=list)
    locked: bool = False  # carried from an earlier step: shown read-only, posted unchanged

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-")

    @property
    def shown(self) -> str:
        """The value as a person reads it (a choice's label)."""
        return dict(self.options).get(self.value, self.value) if self.options else self.value

    @property
    def chars(self) -> int:
        """字 as forms/validators.py counts them (and forms.js, live)."""
        return len(str(self.value).replace("\r\n", "\n").strip())


@dataclass
class Problem:
    anchor: str | None
    where: str
    message: str


@dataclass
class RenderedForm:
    nodes: list[Node]
    summary: list[Problem]


@dataclass(frozen=True)
class _Context:
    options: dict
    accept: dict
    files: dict
    locked: frozenset = frozenset()


def build(schema: Schema, data: dict | None = None, *, errors: dict | None = None,
          options: dict | None = None, accept: dict | None = None,
          files: dict | None = None, locked=()) -> RenderedForm:
    """The fields of ``schema`` filled from ``data``; ``errors`` (dotted paths) placed beside the
    nearest field shown; ``options``: {path: [(value, label)]} from the server (user ids,
    criteria, a narrowed choice list); ``accept``: {path: accept attribute} for file inputs;
    ``files``: {reference: file name} of files already uploaded; ``locked``: the paths of
    values carried from an earlier step (read-only)."""
    ctx = _Context(options or {}, accept or {}, files or {}, frozenset(locked))
    nodes = _nodes(schema, data if isinstance(data, dict) else {}, "", "", ctx)
    return RenderedForm(nodes, _place(nodes, errors or {}))


def _nodes(schema: Schema, data: dict, prefix: str, where: str, ctx: _Context) -> list[Node]:
    return [_node(field, f"{prefix}{name}", data.get(name), where, ctx)
            for name, field in schema.fields.items()]


def _node(field: fields.Field, path: str, value, where: str, ctx: _Context) -> Node:
    meta = field.metadata
    node = Node("text", path, meta["label"], where=where, help=meta.get("help"),
                required=field.required, unit=meta.get("unit"), legend=meta.get("section_title"))
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return _table(node, field.inner.schema, value, ctx)
    if isinstance(field, fields.Nested):
        inner = f"{where} › {node.label}" if where else node.label
        node.kind, node.children = "section", _nodes(
            field.schema, value if isinstance(value, dict) else {}, f"{path}.", inner, ctx)
        return node
    if isinstance(field, fields.Dict):
        return _map(node, value if isinstance(value, dict) else {}, ctx)
    if isinstance(field, fields.List):
        node.kind, node.options = "checkboxes", _choices(path, meta, ctx) or []
        node.value = [str(item) for item in value] if isinstance(value, list) else []
        return node
    node.value = _text(field, value)
    _set_kind(node, field, meta, ctx)
    node.locked = path in ctx.locked
    return node


def _set_kind(node: Node, field: fields.Field, meta: dict, ctx: _Context) -> None:
    choices = _choices(node.path, meta, ctx)
    if choices is not None:
        node.kind, node.options = "select", _keeping(choices, node.value)
    elif meta.get("widget") == "file":
        node.kind, node.accept, node.note = "file", ctx.accept.get(node.path, ""), \
            ctx.files.get(node.value)
    elif isinstance(field, fields.Boolean):
        node.kind, node.value = "checkbox", node.value in ("true", "True", "on", "1")
    elif isinstance(field, fields.Number):
        node.kind, node.step = "number", "1" if isinstance(field, fields.Integer) else "any"
    elif isinstance(field, fields.DateTime):
        node.kind = "datetime"
    elif isinstance(field, fields.Date):
        node.kind = "date"
    elif meta.get("widget") == "textarea" or meta.get("max_chars", 0) >= 500:
        node.kind, node.max_chars = "textarea", meta.get("max_chars")
    else:
        node.max_chars = meta.get("max_chars")


def _choices(path: str, meta: dict, ctx: _Context) -> list | None:
    found = ctx.options.get(path, meta.get("choices"))
    return None if found is None else [(str(value), label) for value, label in found]


def _keeping(choices: list, value: str) -> list:
    """The options, plus the current value if it is not among them (nothing typed is lost)."""
    if value and value not in {code for code, _ in choices}:
        return [*choices, (value, value)]
    return choices


def _map(node: Node, value: dict, ctx: _Context) -> Node:
    """A score per criterion: one number input per option the server gives."""
    node.kind = "map"
    node.children = [Node("number", f"{node.path}.{code}", label, where=node.label, step="any",
                          required=True, value=_number(value.get(code)))
                     for code, label in ctx.options.get(node.path, [])]
    return node


def _table(node: Node, schema: Schema, value, ctx: _Context) -> Node:
    rows = [row if isinstance(row, dict) else {} for row in value] \
        if isinstance(value, list) else []
    where = f"{node.where} › {node.label}" if node.where else node.label
    node.kind = "table"
    node.columns = [(f.metadata["label"], f.required) for f in schema.fields.values()]
    node.rows = [_nodes(schema, row, f"{node.path}.{i}.", f"{where} 第{i + 1}行", ctx)
                 for i, row in enumerate(rows or [{}])]
    node.template = _nodes(schema, {}, f"{node.path}.{INDEX}.", where, ctx)
    return node


def _plain(value) -> str:
    return "" if value is None else str(value)


def _text(field: fields.Field, value) -> str:
    """A value as an input shows it (what was typed stays as typed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(field, fields.Decimal) and value is not None:
        return _number(value)
    if isinstance(field, fields.DateTime) and value is not None:
        return _local_moment(value)
    return _plain(value)


def _number(value) -> str:
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return fmt_number(number) if number.is_finite() else str(value)


def _local_moment(value) -> str:
    """A stored moment (ISO with offset) as datetime-local wants it, in 北京时间."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%dT%H:%M")


# Errors beside their fields ---------------------------------------------------------------

def _walk(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)
        for row in node.rows:
            yield from _walk(row)


def _place(nodes: list[Node], errors: dict) -> list[Problem]:
    """Attach each message to the field, row or section it names (or the nearest shown
    ancestor); every message is also listed in the summary at the top."""
    shown = {node.path: node for node in _walk(nodes)}
    summary = []
    for path, messages in errors.items():
        node = _nearest(shown, path)
        if node is not None:
            node.errors.extend(messages)
        summary.extend(Problem(node.id if node else None, node.where if node else "", message)
                       for message in messages)
    return summary


def _nearest(shown: dict, path: str) -> Node | None:
    while path:
        if path in shown:
            return shown[path]
        path = path.rpartition(".")[0]
    return None
