"""Errors a use case can end with; each leaves the database exactly as it was."""
from __future__ import annotations


class ServiceError(Exception):
    """Base: a refused action. ``message`` is Chinese, for the person who tried; ``code`` is
    for a machine (the API's problem documents)."""
    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The thing does not exist — or the user may not know it exists (same answer)."""
    code = "not_found"


class PermissionDenied(ServiceError):
    """The user may see the thing but not do this to it."""
    code = "forbidden"


class Conflict(ServiceError):
    """Someone else changed the instance first, or the step is no longer possible."""
    code = "conflict"


class InvalidInput(ServiceError):
    """Input broke a rule; ``errors`` maps field paths to Chinese messages."""
    code = "invalid_input"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("；".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


class TaskHandled(Conflict):
    """The task was completed meanwhile; ``by`` and ``at`` say who and when, where the person
    may know it (else both are None)."""
    code = "task_handled"

    def __init__(self, message: str, by: str | None = None, at=None):
        super().__init__(message)
        self.by, self.at = by, at
