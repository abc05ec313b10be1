"""Field validators whose errors are Chinese and name the field's label and the rule broken.

Character limits (字) count the characters of the value after stripping surrounding whitespace:
``len(value.strip())`` — every Chinese character, letter, digit, punctuation mark and inner
line break counts as one. FormSchema also turns "\\r\\n" into "\\n" before counting, so a
textarea submitted by a browser is counted as the user saw it.
"""
from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import ValidationError

from forms.choices import Choices


def fmt_number(value) -> str:
    """A number as people write it: 30, 2.5, 0.0001 (no trailing zeros, no exponent)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if text not in ("-0",) else "0"
    return str(value)


def fmt_choices(choices: Choices) -> str:
    """「可选：」 list: "code（中文）" or just the value when code and label are the same."""
    return "、".join(code if code == label else f"{code}（{label}）" for code, label in choices)


class MaxChars:
    """At most ``limit`` 字 (see the module docstring for how they are counted)."""

    def __init__(self, label: str, limit: int):
        self.label, self.limit = label, limit

    def __call__(self, value: str) -> None:
        count = len(value.strip())
        if count > self.limit:
            raise ValidationError(f"「{self.label}」不超过{self.limit}字（当前{count}字）")


class OneOfChoices:
    """The value is one of the codes of ``choices``."""

    def __init__(self, label: str, choices: Choices):
        self.label, self.choices = label, choices
        self.codes = {code for code, _ in choices}

    def __call__(self, value: str) -> None:
        if value not in self.codes:
            raise ValidationError(
                f"「{self.label}」的取值无效，可选：{fmt_choices(self.choices)}")


class Between:
    """``low <= value <= high``, either bound optional; ``low_exclusive``: ``low < value``."""

    def __init__(self, label: str, low=None, high=None, *, low_exclusive: bool = False):
        self.label, self.low, self.high, self.low_exclusive = label, low, high, low_exclusive

    def __call__(self, value) -> None:
        current = f"（当前{fmt_number(value)}）"
        if self.low is not None and self.low_exclusive and value <= self.low:
            raise ValidationError(f"「{self.label}」应大于{fmt_number(self.low)}{current}")
        if self.low is not None and value < self.low:
            raise ValidationError(self._range_message("不能小于", self.low) + current)
        if self.high is not None and value > self.high:
            raise ValidationError(self._range_message("不能大于", self.high) + current)

    def _range_message(self, relation: str, bound) -> str:
        if self.low is not None and self.high is not None and not self.low_exclusive:
            low, high = fmt_number(self.low), fmt_number(self.high)
            return f"「{self.label}」应在{low}至{high}之间"
        return f"「{self.label}」{relation}{fmt_number(bound)}"


class MinItems:
    """A list with at least ``minimum`` rows; ``message`` may use {count} (rows given)."""

    def __init__(self, label: str, minimum: int, message: str | None = None):
        self.minimum = minimum
        self.message = message or f"「{label}」至少填写{minimum}项（当前{{count}}项）"

    def __call__(self, value: list) -> None:
        if len(value) < self.minimum:
            raise ValidationError(self.message.format(count=len(value)))


class MaxItems:
    """A list with at most ``maximum`` rows."""

    def __init__(self, label: str, maximum: int):
        self.label, self.maximum = label, maximum

    def __call__(self, value: list) -> None:
        if len(value) > self.maximum:
            raise ValidationError(f"「{self.label}」最多填写{self.maximum}项（当前{len(value)}项）")


def repeated_items(values: list) -> list:
    """The values that occur more than once, in first-seen order."""
    seen, repeated = set(), []
    for item in values:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


def repeated_message(label: str, repeated: list) -> str:
    return f"「{label}」不能重复：{'、'.join(str(item) for item in repeated)}"


class UniqueItems:
    """No value repeated in a list."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value: list) -> None:
        repeated = repeated_items(value)
        if repeated:
            raise ValidationError(repeated_message(self.label, repeated))


class Pattern:
    """The whole value matches ``regex``; ``hint`` says in Chinese what is expected."""

    def __init__(self, label: str, regex: str, hint: str):
        self.label, self.regex, self.hint = label, re.compile(regex), hint

    def __call__(self, value: str) -> None:
        if not self.regex.fullmatch(value):
            raise ValidationError(f"「{self.label}」格式不正确：{self.hint}")


class IsTrue:
    """A box that must be ticked (承诺)."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value: bool) -> None:
        if value is not True:
            raise ValidationError(f"须勾选「{self.label}」")


# Text as people type it ---------------------------------------------------------------------
# Every text a person or a machine sends is plain text: no NUL (PostgreSQL cannot store it in
# text, and it cuts strings short elsewhere), no other control character (invisible, and a
# way to forge log lines or spreadsheet cells), no lone surrogate (not encodable as UTF-8).
# A multi-line text (a textarea) may hold tabs and line breaks.

LINE_BREAKS = frozenset("\t\n\r")


def _invisible(char: str, multiline: bool) -> bool:
    code = ord(char)
    if code < 32 or 127 <= code < 160:  # C0, DEL, C1 (Unicode's "Cc")
        return not (multiline and char in LINE_BREAKS)
    return False


def text_problem(label: str, value: str, *, multiline: bool = False) -> str | None:
    """The Chinese reason ``value`` is not acceptable as text of the field ``label``, or None."""
    if any(_invisible(char, multiline) for char in value):
        return f"「{label}」含有不可见的控制字符"
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        return f"「{label}」含有无效字符"
    return None


class PlainText:
    """No control character (tab and line breaks allowed when ``multiline``), no surrogate."""

    def __init__(self, label: str, multiline: bool = False):
        self.label, self.multiline = label, multiline

    def __call__(self, value: str) -> None:
        problem = text_problem(self.label, value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
