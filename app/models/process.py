"""Process definitions, instances and their read projections (tasks, timers) and audit trail."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONData, UTCDateTime, trigram_index


class ProcessDefinition(db.Model):
    """One deployed version of a process; the spec is stored once here, not in every save."""
    __tablename__ = "process_definitions"
    # the newest version is current; an earlier content made current again is a new version
    __table_args__ = (sa.UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    spec_json: Mapped[str] = mapped_column(sa.Text, deferred=True)
    sources: Mapped[dict] = mapped_column(JSONData, deferred=True)  # file name → BPMN/DMN XML, for viewers
    serializer_version: Mapped[str] = mapped_column(sa.String(16))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(db.Model):
    """A running or finished process; ``state`` (SpiffWorkflow, spec-less) is the truth."""
    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definitions.id"), index=True)
    process_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    business_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)  # running · completed
    outcome: Mapped[str | None] = mapped_column(sa.String(32))
    current_step: Mapped[str | None] = mapped_column(sa.String(200))
    owner_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # deferred: read only to restore a workflow this worker has not cached (tens of kB per row;
    # a task's joined instance and every list would otherwise carry it)
    state: Mapped[str] = mapped_column(sa.Text, deferred=True)
    serializer_version: Mapped[str] = mapped_column(sa.String(16))
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # read projections written with the state, so pages never restore a workflow
    # (services/shared/progress.py): the diagram's {"completed", "current"} BPMN ids, and
    # once ended the process data its pages show (e.g. ineligible_reasons)
    progress: Mapped[dict | None] = mapped_column(JSONData, deferred=True)
    outcome_data: Mapped[dict | None] = mapped_column(JSONData, deferred=True)
    # the version of its edition's or call's settings it started with (settings_versions.number):
    # the values it reads at the moment of action (services/shared/call_settings.py)
    settings_version: Mapped[int | None]

    definition: Mapped[ProcessDefinition] = relationship()  # many-to-one: identity-map hit

    # the instance list, latest change first, one page at a time (migration 0021); the text
    # search reads the business key and title from the index, not from rows that carry the
    # serialized workflow (0022); on PostgreSQL it finds them in trigram indexes (0024)
    __table_args__ = (sa.Index("ix_process_instances_updated", "updated_at", "id", "business_key", "title"),
                      trigram_index("ix_process_instances_business_key_trgm", "business_key"),
                      trigram_index("ix_process_instances_title_trgm", "title"))

    __mapper_args__ = {"version_id_col": lock_version}


class Task(db.Model):
    """Projection: a ready human task, offered to ``role`` within ``org_id`` (or one user)."""
    __tablename__ = "tasks"
    # the inbox: a (role, org) offer, its kinds, due dates, who holds it and its instance, all in
    # the index — counts, filters and the 遴选 grouping over tens of thousands of a department's
    # tasks never read the table, and a page's tasks are chosen in the inbox's order from the
    # index alone (bench/inbox.py; migrations 0021, 0022). 逾期督办 walks overdue tasks by
    # (due_at, id) and stops at the page. A 科创项目's tasks carry its edition (0023), right
    # after the task name (0025): a department's thousands of 遴选 tasks are counted per
    # edition from this index alone, in its order, with nothing to sort.
    __table_args__ = (sa.Index("ix_tasks_offered", "role", "org_id", "task_name", "edition_id", "due_at",
                               "candidate_user_id", "claimed_by_id", "instance_id", "created_at", "id"),
                      sa.Index("ix_tasks_overdue", "due_at", "id", "role", "org_id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_name: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(32))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    candidate_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the 科创会 edition of a 科创项目's task (its project's, which never changes); None elsewhere
    edition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conference_editions.id"))

    instance: Mapped[ProcessInstance] = relationship(lazy="joined")


class Timer(db.Model):
    """Projection: a waiting timer event with its absolute due time (swept by index)."""
    __tablename__ = "timers"
    # the sweep reads due rows in (due_at, id) order, batch after batch: one index serves both
    __table_args__ = (sa.Index("ix_timers_due", "due_at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    timer_name: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    """Append-only history: who did what to which instance, with the data they entered."""
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # started · completed · timer · message …
    task_name: Mapped[str | None] = mapped_column(sa.String(64))
    task_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)  # who completed it (0027)
    step_before: Mapped[str | None] = mapped_column(sa.String(200))
    step_after: Mapped[str | None] = mapped_column(sa.String(200))
    data: Mapped[dict | None] = mapped_column(JSONData)
