"""workflows/dates.py: calendar months, Shanghai deadlines, working days (工作日, 调休)."""
from datetime import date, datetime, timezone

import pytest

from workflows.dates import (add_months, add_months_at, add_working_days, deadline_iso,
                             end_of_day, moment_iso, parse_moment)

from .helpers import shanghai

UTC = timezone.utc


@pytest.mark.parametrize("day, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),      # leap year
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),     # over the year end
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2024, 1, 15), -1, date(2023, 12, 15)),
    (date(2024, 1, 15), -13, date(2022, 12, 15)),
    (date(2024, 5, 31), 12, date(2025, 5, 31)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_at_counts_on_the_shanghai_calendar():
    # 2025-01-31T17:00Z is 1 February 01:00 in Shanghai: one month later is 1 March there.
    moved = add_months_at(datetime(2025, 1, 31, 17, 0, tzinfo=UTC), 1)
    assert moved == shanghai(2025, 3, 1, 1, 0)
    assert moved.tzinfo == UTC


def test_add_months_at_is_not_utc_calendar_arithmetic():
    # 30 Jan 17:00Z is 31 Jan in Shanghai → end of February in Shanghai, not 1 March.
    assert add_months_at(datetime(2025, 1, 30, 17, 0, tzinfo=UTC), 1) == shanghai(2025, 2, 28, 1, 0)


def test_a_date_only_deadline_lasts_through_the_whole_shanghai_day():
    assert deadline_iso(date(2023, 12, 15)) == "2023-12-15T23:59:59.999999+08:00"
    end = end_of_day(date(2023, 12, 15))
    assert end == datetime(2023, 12, 15, 15, 59, 59, 999999, tzinfo=UTC)
    assert not shanghai(2023, 12, 15, 23, 59, 59) > end  # the last second still counts
    assert shanghai(2023, 12, 16, 0, 0) > end  # from the next 00:00 on it has passed


def test_moment_iso_renders_in_shanghai_and_refuses_naive():
    assert moment_iso(datetime(2024, 4, 17, 10, 0, tzinfo=UTC)) == "2024-04-17T18:00:00+08:00"
    with pytest.raises(ValueError):
        moment_iso(datetime(2024, 4, 17, 10, 0))


def test_parse_moment_reads_naive_values_as_shanghai():
    assert parse_moment("2023-12-15T23:59:59") == datetime(2023, 12, 15, 15, 59, 59, tzinfo=UTC)


def test_parse_moment_returns_aware_utc():
    parsed = parse_moment("2023-12-15T23:59:59+08:00")
    assert parsed == datetime(2023, 12, 15, 15, 59, 59, tzinfo=UTC) and parsed.tzinfo == UTC


# 2024 National Day: 1–7 October off; Sunday 29 Sept and Saturday 12 Oct are working days (调休).
NATIONAL_DAY = frozenset(date(2024, 10, d) for d in range(1, 8))
MAKE_UP_DAYS = frozenset({date(2024, 9, 29), date(2024, 10, 12)})


def test_working_days_skip_the_weekend():
    assert add_working_days(date(2024, 9, 20), 1) == date(2024, 9, 23)   # Friday → Monday
    assert add_working_days(date(2024, 9, 23), 5) == date(2024, 9, 30)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(date(2024, 9, 21), 0) == date(2024, 9, 21)


@pytest.mark.parametrize("days, expected", [
    (1, date(2024, 9, 29)),    # a Sunday, but a make-up working day
    (2, date(2024, 9, 30)),
    (3, date(2024, 10, 8)),    # the holiday week is skipped
    (6, date(2024, 10, 11)),
    (7, date(2024, 10, 12)),   # a Saturday made a working day
])
def test_working_days_skip_holidays_and_count_make_up_days(days, expected):
    assert add_working_days(date(2024, 9, 27), days, NATIONAL_DAY, MAKE_UP_DAYS) == expected
