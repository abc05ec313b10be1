"""Column types that behave the same on SQLite and PostgreSQL: aware UTC times, exact money."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


class UTCDateTime(sa.TypeDecorator):
    """Stores UTC; always returns timezone-aware UTC datetimes (SQLite drops the zone)."""
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Money(sa.TypeDecorator):
    """Exact decimal amounts (万元 with 4 places = 元 precision); never floats."""
    impl = sa.Numeric(14, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(sa.String(32) if dialect.name == "sqlite" else sa.Numeric(14, 4))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal("0.0001"))
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_dumps(value) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False)


JSONData = sa.JSON().with_variant(JSONB(), "postgresql")


def trigram_index(name: str, column: str) -> sa.Index:
    """A trigram index (PostgreSQL's pg_trgm, GIN) on ``column``: what lets LIKE and ILIKE
    '%text%' find their rows without reading the table, for a text of 3 characters or more.
    Written at once (fastupdate off), not gathered in a pending list that every search must
    read through and that made the planner refuse the index until a vacuum (bench/inbox.py:
    14,000 pending rows after filling) — ~0.1 ms more per row written. PostgreSQL only:
    SQLite has no such index (its LIKE reads an index or the table row by row)."""
    return sa.Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
                    postgresql_with={"fastupdate": "off"}).ddl_if(dialect="postgresql")


def for_database(dialect_name: str):
    """Alembic's ``include_object`` when comparing the models with a database of this dialect:
    an index the models declare for another database only (``ddl_if``, e.g. a trigram index
    on SQLite) is not expected there."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None)
        if type_ != "index" or reflected or only is None or only.dialect is None:
            return True
        wanted = (only.dialect,) if isinstance(only.dialect, str) else tuple(only.dialect)
        return dialect_name in wanted
    return include
