"""URL converters. ``<int:…>`` in every route (pages and API) is a database id: at most
2**31 − 1 (PostgreSQL's integer; SQLite refuses anything past 2**63). A larger number matches
no route — a 404, as an id that does not exist — instead of reaching the database."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int(value: str) -> int:
    """``type=`` for a form or query argument that is an id, a count or a page: a number past
    the database's integer is no number at all (ValueError: the argument's default), as a
    malformed one is — never an overflow in the database."""
    number = int(value)
    if not -MAX_ID <= number <= MAX_ID:
        raise ValueError(f"{value!r} is out of range")
    return number
