"""工作日 on the holiday calendar (data): the 2024 National Day week and its 调休 workdays."""
from __future__ import annotations

from datetime import date, datetime

from app.services.shared.holidays import holiday_calendar
from app.services.grant.ranking import publicity_ends
from tests.conftest import SHANGHAI
from workflows.dates import add_working_days


def test_calendar_is_loaded_from_the_holidays_table(world):
    holidays, workdays = holiday_calendar()
    assert {date(2024, 10, d) for d in range(1, 8)} <= holidays
    assert {date(2024, 9, 29), date(2024, 10, 12)} <= workdays  # a Sunday and a Saturday
    assert date(2024, 9, 29).weekday() == 6 and date(2024, 10, 12).weekday() == 5
    assert date(2025, 1, 28) in holidays and date(2025, 2, 8) in workdays
    assert not holidays & workdays


def test_publicity_period_across_national_day_2024(world, clock):
    """Published Friday 2024-09-27, 5 working days: 9-29 (调休 Sunday) and 9-30 count, 10-01…
    10-07 do not, then 10-08, 10-09, 10-10 — the period ends 2024-10-10 (weekends only would
    give 10-04, inside the holiday)."""
    clock.set(datetime(2024, 9, 27, 10, tzinfo=SHANGHAI))
    assert world["grant_call"].publicity_working_days == 5
    assert publicity_ends(world["grant_call"]) == "2024-10-10T23:59:59.999999+08:00"
    assert add_working_days(date(2024, 9, 27), 5) == date(2024, 10, 4)
    holidays, workdays = holiday_calendar()
    assert add_working_days(date(2024, 9, 27), 7, holidays, workdays) == date(2024, 10, 12)  # 调休 Saturday


def test_seeding_holidays_is_idempotent(world):
    from app.demo.reference import seed_holidays
    assert seed_holidays() == 0
