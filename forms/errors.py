"""FormValidationError: a form's Chinese error messages keyed by field path."""
from __future__ import annotations

from collections.abc import Iterator

SCHEMA_KEY = "_schema"  # errors of the form as a whole (cross-field rules)


class FormValidationError(Exception):
    """Raised by load_task_form; ``errors`` maps a path ("team.members.3.title_level",
    "budget.total_wan", "_schema") to its messages, each naming the field in Chinese."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)

    def __str__(self) -> str:
        lines = [f"{path}：{message}" for path, messages in self.errors.items()
                 for message in messages]
        return f"表单有{len(lines)}处错误：\n" + "\n".join(lines)

    @classmethod
    def from_marshmallow(cls, messages) -> FormValidationError:
        """From marshmallow's nested messages ({"team": {"members": {3: {...}}}})."""
        return cls(flatten_messages(messages))


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages → {dotted path: [messages]}; list indexes are 0-based.

    A nested "_schema" (a section's or a table's own rule) is reported on the section or table
    itself ("budget", "team.members"); only errors of the whole form stay on "_schema".
    """
    flat: dict[str, list[str]] = {}
    for path, message in _walk(messages, prefix):
        flat.setdefault(path, []).append(message)
    return flat


def _walk(messages, prefix: str) -> Iterator[tuple[str, str]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == SCHEMA_KEY and prefix:
                yield from _walk(value, prefix)
            else:
                yield from _walk(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list):
        for item in messages:
            yield from _walk(item, prefix)
    else:
        yield prefix or SCHEMA_KEY, str(messages)
