"""Readers that never fail: a printed form takes drafts and blank forms as they come — a missing,
malformed or half-typed value becomes an empty cell, never an error."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .filters import as_date


def mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def rows(value) -> list[dict]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def text(value) -> str:
    return "" if value is None else str(value).strip()


def record(value, schema) -> dict:
    """Every field of ``schema``: the stored value or "" (booleans and numbers kept as they are)."""
    value = mapping(value)
    return {name: ("" if value.get(name) is None else value[name])
            for name in schema._declared_fields}


def amount(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def day(value):
    """A date, or "" for a draft's missing or unreadable one."""
    try:
        return as_date(value) or ""
    except (TypeError, ValueError):
        return ""


def paragraphs(value) -> list[str]:
    return [line.strip() for line in text(value).splitlines() if line.strip()]
