"""The injectable clock: one notion of "now" for services, timers and SpiffWorkflow itself.

SpiffWorkflow reads the time through ``datetime.now(timezone.utc)`` inside its timer module;
we point that module's ``datetime`` at a subclass that asks the clock of the current context,
so tests move time instead of sleeping and every timer decision uses the same instant.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, always timezone-aware UTC."""
    return datetime.now(timezone.utc)


# The ContextVar's own default cannot be changed once created, so it holds a sentinel that
# means "no using_clock() in force here": now() then asks the process-wide default clock.
def _use_default() -> datetime:  # the sentinel; never called
    raise AssertionError("the sentinel clock is never called")


_USE_DEFAULT: Clock = _use_default
_current: contextvars.ContextVar[Clock] = contextvars.ContextVar("grantflow_clock", default=_USE_DEFAULT)
_default_clock: Clock = system_clock


def now() -> datetime:
    """The current instant according to the clock in force (UTC, aware): the one of the
    innermost ``using_clock`` of this context, else the default clock (see set_default_clock)."""
    clock = _current.get()
    return (_default_clock if clock is _USE_DEFAULT else clock)()


def set_default_clock(clock: Clock | None) -> Clock:
    """Make ``clock`` the source of time wherever no ``using_clock`` is in force — in every
    thread, including those a server starts per request (a new thread starts with an empty
    context, so ``using_clock`` in the starting thread does not reach it). ``None`` restores
    the system clock. Returns the previous default so a caller can put it back.

    For a live test server or a demo that must run at a fixed instant; ``using_clock`` still
    wins inside its block."""
    global _default_clock
    previous, _default_clock = _default_clock, clock or system_clock
    return previous


@contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Make ``clock`` the source of time for this context (services, engine, SpiffWorkflow)."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


class FrozenClock:
    """A settable clock for tests, demos and benchmarks: ``clock.advance(days=3)``."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self.at = at.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at = self.at + timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = at.astimezone(timezone.utc)
        return self.at


class ShiftedClock:
    """Real time moved to start at ``start``: a demo that runs "as of" the dates of its data
    (the 3rd 科创会's collection period) while time still passes normally."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs a timezone-aware datetime")
        self.offset = start.astimezone(timezone.utc) - system_clock()

    def __call__(self) -> datetime:
        return system_clock() + self.offset


class _ClockedDatetime(datetime):
    """``datetime`` whose ``now()`` follows the grantflow clock (installed into SpiffWorkflow)."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - mirrors datetime.now
        current = now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


_spiff_timer.datetime = _ClockedDatetime
