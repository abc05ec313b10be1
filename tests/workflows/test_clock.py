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
