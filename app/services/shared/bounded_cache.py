"""A per-process map of at most ``capacity`` entries, the oldest put dropped first, safe across
threads: the workflow cache and the settings-version snapshots keep their entries in one."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock


class BoundedCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable):
        """The entry, left in place, or None."""
        with self._lock:
            return self._entries.get(key)

    def pop(self, key: Hashable):
        """The entry, taken out, or None."""
        with self._lock:
            return self._entries.pop(key, None)

    def put(self, key: Hashable, value) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
