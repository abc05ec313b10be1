"""A later conference edition, as an admin would create it (calls are data)."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import ConferenceEdition


def next_edition(world) -> ConferenceEdition:
    third = world["edition"]
    edition = ConferenceEdition(
        number=4, year=2024, name="第四届科创中国·天府科技云服务大会",
        submit_deadline=date(2025, 12, 15), recommend_deadline=date(2025, 12, 15),
        select_deadline=date(2025, 12, 20), conference_start=date(2026, 1, 15),
        conference_end=date(2026, 1, 16), follow_up_until=date(2026, 12, 31),
        quotas=third.quotas, sectors=third.sectors,
        selection_departments=third.selection_departments)
    db.session.add(edition)
    db.session.commit()
    return edition
