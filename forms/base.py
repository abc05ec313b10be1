"""FormSchema: the marshmallow base of every form — Chinese errors, labels required, no unknowns."""
from __future__ import annotations

from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from forms.validators import MaxChars, PlainText

# Messages per field class, first match wins (subclasses before their bases). "{label}" is the
# field's Chinese label; other placeholders are filled by marshmallow.
_COMMON = {
    "null": "「{label}」不能为空",
    "validator_failed": "「{label}」的取值无效",
}
_BY_TYPE: tuple[tuple[type, dict[str, str]], ...] = (
    (fields.String, {"invalid": "「{label}」应为文本", "invalid_utf8": "「{label}」含有无效字符"}),
    (fields.Boolean, {"invalid": "「{label}」应为“是”或“否”"}),
    (fields.Integer, {"invalid": "「{label}」应为整数", "too_large": "「{label}」数值过大"}),
    (fields.Decimal, {"invalid": "「{label}」应为数字", "too_large": "「{label}」数值过大",
                      "special": "「{label}」应为有限的数字"}),
    (fields.DateTime, {"invalid": "「{label}」应为日期时间，如2023-12-20T14:30",
                       "invalid_awareness": "「{label}」应为带时区的日期时间",
                       "format": "「{label}」应为日期时间，如2023-12-20T14:30"}),
    (fields.Date, {"invalid": "「{label}」应为日期，如2024-04-02",
                   "format": "「{label}」应为日期，如2024-04-02"}),
    (fields.List, {"invalid": "「{label}」应为列表"}),
    (fields.Dict, {"invalid": "「{label}」应为键值对象"}),
    (fields.Nested, {"type": "「{label}」应为对象"}),
)

UNKNOWN_FIELD = "未知字段"
# every integer a form takes fits the database's integer (ids, counts, years, scores)
INTEGER_RANGE = (-2**31, 2**31 - 1)
# a text field with no limit of its own (an API argument, a map's key, a code) takes at most
# this many characters: far above any real value, and — published as maxLength — short enough
# that a query string of it stays within a server's request line (64 KB, even %-encoded)
TEXT_CAP = 2_000


class IntegerRange(validate.Range):
    """The database integer's range, added to every integer field of a form (once)."""


def chinese_messages(field: fields.Field, label: str, *, item: bool = False) -> dict[str, str]:
    """The error messages of ``field`` in Chinese, naming ``label``.

    ``item`` is for the inner field of a list or dict: "「评审专家」中的一项应为整数".
    """
    messages = dict(field.error_messages)
    messages.update(_COMMON)
    if field.required:
        messages["required"] = messages["null"] = "「{label}」为必填项"
    for field_type, by_type in _BY_TYPE:
        if isinstance(field, field_type):
            messages.update(by_type)
            break
    named = f"「{label}」中的一项" if item else f"「{label}」"
    return {key: text.replace("「{label}」", named).replace("{label}", label)
            if isinstance(text, str) else text for key, text in messages.items()}


def _clean(value):
    """Strip text, normalise browser line breaks, and treat blank text as not given."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None
    return value


class FormSchema(Schema):
    """Base of every form: each field must carry ``metadata["label"]`` (Chinese)."""

    error_messages = {
        "unknown": UNKNOWN_FIELD,
        "type": "表单数据应为键值对象",
    }

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        label = field_obj.metadata.get("label")
        if not label:
            raise TypeError(f"{type(self).__name__}.{field_name} has no Chinese label")
        field_obj.error_messages = chinese_messages(field_obj, label)
        for inner in _inner_fields(field_obj):
            inner.error_messages = chinese_messages(inner, label, item=True)
        for integer in (field_obj, *_inner_fields(field_obj)):
            if isinstance(integer, fields.Integer) and not any(
                    isinstance(check, IntegerRange) for check in integer.validators):
                integer.validators.append(IntegerRange(*INTEGER_RANGE,
                                                       error=f"「{label}」数值超出范围"))
        multiline = field_obj.metadata.get("widget") == "textarea"
        for text in (field_obj, *_inner_fields(field_obj)):
            if isinstance(text, fields.String):
                _guard_text(text, label, multiline)

    @pre_load
    def _normalize_text(self, data, **kwargs):
        if not isinstance(data, Mapping):
            return data
        return {key: _clean(value) for key, value in data.items()}

    def label(self, name: str) -> str:
        """The Chinese label of field ``name``."""
        return self.fields[name].metadata["label"]

    def require(self, data: dict, names, when: str) -> dict[str, list[str]]:
        """Errors for the fields of ``names`` left empty: "{when}须填写「label」"."""
        return {name: [f"{when}须填写「{self.label(name)}」"]
                for name in names if data.get(name) in (None, [])}

    def handle_error(self, error, data, *, many, **kwargs):
        # Name the unknown key in its message: marshmallow's message is a fixed string.
        messages = error.messages
        if isinstance(messages, dict):
            for key, value in messages.items():
                if value == [UNKNOWN_FIELD]:
                    messages[key] = [f"「{key}」不是本表单的字段（不接受未知字段）"]


def field_label(schema: type[Schema], name: str) -> str:
    """The Chinese label of field ``name`` declared on ``schema``."""
    return schema._declared_fields[name].metadata["label"]


def raise_errors(errors: dict[str, list[str]]) -> None:
    """Raise cross-field errors ({field: [messages]}) from a @validates_schema method."""
    if errors:
        raise ValidationError(errors)


def error_on(field: str, message: str | dict) -> ValidationError:
    """A cross-field error reported on ``field`` (a dict message reaches into its rows)."""
    return ValidationError(message, field_name=field)


def _guard_text(field_obj: fields.String, label: str, multiline: bool) -> None:
    """Every text field refuses control characters (see forms/validators.py) and has a cap."""
    if any(isinstance(check, PlainText) for check in field_obj.validators):
        return
    field_obj.validators.insert(0, PlainText(label, multiline))
    if not any(isinstance(check, MaxChars) or
               (isinstance(check, validate.Length) and check.max is not None)
               for check in field_obj.validators):
        field_obj.validators.append(MaxChars(label, TEXT_CAP))


def _inner_fields(field_obj: fields.Field) -> list[fields.Field]:
    """The item fields of a list, or the key and value fields of a dict."""
    if isinstance(field_obj, fields.List):
        return [field_obj.inner]
    if isinstance(field_obj, fields.Dict):
        return [f for f in (field_obj.key_field, field_obj.value_field) if f is not None]
    return []
