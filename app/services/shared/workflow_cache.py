"""A per-process cache of restored workflows, keyed by instance and lock version.

Restoring a workflow is the largest single cost of a step. A worker that handled the last step
of an instance keeps the resulting workflow; if the next step of that instance arrives at the
same worker while the row's lock version is unchanged, it skips deserialization. Correctness
never depends on it: the version in the key changes with every save, an entry is taken out
(not copied) when used, so a failed transaction cannot leave a half-changed workflow behind,
and entries are put back only after a successful commit.
"""
from __future__ import annotations

from ...extensions import db
from .bounded_cache import BoundedCache

_PENDING = "grantflow_pending_workflows"


class WorkflowCache:
    def __init__(self, capacity: int = 256):
        self._entries = BoundedCache(capacity)

    @property
    def capacity(self) -> int:
        return self._entries.capacity

    @capacity.setter
    def capacity(self, value: int) -> None:
        self._entries.capacity = value

    def take(self, instance):
        return self._entries.pop(_key(instance))

    def peek(self, instance):
        """The entry, left in place (for reading what the workflow waits for)."""
        return self._entries.get(_key(instance))

    def put(self, instance, entry) -> None:
        self._entries.put(_key(instance), entry)

    def clear(self) -> None:
        self._entries.clear()


def _key(instance) -> tuple:
    # the business key (random, unique) guards against a reused row id after deletions
    return instance.id, instance.business_key, instance.lock_version


cache = WorkflowCache()


def remember_after_commit(instance, entry) -> None:
    """Called by save_instance: keep this entry (the workflow and what it waits for) if, and
    when, the transaction commits."""
    db.session.info.setdefault(_PENDING, {})[instance.id] = (instance, entry)


def committed() -> None:
    for instance, entry in db.session.info.pop(_PENDING, {}).values():
        cache.put(instance, entry)


def rolled_back() -> None:
    db.session.info.pop(_PENDING, None)
