"""The demo's generated crowd: projects in every 市州, counted as the summary says, the past
edition within its quotas and run through to its outcomes by the services."""
from __future__ import annotations

import sqlalchemy as sa

from app.demo.crowd import load_crowd
from app.demo.reference import CITIES
from app.extensions import db
from app.models import ConferenceEdition, Project, Task


def test_crowd_fills_every_city_and_counts_as_it_says(world, clock):
    summary = load_crowd(world, clock, per_city=2)

    current = world["edition"]
    past = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=2))
    per_city = dict(db.session.execute(
        sa.select(Project.city_org_id, sa.func.count()).where(Project.edition_id == current.id)
        .group_by(Project.city_org_id)).all())
    assert len(per_city) == len(CITIES) and set(per_city.values()) == {2}
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Task).join(
        Project, Project.instance_id == Task.instance_id).where(
        Project.edition_id == current.id, Task.task_name == "select_project"))
    assert waiting == summary["pool"] > 0

    past_projects = db.session.scalars(sa.select(Project).filter_by(edition_id=past.id)).all()
    assert len(past_projects) == summary["past"] == len(CITIES)
    selected = [p for p in past_projects if p.bucket]
    assert len(selected) == summary["past_selected"]
    assert summary["past_landed"] == sum(p.outcome == "landed" for p in past_projects)
    assert all(p.sign_outcome for p in selected)  # every selected project was pitched and signed or not
    opening = [p for p in selected if p.bucket == "opening"]
    for project_type in {p.project_type for p in opening}:
        assert sum(p.project_type == project_type for p in opening) <= past.quotas["opening_per_type"]
    assert not any(p.bucket == "opening" and p.project_type == "finance_product" for p in selected)
