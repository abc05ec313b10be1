"""Field constructors for forms: each takes the Chinese label first and fills the metadata.

Metadata keys the HTML renderer reads: ``label`` (always), ``help``, ``max_chars``,
``widget`` ("textarea" for long text), ``choices`` ([(code, 中文)]), ``unit`` ("万元").
Optional fields load as None (lists as []) when left out or blank.
"""
from __future__ import annotations

import decimal
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from marshmallow import fields

from forms import validators as v
from forms.choices import Choices

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = r"(?:\+?86[- ]?)?1[3-9]\d{9}"
LANDLINE = r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"
CODE = r"[a-z][a-z0-9_]{0,49}"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"

# A table holds at most this many rows: a 专家团 of 200 members, 200 budget lines — beyond any
# real 申报书, and what the request limits of app/config.py are measured for
MAX_ROWS = 200


class WholeNumber(fields.Integer):
    """An integer that refuses 1.5 instead of truncating it to 1."""

    def _validated(self, value):
        if isinstance(value, (float, decimal.Decimal)) and value != int(value):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class MoneyWan(fields.Decimal):
    """万元 as Decimal with 4 places (精确到元); refuses more precision instead of rounding."""

    default_error_messages = {"too_precise": "「{label}」最多保留4位小数（万元精确到元）"}

    def __init__(self, **kwargs):
        super().__init__(places=4, **kwargs)

    def _format_num(self, value):
        num = decimal.Decimal(str(value))
        if num.is_finite() and num != num.quantize(self.places, rounding=decimal.ROUND_DOWN):
            raise self.make_error("too_precise")
        return super()._format_num(value)


class Section(fields.Nested):
    """A nested form whose "not an object" error names this field, not the nested form."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, Mapping):
            raise self.make_error("type")
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


def _meta(label: str, help: str | None, **extra) -> dict:
    meta = {"label": label, **extra}
    if help:
        meta["help"] = help
    return meta


def _presence(required: bool, empty=None) -> dict:
    """Field kwargs: required, or optional loading as ``empty``."""
    return {"required": True} if required else {"load_default": empty}


def text(label: str, max_chars: int = 100, *, required: bool = True,
         help: str | None = None, **extra) -> fields.String:
    """A text of at most ``max_chars`` 字; a textarea when more than 200 are allowed."""
    if max_chars > 200:
        extra.setdefault("widget", "textarea")
    return fields.String(validate=v.MaxChars(label, max_chars), **_presence(required),
                         metadata=_meta(label, help, max_chars=max_chars, **extra))


def long_text(label: str, max_chars: int = 2000, **kwargs) -> fields.String:
    """A textarea of at most ``max_chars`` 字 (2000 by default)."""
    return text(label, max_chars, widget="textarea", **kwargs)


def pattern_text(label: str, regex: str, hint: str, *, required: bool = True,
                 help: str | None = None, max_chars: int = 50) -> fields.String:
    """A short text matching ``regex``; ``hint`` says what is expected."""
    checks = [v.MaxChars(label, max_chars), v.Pattern(label, regex, hint)]
    return fields.String(validate=checks, **_presence(required),
                         metadata=_meta(label, help or hint, max_chars=max_chars))


def phone(label: str, *, required: bool = True) -> fields.String:
    """A mainland mobile (13800000000) or landline with area code (028-85551234)."""
    hint = "应为11位手机号或带区号的固定电话，如028-85551234"
    return pattern_text(label, f"{MOBILE}|{LANDLINE}", hint, required=required)


def mobile(label: str, *, required: bool = True) -> fields.String:
    """A mainland mobile number."""
    return pattern_text(label, MOBILE, "应为11位手机号", required=required)


def landline(label: str, *, required: bool = True) -> fields.String:
    """A landline (fax) with area code."""
    return pattern_text(label, LANDLINE, "应为带区号的号码，如028-85551234", required=required)


def code(label: str, *, help: str | None = None) -> fields.String:
    """A machine code: lower-case letters, digits, underscores."""
    return pattern_text(label, CODE, "只能包含小写字母、数字和下划线，且以字母开头", help=help)


def email(label: str, *, required: bool = True) -> fields.String:
    """An e-mail address (checked loosely: something@domain.tld)."""
    return pattern_text(label, EMAIL, "应为有效的电子邮箱地址，如name@example.org",
                        required=required, max_chars=100)


def material_ref(label: str, *, help: str | None = None) -> fields.String:
    """An optional reference to an uploaded file (the upload itself is handled elsewhere)."""
    return fields.String(validate=v.MaxChars(label, 255), load_default=None,
                         metadata=_meta(label, help, widget="file"))


def choice(label: str, choices: Choices, *, required: bool = True,
           help: str | None = None) -> fields.String:
    """One code of ``choices``."""
    return fields.String(validate=v.OneOfChoices(label, choices), **_presence(required),
                         metadata=_meta(label, help, choices=list(choices)))


def choice_list(label: str, choices: Choices, *, help: str | None = None,
                min_items: int = 0) -> fields.List:
    """Several distinct codes of ``choices``."""
    checks = [v.UniqueItems(label)] + ([v.MinItems(label, min_items)] if min_items else [])
    inner = fields.String(validate=v.OneOfChoices(label, choices))
    return fields.List(inner, validate=checks, **_presence(min_items > 0, list),
                       metadata=_meta(label, help, choices=list(choices), widget="checkboxes"))


def whole(label: str, *, low: int | None = None, high: int | None = None,
          required: bool = True, help: str | None = None) -> fields.Integer:
    """An integer within [low, high]."""
    return WholeNumber(validate=v.Between(label, low, high), **_presence(required),
                       metadata=_meta(label, help))


def id_list(label: str, *, help: str | None = None, min_items: int = 1,
            required: bool = True) -> fields.List:
    """Distinct user ids (positive integers); optional ones load as an empty list."""
    checks = [v.UniqueItems(label), v.MinItems(label, min_items), v.MaxItems(label, MAX_ROWS)]
    presence = {"required": True} if required else {"load_default": list}
    return fields.List(WholeNumber(validate=v.Between(label, 1)), validate=checks,
                       **presence, metadata=_meta(label, help))


def number(label: str, *, low=None, high=None, low_exclusive: bool = False,
           required: bool = True, help: str | None = None) -> fields.Decimal:
    """A Decimal (never float) within the bounds."""
    check = v.Between(label, low, high, low_exclusive=low_exclusive)
    return fields.Decimal(validate=check, **_presence(required), metadata=_meta(label, help))


def number_map(label: str, *, low=None, high=None, help: str | None = None,
               required: bool = True) -> fields.Dict:
    """A mapping code → Decimal (e.g. scores per criterion); optional ones load as {}."""
    values = fields.Decimal(validate=v.Between(label, low, high))
    return fields.Dict(keys=fields.String(), values=values, **_presence(required, dict),
                       metadata=_meta(label, help, widget="number_map"))


def code_map(label: str, key_choices: Choices, *, help: str | None = None) -> fields.Dict:
    """A mapping from a code of ``key_choices`` to a short code (e.g. intent → department)."""
    keys = fields.String(validate=v.OneOfChoices(label, key_choices))
    values = fields.String(validate=v.MaxChars(label, 50))
    return fields.Dict(keys=keys, values=values, required=True,
                       metadata=_meta(label, help, choices=list(key_choices)))


def money_wan(label: str, *, positive: bool = False, required: bool = True,
              help: str | None = None) -> fields.Decimal:
    """万元: Decimal with 4 places, >= 0 (> 0 when ``positive``)."""
    check = v.Between(label, decimal.Decimal(0), low_exclusive=positive)
    return MoneyWan(validate=check, **_presence(required), metadata=_meta(label, help, unit="万元"))


def day(label: str, *, required: bool = True, help: str | None = None) -> fields.Date:
    """A calendar date (ISO: 2024-04-02)."""
    return fields.Date(**_presence(required), metadata=_meta(label, help))


def moment(label: str, *, required: bool = True, help: str | None = None) -> fields.DateTime:
    """A date and time; without an offset it is taken as Beijing time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, **_presence(required),
                                metadata=_meta(label, help))


def flag(label: str, *, required: bool = True, help: str | None = None) -> fields.Boolean:
    """Yes/no; optional flags default to False (an unticked checkbox is not sent)."""
    return fields.Boolean(**_presence(required, False), metadata=_meta(label, help))


def must_be_true(label: str, *, help: str | None = None) -> fields.Boolean:
    """A box that must be ticked."""
    return fields.Boolean(required=True, validate=v.IsTrue(label), metadata=_meta(label, help))


def section(schema: type, label: str, *, required: bool = True,
            help: str | None = None) -> fields.Nested:
    """A nested group of fields rendered as one section."""
    return Section(schema, **_presence(required), metadata=_meta(label, help))


def rows(schema: type, label: str, *, min_items: int = 0, message: str | None = None,
         help: str | None = None, max_items: int = MAX_ROWS) -> fields.List:
    """A table: a list of ``schema`` rows, at least ``min_items`` and at most ``max_items``."""
    checks = [v.MinItems(label, min_items, message)] if min_items else []
    checks.append(v.MaxItems(label, max_items))
    return fields.List(Section(schema), validate=checks, **_presence(min_items > 0, list),
                       metadata=_meta(label, help, widget="table"))
