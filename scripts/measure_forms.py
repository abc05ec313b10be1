"""The largest form a person can post: every table at its row limit, every text at its 字
limit in 3-byte characters — the numbers behind MAX_FORM_PARTS / MAX_FORM_MEMORY_SIZE
(app/config.py). Run: python scripts/measure_forms.py"""
from __future__ import annotations

from marshmallow import fields

from forms.base import TEXT_CAP
from forms.fields import MAX_ROWS
from forms.registry import DATA_FORMS
from forms.validators import MaxChars


def largest(schema) -> list[tuple[str, int]]:
    """(name, bytes) of every part a browser posts for ``schema`` filled to its limits."""
    parts: list[tuple[str, int]] = []
    for name, field in schema.fields.items():
        parts.extend(_field(name, field))
    return parts


def _field(path: str, field) -> list[tuple[str, int]]:
    if isinstance(field, fields.Nested):
        return [(f"{path}.{name}", size) for name, size in largest(field.schema)]
    if isinstance(field, fields.List):
        return [part for index in range(MAX_ROWS) for part in _field(f"{path}.{index}", field.inner)]
    if isinstance(field, fields.Boolean):
        return [(path, 5), (path, 4)]  # the hidden "false" and the ticked "true"
    limits = [c.limit for c in getattr(field, "validators", ()) if isinstance(c, MaxChars)]
    if not isinstance(field, fields.String) or not limits or limits[0] == TEXT_CAP:
        return [(path, 50)]  # a number, a date, a code chosen from a list
    return [(path, 3 * limits[0])]


def _measure(schema_class) -> tuple[int, int, int, str]:
    parts = largest(schema_class())
    return (len(parts), sum(size for _, size in parts), max((size for _, size in parts), default=0),
            schema_class.__name__)


def main() -> None:
    from app import create_app
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from app.services.steps.catalog import catalog
        schemas = {s for step in catalog().steps() for s in step.all_forms()} | set(DATA_FORMS.values())
        sizes = sorted((_measure(s) for s in schemas), reverse=True)
    for parts, total, biggest, name in sizes[:8]:
        print(f"{name:32} parts={parts:6} bytes={total:9} largest_field={biggest}")


if __name__ == "__main__":
    main()
