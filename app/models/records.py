"""Domain records the processes act on: projects, follow-up rows, applications, KPI entries."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from .calls import ConferenceEdition, GrantCall
from .process import ProcessInstance
from .types import JSONData, Money, UTCDateTime


class Project(db.Model):
    """A 科创项目 in one conference edition (one process instance each)."""
    __tablename__ = "projects"
    # a task's project edition without reading the row (the inbox's 遴选 grouping; 0021);
    # a 市州's instances without reading its projects (the instance list's 市州 filter; 0026)
    __table_args__ = (sa.Index("ix_projects_instance_edition", "instance_id", "edition_id"),
                      sa.Index("ix_projects_city_instance", "city_org_id", "instance_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("conference_editions.id"), index=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"), unique=True)
    owner_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    recommender_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    city_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    project_type: Mapped[str] = mapped_column(sa.String(32))
    sector: Mapped[str | None] = mapped_column(sa.String(32))
    platform_listing_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    intent: Mapped[str | None] = mapped_column(sa.String(32))
    bucket: Mapped[str | None] = mapped_column(sa.String(32))
    sign_outcome: Mapped[str | None] = mapped_column(sa.String(16))
    contract_amount_wan: Mapped[Decimal | None] = mapped_column(Money)
    outcome: Mapped[str | None] = mapped_column(sa.String(32))
    details: Mapped[dict] = mapped_column(JSONData, default=dict)  # the latest submission form

    edition: Mapped[ConferenceEdition] = relationship()
    instance: Mapped[ProcessInstance] = relationship(backref=backref("project", uselist=False))


class FollowUpRecord(db.Model):
    """一单一策: one follow-up visit/action by the concierge (rows, not BPMN loop rounds)."""
    __tablename__ = "follow_up_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    occurred_on: Mapped[date]
    action: Mapped[str] = mapped_column(sa.String(500))
    result: Mapped[str] = mapped_column(sa.String(500))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GrantApplication(db.Model):
    """A society's application to a grant call (one process instance each)."""
    __tablename__ = "grant_applications"
    # a call's applications, and whether its ranking is out (a ranked one: the 公示名单 offered
    # on every instance list page), from the index alone (migration 0027)
    __table_args__ = (sa.UniqueConstraint("call_id", "society_org_id"),
                      sa.Index("ix_grant_applications_call_rank", "call_id", "rank"))
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_calls.id"))
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"), unique=True)
    society_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    form: Mapped[dict | None] = mapped_column(JSONData)  # the 申报书 as last submitted
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expert_score: Mapped[Decimal | None] = mapped_column(Money)
    objective_score: Mapped[Decimal | None] = mapped_column(Money)
    combined_score: Mapped[Decimal | None] = mapped_column(Money)
    rank: Mapped[int | None]
    ranking_result: Mapped[str | None] = mapped_column(sa.String(16))
    funded_amount_wan: Mapped[Decimal | None] = mapped_column(Money)
    excellent: Mapped[bool] = mapped_column(default=False)
    refund_due_wan: Mapped[Decimal | None] = mapped_column(Money)
    refund_paid_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(sa.String(32))
    # KPI targets as 绩效评估 reduced them (可适当抵减): {kpi code: reduced target}
    kpi_reductions: Mapped[dict | None] = mapped_column(JSONData)

    call: Mapped[GrantCall] = relationship()
    instance: Mapped[ProcessInstance] = relationship(backref=backref("application", uselist=False))


class KpiEntry(db.Model):
    """One KPI achievement (e.g. a deal of 120万元) recorded during implementation."""
    __tablename__ = "kpi_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), index=True)
    kpi_code: Mapped[str] = mapped_column(sa.String(64))
    quantity: Mapped[Decimal] = mapped_column(Money)
    occurred_on: Mapped[date]
    description: Mapped[str] = mapped_column(sa.String(500))
    evidence_ref: Mapped[str | None] = mapped_column(sa.String(200))
    platform_ref: Mapped[str | None] = mapped_column(sa.String(100))  # 科创中国平台确认编号
    word_count: Mapped[int | None]  # a written deliverable's 字数 (智库报告 ≥5000字)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
