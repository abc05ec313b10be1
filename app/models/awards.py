"""百优/十佳“科服保姆”, 优质科创项目 and 突出贡献单位 (seed 000 §七（一）、（四）): a round per 科创会
edition carries its quotas, dates and score weights as data; nominations and honours are rows."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .calls import ConferenceEdition
from .orgs import Org, User
from .types import JSONData, UTCDateTime


class ConciergeProfile(db.Model):
    """A 科服保姆's kind when it is not the one inferred from their organisation."""
    __tablename__ = "concierge_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # association · professional · society
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AwardRound(db.Model):
    """One edition's 评选: quotas (百优 by kind and unit, 十佳 by kind), the 数据截止 and 报送
    dates, and the weights of the service-record score — all editable by 创发部."""
    __tablename__ = "award_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("conference_editions.id"), unique=True)
    data_cutoff: Mapped[date]
    nomination_deadline: Mapped[date]
    quotas: Mapped[dict] = mapped_column(JSONData)
    weights: Mapped[dict] = mapped_column(JSONData)
    source: Mapped[str] = mapped_column(sa.String(200))  # where the quotas come from
    issued_on: Mapped[date | None]  # the date the lists are issued on (PDF 落款)

    edition: Mapped[ConferenceEdition] = relationship()


class AwardNomination(db.Model):
    """A 科服保姆 on the 百优 (``hundred``) or 十佳 (``top_ten``) list of a round — one row per
    person and round, so nobody is on both lists."""
    __tablename__ = "award_nominations"
    __table_args__ = (sa.UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_rounds.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    honour: Mapped[str] = mapped_column(sa.String(16))   # hundred · top_ten
    kind: Mapped[str] = mapped_column(sa.String(16))     # the kind it counts against
    unit_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))  # the allocation unit
    approved: Mapped[bool] = mapped_column(default=False)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    unit: Mapped[Org] = relationship(lazy="joined")


class QualityProject(db.Model):
    """优质科创项目: a project of the edition the 专家委员会 chose, with its reason."""
    __tablename__ = "award_quality_projects"
    __table_args__ = (sa.UniqueConstraint("round_id", "project_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_rounds.id", ondelete="CASCADE"),
                                          index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    chosen_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContributionUnit(db.Model):
    """突出贡献单位: an organisation 创发部 chose, with its reason."""
    __tablename__ = "award_contribution_units"
    __table_args__ = (sa.UniqueConstraint("round_id", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_rounds.id", ondelete="CASCADE"),
                                          index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    chosen_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    org: Mapped[Org] = relationship(lazy="joined")
