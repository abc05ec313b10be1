"""Recommended 科创项目 in bulk for the 遴选 tests and bench/quota_board.py: Core-inserted
instance, project, open select_project task and (optionally) mark rows — never driven through
the engine (their state is a placeholder: only real projects get published)."""
from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.extensions import db
from app.models import (ProcessDefinition, ProcessInstance, Project, SelectionMark, Task)
from workflows import clock


def add_recommended(edition, recommender, city, project_type: str, count: int, *,
                    intent: str = "showcase", sector: str | None = None, admitted_by=None,
                    bucket: str | None = None, selector_org=None, title: str = "示例项目") -> list[int]:
    """``count`` projects waiting for 遴选; admitted (and placed in ``bucket``) when
    ``admitted_by`` is given. Returns the project ids."""
    definition_id = db.session.scalar(sa.select(ProcessDefinition.id).filter_by(
        process_key="kechuang_project").limit(1))
    now, keys = clock.now(), [uuid.uuid4().hex for _ in range(count)]
    db.session.execute(sa.insert(ProcessInstance), [
        {"definition_id": definition_id, "process_key": "kechuang_project", "business_key": key,
         "title": f"{title}{i + 1}", "status": "running", "owner_org_id": recommender.id,
         "state": "{}", "serializer_version": "1", "lock_version": 1, "created_at": now,
         "updated_at": now} for i, key in enumerate(keys)])
    ids = dict(db.session.execute(sa.select(ProcessInstance.business_key, ProcessInstance.id)
                                  .where(ProcessInstance.business_key.in_(keys))).all())
    db.session.execute(sa.insert(Project), [
        {"edition_id": edition.id, "instance_id": ids[key], "owner_org_id": recommender.id,
         "recommender_org_id": recommender.id, "city_org_id": city.id if city else None,
         "title": f"{title}{i + 1}", "project_type": project_type, "sector": sector,
         "intent": intent, "details": {}} for i, key in enumerate(keys)])
    db.session.execute(sa.insert(Task), [
        {"id": str(uuid.uuid4()), "instance_id": ids[key], "task_name": "select_project",
         "title": "遴选", "role": "selector", "org_id": (selector_org or recommender).id,
         "edition_id": edition.id, "created_at": now} for key in keys])
    projects = list(db.session.scalars(sa.select(Project.id).where(
        Project.instance_id.in_(ids.values())).order_by(Project.id)))
    if admitted_by is not None:
        _marks(edition, projects, admitted_by, bucket, sector, now)
    db.session.commit()
    return projects


def _marks(edition, projects, user, bucket, sector, now) -> None:
    rows = [{"edition_id": edition.id, "project_id": p, "stage": "admission",
             "marked_by_id": user.id, "marked_at": now} for p in projects]
    if bucket:
        rows += [{"edition_id": edition.id, "project_id": p, "stage": "placement",
                  "bucket": bucket, "sector": sector, "marked_by_id": user.id,
                  "marked_at": now} for p in projects]
    db.session.execute(sa.insert(SelectionMark), rows)
