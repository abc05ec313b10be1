"""批量导出 in the services: the manifest is safe to open in a spreadsheet, a failed job tells
the officer what went wrong without internals, and a job a restart cut off ends as failed."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import ExportJob
from app.services.documents import exports
from app.services.grant.applications import start_application
from tests.factories import application_form
from workflows import clock

from .grant_steps import ELIGIBLE
from .steps import complete
from tests.uploads import use_upload_dir


@pytest.fixture
def uploads(ctx, tmp_path, monkeypatch):
    use_upload_dir(monkeypatch, tmp_path / "uploads")
    return tmp_path / "uploads"


def submit(world, project_name: str, society="soc_smart_mfg", applicant="soc_mfg_applicant"):
    users, name = world["users"], world["orgs"][society].name
    application = start_application(world["grant_call"].id, world["orgs"][society].id, users[applicant])
    complete(users[applicant], application.instance, "declare_eligibility", ELIGIBLE)
    form = application_form(name)
    form["cover"]["project_name"] = project_name
    complete(users[applicant], application.instance, "submit_application", form)
    return application


def manifest(call_id: int) -> list[dict]:
    out = io.BytesIO()
    exports.write_export(call_id, out)
    text = zipfile.ZipFile(out).read(exports.MANIFEST_NAME).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_manifest_cells_never_start_a_spreadsheet_formula(world, uploads):
    """The project name is the applicant's text: in Excel "=HYPERLINK(…)" would run as a formula."""
    formula = '=HYPERLINK("http://example.org/x","点击查看")'
    submit(world, formula)
    submit(world, "+86 申报项目", "soc_agri_tech", "soc_agri_applicant")
    names = [row["项目名称"] for row in manifest(world["grant_call"].id)]
    assert names == ["'" + formula, "'+86 申报项目"]


def queued_job(world, **times) -> ExportJob:
    now = clock.now()
    job = ExportJob(call_id=world["grant_call"].id, requested_by_id=world["users"]["grant_officer"].id,
                    status="queued", done=0, total=1, created_at=now, **times)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_failed_job_says_why_without_the_internals(ctx, world, uploads, monkeypatch):
    """The officer reads a refusal's own message; anything else is logged, not shown."""
    job = queued_job(world)

    def broken(*args, **kwargs):
        raise RuntimeError("connection to /var/lib/postgresql/socket refused")
    monkeypatch.setattr(exports, "write_export", broken)
    exports.run_job(ctx, job.id)
    db.session.expire_all()
    failed = db.session.get(ExportJob, job.id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert "生成失败" in failed.error and "postgresql" not in failed.error


def test_only_a_job_without_a_sign_of_life_for_long_counts_as_cut_off(world):
    officer, now = world["users"]["grant_officer"], clock.now()
    recent = queued_job(world, updated_at=now - exports.STALE_AFTER + timedelta(minutes=1))
    stale = queued_job(world, updated_at=now - exports.STALE_AFTER - timedelta(minutes=1))
    done = queued_job(world, updated_at=now - timedelta(days=3))
    done.status = "done"
    db.session.commit()
    assert exports.visible_job(recent.id, officer).status == "queued"
    assert exports.visible_job(done.id, officer).status == "done"
    assert [job.status for job in exports.recent_jobs(officer)] == ["done", "failed", "queued"]
    assert db.session.get(ExportJob, stale.id).error == exports.INTERRUPTED
