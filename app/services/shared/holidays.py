"""The holiday calendar (法定节假日 and 调休上班 days) for counting working days (工作日)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from workflows import clock
from workflows.dates import SHANGHAI, add_working_days

from ...extensions import db
from ...models import Holiday


def holiday_calendar() -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, workdays) from the ``holidays`` table, as ``workflows.dates.add_working_days``
    takes them: days off, and weekend days that are worked (调休)."""
    rows = db.session.execute(sa.select(Holiday.day, Holiday.kind)).all()
    return (frozenset(day for day, kind in rows if kind == "holiday"),
            frozenset(day for day, kind in rows if kind == "workday"))


def working_days_from_today(days: int) -> date:
    """The day ``days`` working days (工作日: weekends and 法定节假日 skipped, 调休 workdays
    counted) after today on the Shanghai calendar."""
    today = clock.now().astimezone(SHANGHAI).date()
    return add_working_days(today, days, *holiday_calendar())
