"""Calendar arithmetic for deadlines: Asia/Shanghai dates, calendar months, working days."""
from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")




def shown_moment(moment: datetime | None) -> str:
    """A moment as every page shows it, in 北京时间: "2023年12月15日 23:59" (a naive value is
    read as Shanghai time); "—" for none."""
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return f"{shown_day(moment)} {moment:%H:%M}"


def shown_day(day: date | datetime | None) -> str:
    """A calendar day as every page shows it: "2023年12月15日" (an aware moment's Shanghai day)."""
    if day is None:
        return "—"
    if isinstance(day, datetime) and day.tzinfo is not None:
        day = day.astimezone(SHANGHAI)
    return f"{day.year}年{day.month}月{day.day}日"  # as 公文 write it: no leading zeros


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months; the 31st of January plus one month is the end of February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _calendar.monthrange(year, month)[1]))


def add_months_at(moment: datetime, months: int) -> datetime:
    """A moment plus calendar months, counted on the Shanghai calendar (the notice's date)."""
    local = moment.astimezone(SHANGHAI)
    shifted = add_months(local.date(), months)
    return datetime.combine(shifted, local.timetz()).astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    """The last moment of a Shanghai calendar day (23:59:59.999999), as an aware datetime in
    Shanghai time: a date-only deadline lasts through the whole day and has passed from the next
    00:00 on — with "later than" (``now > end_of_day``), as SpiffWorkflow fires a timer."""
    return datetime.combine(day, time(23, 59, 59, 999999), SHANGHAI)


def deadline_iso(day: date) -> str:
    """A date-only deadline as the ISO string process data carries ("…T23:59:59.999999+08:00")."""
    return end_of_day(day).isoformat()


def moment_iso(moment: datetime) -> str:
    """An aware moment rendered in Shanghai time for process data."""
    if moment.tzinfo is None:
        raise ValueError("deadlines must be timezone-aware")
    return moment.astimezone(SHANGHAI).isoformat()


def parse_moment(value: str) -> datetime:
    """Parse an ISO moment from process data into aware UTC; a naive value is read as Shanghai."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(timezone.utc)


def add_working_days(day: date, days: int, holidays: frozenset[date] = frozenset(),
                     workdays: frozenset[date] = frozenset()) -> date:
    """``day`` plus ``days`` working days (工作日): weekends and ``holidays`` skipped, ``workdays``
    (weekend days made working days, 调休) counted."""
    current, left = day, days
    while left > 0:
        current += timedelta(days=1)
        weekend = current.weekday() >= 5
        if (not weekend or current in workdays) and current not in holidays:
            left -= 1
    return current
