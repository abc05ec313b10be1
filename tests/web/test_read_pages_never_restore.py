"""Read pages never rebuild a workflow: the instance page, its diagram and its documents come
from the projection and audit rows written at each save (services/shared/progress.py)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.demo.scenario import drive_application, drive_ineligible, drive_project
from app.extensions import db
from app.models import ProcessInstance
from app.services.grant.applications import ineligible_reasons
from app.services.shared import workflow_cache
from app.services.shared.progress import fill_missing_progress
from tests.conftest import SHANGHAI
from workflows import engine

from .login import logged_in

PROJECT_STOPS = ("check_exclusions", "select_project", "follow_up_project", "end")
GRANT_DRIVES = (("end", "soc_new_materials", "soc_mat_applicant"),
                ("issue_approval", "soc_tea_science", "soc_tea_applicant"),
                ("review_application", "soc_drone", "soc_drone_applicant"),
                ("formal_review", "soc_smart_mfg", "soc_mfg_applicant"))


def never_restore(monkeypatch) -> None:
    """From now on, rebuilding any workflow fails the test (restore or the worker's cache)."""
    def refuse(*args, **kwargs):
        raise AssertionError("a read page rebuilt a workflow")
    monkeypatch.setattr(engine, "restore", refuse)
    monkeypatch.setattr(workflow_cache.cache, "take", refuse)


def read_everything(client, instance_id: int) -> dict:
    """GET the instance page, its diagram and its documents (page list and API list)."""
    for url in (f"/instances/{instance_id}", f"/api/instances/{instance_id}/documents",
                "/instances", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(f"/instances/{instance_id}/diagram.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def instances(world, clock, upload_dir) -> dict[str, ProcessInstance]:
    """Instances of both processes standing at several steps, and one ended ineligible. The
    furthest first: moving the clock on fires the timers of every instance already there."""
    found = {}
    for stop, society, applicant in GRANT_DRIVES:
        found[f"grant:{stop}"] = drive_application(world, clock, society, applicant, stop).instance
    found["grant:ineligible"] = drive_ineligible(world, clock, "soc_energy",
                                                 "soc_energy_applicant").instance
    clock.set(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
    for stop in PROJECT_STOPS:
        found[f"project:{stop}"] = drive_project(world, f"读取测试项目{stop}", until=stop).instance
    db.session.commit()
    return found


def test_instance_page_diagram_and_documents_never_rebuild_a_workflow(app, instances, monkeypatch):
    never_restore(monkeypatch)
    client = logged_in(app, "admin")
    for name, instance in instances.items():
        diagram = read_everything(client, instance.id)
        assert diagram["completed"], name
        stop = name.split(":")[1]
        if instance.status == "running":
            assert stop in diagram["current"], (name, diagram["current"])
        assert not set(diagram["completed"]) & set(diagram["current"])


def test_ended_instances_show_where_they_ended(app, instances):
    ended = instances["project:end"], instances["grant:end"], instances["grant:ineligible"]
    for instance in ended:
        diagram = json.loads(logged_in(app, "admin").get(
            f"/instances/{instance.id}/diagram.json").get_data(as_text=True))
        assert diagram["current"] == [] and any(i.startswith("end_") for i in diagram["completed"])


def test_why_an_application_was_ineligible_is_read_without_the_workflow(instances, monkeypatch):
    never_restore(monkeypatch)
    application = instances["grant:ineligible"].application
    assert application.outcome == "ineligible"
    assert ineligible_reasons(application)  # the DMN's reasons, kept when the instance ended
    assert ineligible_reasons(instances["grant:end"].application) == []


def test_instances_saved_before_the_projection_are_filled_once_by_init_db(app, instances):
    saved = {i.id: (i.progress, i.outcome_data) for i in instances.values()}
    forget_progress()
    instance_id = instances["project:select_project"].id
    bare = json.loads(logged_in(app, "admin").get(
        f"/instances/{instance_id}/diagram.json").get_data(as_text=True))
    assert bare["completed"] == bare["current"] == [] and 'id="kechuang_project"' in bare["xml"]
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and f"已补记 {len(saved)} 个流程实例" in result.output
    assert fill_missing_progress() == 0
    assert progress_of_all(saved) == saved
    forget_progress()
    assert fill_missing_progress(batch=3) == len(saved)  # in batches, each its own transaction
    assert progress_of_all(saved) == saved


def forget_progress() -> None:
    """As an instance saved before migration 0008 (SQL NULL, not JSON null)."""
    table = ProcessInstance.__table__
    db.session.execute(sa.update(table).values(progress=sa.null(), outcome_data=sa.null()))
    db.session.commit()


def progress_of_all(saved: dict) -> dict:
    db.session.expire_all()
    return {ident: (db.session.get(ProcessInstance, ident).progress,
                    db.session.get(ProcessInstance, ident).outcome_data) for ident in saved}
