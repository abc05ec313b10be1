"""Calls are data: a 科创会 edition and a grant call carry the deadlines, quotas and targets
that the processes read (an admin creates a new one; no code changes)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONData, Money, UTCDateTime


class ConferenceEdition(db.Model):
    """科创会 edition, e.g. the 3rd (2023): 征集/推荐/遴选 deadlines, quotas, sectors."""
    __tablename__ = "conference_editions"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    year: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    submit_deadline: Mapped[date]
    recommend_deadline: Mapped[date]
    # 县（市、区）科协报送截止 (seed 004): unset → COUNTY_RECOMMEND_LEAD_DAYS before recommend_deadline
    county_recommend_deadline: Mapped[date | None]
    select_deadline: Mapped[date]
    conference_start: Mapped[date]
    conference_end: Mapped[date]
    follow_up_until: Mapped[date]
    quotas: Mapped[dict] = mapped_column(JSONData)
    sectors: Mapped[list] = mapped_column(JSONData)
    selection_departments: Mapped[dict] = mapped_column(JSONData)  # intent → department org code


class GrantCall(db.Model):
    """A grant call (专家团 2024, or a 科技服务团 program): amounts, deadlines, KPI targets."""
    __tablename__ = "grant_calls"
    __table_args__ = (sa.UniqueConstraint("program_code", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    program_code: Mapped[str] = mapped_column(sa.String(64))
    # its kind picks the application form and rules: expert_team (seed 003), service_team and
    # brand_event (seed 001) — forms/call_kinds.py
    kind: Mapped[str] = mapped_column(sa.String(32), default="expert_team",
                                      server_default="expert_team")
    name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    process_key: Mapped[str] = mapped_column(sa.String(64), default="expert_team_grant")
    award_amount_wan: Mapped[Decimal] = mapped_column(Money)
    awards_count: Mapped[int]
    reserve_count: Mapped[int]
    apply_deadline: Mapped[date]
    formal_review_deadline: Mapped[date]
    review_deadline: Mapped[date]
    midterm_at: Mapped[date]
    period_end: Mapped[date]
    evaluation_deadline: Mapped[date]
    publicity_working_days: Mapped[int]
    rectification_months: Mapped[int] = mapped_column(default=1)
    # 补正期限 after a 形式审查 return (工作日): our default, not fixed by seed 003
    correction_working_days: Mapped[int] = mapped_column(default=5, server_default="5")
    # 上年度优秀项目优先: points added to the ranking order (ties also go to 优秀); our default
    excellent_priority_points: Mapped[Decimal] = mapped_column(Money, default=Decimal("1"),
                                                              server_default="1")
    min_reviewers: Mapped[int]
    # trimmed mean: from this many reviewers one highest and one lowest total are dropped; ours
    trim_from_reviewers: Mapped[int] = mapped_column(default=5, server_default="5")
    objective_weight: Mapped[Decimal] = mapped_column(Money)
    review_criteria: Mapped[list] = mapped_column(JSONData)
    kpi_targets: Mapped[list] = mapped_column(JSONData)
    team_rules: Mapped[dict | None] = mapped_column(JSONData)
    # seed 001: 若实现重大技术转移转化并取得重大成效，上述量化实施要求可适当抵减
    reduction_allowed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # the call's values its source document fixes (field names); all others are our settings
    source_fixed: Mapped[list | None] = mapped_column(JSONData)
    managing_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    finance_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))


class SettingsVersion(db.Model):
    """One saved state of an edition's or a call's settings (系统管理 → 届次与申报指南): the
    whole snapshot, who saved it, when and which settings changed. A process instance records
    the version it started with (``settings_version`` in its data) and reads that snapshot at
    the moment of action, so a later edit never changes a running instance."""
    __tablename__ = "settings_versions"
    __table_args__ = (sa.UniqueConstraint("subject", "subject_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(16))  # "edition" | "call"
    subject_id: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSONData)
    changed: Mapped[list] = mapped_column(JSONData)  # Chinese labels of the settings changed
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
