"""A per-process cache of restored workflows, keyed by instance and lock version.

Restoring a workflow is the largest single cost of a step. A worker that handled the last step
of an instance keeps the resulting workflow; if the next step of that instance arrives at the
same worker while the row's lock version is unchanged, it skips deserialization. Correctness
never depends on it: the version in the key changes with every save, an entry is taken out
(not copied) when used, so a failed transaction cannot leave a half-changed workflow behind,
and entries are put back only after a successful commit.
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from ...extensions import db

_PENDING = "grantflow_pending_workflows"


class WorkflowCache:
    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._lock = Lock()

    def take(self, instance):
        with self._lock:
            return self._entries.pop(_key(instance), None)

    def peek(self, instance):
        """The entry, left in place (for reading what the workflow waits for)."""
        with self._lock:
            return self._entries.get(_key(instance))

    def put(self, instance, entry) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[_key(instance)] = entry
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
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
