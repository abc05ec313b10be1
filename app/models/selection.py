"""科创会 遴选 work list: marks a department puts on projects until it publishes, and the
minimums an edition fell short of when its 遴选截止 passed (recorded once)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class SelectionMark(db.Model):
    """One mark: stage "admission" (创发部 admits to the line-up) or "placement" (a department
    puts an admitted project in one of its buckets, roadshows with a sector)."""
    __tablename__ = "selection_marks"
    __table_args__ = (sa.UniqueConstraint("project_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("conference_editions.id"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    stage: Mapped[str] = mapped_column(sa.String(16))
    bucket: Mapped[str | None] = mapped_column(sa.String(32))
    sector: Mapped[str | None] = mapped_column(sa.String(32))
    marked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.String(500))


class SelectionShortfall(db.Model):
    """A minimum (参会项目总数 ≥ overall_min, 专场推介 ≥ roadshow_min) not reached at 遴选截止."""
    __tablename__ = "selection_shortfalls"
    __table_args__ = (sa.UniqueConstraint("edition_id", "minimum"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("conference_editions.id"))
    minimum: Mapped[str] = mapped_column(sa.String(32))
    required: Mapped[int]
    reached: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
