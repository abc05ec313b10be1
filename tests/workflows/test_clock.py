"""workflows/clock.py: one frozen "now" for grantflow and SpiffWorkflow's timers."""
from datetime import datetime, timedelta, timezone

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from workflows import clock
from workflows.clock import FrozenClock, using_clock

from .helpers import shanghai


def test_using_clock_freezes_now_for_grantflow_and_spiff_timers():
    frozen = FrozenClock(shanghai(2023, 12, 15, 23, 59, 59))
    with using_clock(frozen):
        assert clock.now() == shanghai(2023, 12, 15, 23, 59, 59)
        assert spiff_timer.datetime.now(timezone.utc) == shanghai(2023, 12, 15, 23, 59, 59)
        frozen.advance(days=3)
        assert spiff_timer.datetime.now(timezone.utc) == shanghai(2023, 12, 18, 23, 59, 59)


def test_now_is_utc_aware():
    with using_clock(FrozenClock(shanghai(2024, 1, 1, 8, 0))):
        assert clock.now().utcoffset() == timedelta(0)
        assert clock.now() == datetime(2024, 1, 1, 0, 0, tzinfo=timezone.utc)


def test_spiff_naive_now_is_the_frozen_instant_in_local_time():
    frozen = FrozenClock(shanghai(2024, 1, 1, 8, 0))
    with using_clock(frozen):
        naive = spiff_timer.datetime.now()
    assert naive.tzinfo is None
    assert naive == frozen.at.astimezone().replace(tzinfo=None)


def test_nested_clocks_restore_the_outer_one():
    outer, inner = FrozenClock(shanghai(2023, 1, 1)), FrozenClock(shanghai(2030, 1, 1))
    with using_clock(outer):
        with using_clock(inner):
            assert clock.now() == shanghai(2030, 1, 1)
        assert clock.now() == shanghai(2023, 1, 1)
        assert spiff_timer.datetime.now(timezone.utc) == shanghai(2023, 1, 1)


def test_without_a_context_the_clock_is_the_system_clock():
    before = datetime.now(timezone.utc)
    assert before <= clock.now() <= datetime.now(timezone.utc)


def test_frozen_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        FrozenClock(datetime(2024, 1, 1))


def test_frozen_clock_set_moves_to_an_instant():
    frozen = FrozenClock(shanghai(2024, 1, 1))
    frozen.set(shanghai(2024, 6, 1, 12, 0))
    assert frozen() == datetime(2024, 6, 1, 4, 0, tzinfo=timezone.utc)


def test_default_clock_applies_in_other_threads_and_using_clock_still_wins():
    import threading
    frozen, inner = FrozenClock(shanghai(2023, 12, 1, 9, 0)), FrozenClock(shanghai(2030, 1, 1))
    seen = {}
    previous = clock.set_default_clock(frozen)
    try:
        thread = threading.Thread(target=lambda: seen.update(
            grantflow=clock.now(), spiff=spiff_timer.datetime.now(timezone.utc)))
        thread.start()
        thread.join()
        assert seen == {"grantflow": shanghai(2023, 12, 1, 9, 0), "spiff": shanghai(2023, 12, 1, 9, 0)}
        frozen.advance(hours=1)
        assert clock.now() == shanghai(2023, 12, 1, 10, 0)
        with using_clock(inner):
            assert clock.now() == shanghai(2030, 1, 1)
        assert clock.now() == shanghai(2023, 12, 1, 10, 0)
    finally:
        assert clock.set_default_clock(previous) is frozen
    before = datetime.now(timezone.utc)
    assert before <= clock.now() <= datetime.now(timezone.utc)


def test_using_the_system_clock_explicitly_beats_a_frozen_default():
    previous = clock.set_default_clock(FrozenClock(shanghai(2000, 1, 1)))
    try:
        with using_clock(clock.system_clock):
            assert clock.now() > shanghai(2020, 1, 1)
        assert clock.now() == shanghai(2000, 1, 1)
        clock.set_default_clock(None)  # None: back to the system clock
        assert clock.now() > shanghai(2020, 1, 1)
    finally:
        clock.set_default_clock(previous)


def test_shifted_clock_starts_at_the_given_moment_and_runs_on():
    from datetime import datetime, timedelta, timezone
    from workflows.clock import ShiftedClock
    start = datetime(2023, 12, 1, 1, 0, tzinfo=timezone.utc)
    clock = ShiftedClock(start)
    first = clock()
    assert start <= first < start + timedelta(seconds=5)
    assert clock() >= first
