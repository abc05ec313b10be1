"""The instance service itself: optimistic locking, versions of definitions, the audit trail."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, ProcessDefinition
from app.services.shared.definitions import deploy_bundle, latest_definition
from app.services.shared.errors import Conflict
from app.services.kechuang.projects import start_project
from tests.conftest import wipe_data
from tests.factories import submission
from workflows import engine
from workflows.specs import read_bundle

from .steps import complete, open_tasks, snapshot

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture
def project(world):
    orgs, users = world["orgs"], world["users"]
    return start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                         "并发测试项目", "tech_transfer", users["cd_applicant"])


def test_concurrent_change_is_refused_and_changes_nothing(world, project, monkeypatch):
    """Someone else saves the instance between our load and our save: we must not win."""
    original = engine.complete

    def complete_after_someone_else(workflow, task_id, data):
        with db.engine.begin() as other:  # another worker's committed step
            other.execute(sa.text("UPDATE process_instances SET lock_version = lock_version + 1 "
                                  "WHERE id = :id"), {"id": project.instance_id})
        original(workflow, task_id, data)

    monkeypatch.setattr(engine, "complete", complete_after_someone_else)
    before = snapshot(project.instance)
    with pytest.raises(Conflict):
        complete(world["users"]["cd_applicant"], project.instance, "submit_project", submission())
    after = snapshot(project.instance)
    assert after[0] == before[0] and after[2:] == before[2:]  # same state, tasks, timers, audit
    assert after[1] == before[1] + 1  # only the other worker's version bump


def test_changed_model_is_a_new_version_and_running_instances_keep_theirs(world, project):
    first = project.instance.definition
    files = read_bundle(BPMN_DIR)
    files["kechuang_project.bpmn"] = files["kechuang_project.bpmn"].replace(
        'name="推荐"', 'name="推荐（修订）"', 1)
    try:
        deployed = {d.process_key: d for d in deploy_bundle(files)}
        second = deployed["kechuang_project"]
        assert second.version == first.version + 1 and second.id != first.id
        assert deployed["expert_team_grant"].version == 1  # unchanged model: no new version
        assert latest_definition("kechuang_project").id == second.id
        complete(world["users"]["cd_applicant"], project.instance, "submit_project", submission())
        assert project.instance.definition_id == first.id
        assert open_tasks(project.instance) == ["check_exclusions"]
        newer = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                              world["orgs"]["city_chengdu"].id, "新版本上的项目", "tech_transfer",
                              world["users"]["cd_applicant"])
        assert newer.instance.definition_id == second.id
    finally:
        wipe_data()
        db.session.execute(sa.delete(ProcessDefinition).where(ProcessDefinition.version > 1))
        db.session.commit()


def test_every_step_leaves_one_audit_event_with_the_form(world, project):
    complete(world["users"]["cd_applicant"], project.instance, "submit_project", submission())
    events = db.session.scalars(sa.select(AuditEvent).filter_by(instance_id=project.instance_id)
                                .order_by(AuditEvent.id)).all()
    assert [e.kind for e in events] == ["started", "completed"]
    completed = events[-1]
    assert completed.actor_id == world["users"]["cd_applicant"].id
    assert completed.task_name == "submit_project"
    assert completed.data["form"]["platform_listing_id"] == "TFKJY-2023-0001"
    assert (completed.step_before, completed.step_after) == ("提交科创项目", "资格审查")
