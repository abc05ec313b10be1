"""批量导出 in the services: built by a worker's job with its progress, waiting for 申报书
still being rendered, the manifest safe to open in a spreadsheet, a failed job telling the
officer what went wrong without internals, a dead worker's export built after its lease."""
from __future__ import annotations

import csv
import io
import zipfile
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ExportJob, Job
from app.services.background import jobs
from app.services.background.job_kinds import HANDLERS
from app.services.documents import documents, exports
from app.services.grant.applications import start_application
from tests.factories import application_form
from tests.jobs import job_statuses, run_jobs

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
    run_jobs()  # the submitted 申报书 frozen
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


def officer(world):
    return world["users"]["grant_officer"]


def test_an_export_is_built_by_the_worker_with_its_progress(world, uploads, clock):
    submit(world, "项目甲")
    submit(world, "项目乙", "soc_agri_tech", "soc_agri_applicant")
    export = exports.start_export(world["grant_call"].id, officer(world))
    assert (export.status, export.done, export.total) == ("queued", 0, 2)
    assert exports.start_export(world["grant_call"].id, officer(world)).id == export.id  # one
    assert run_jobs() == 3  # two 申报书 frozen, then the export
    built = db.session.get(ExportJob, export.id)
    assert (built.status, built.done, built.total, built.finished_at) == ("done", 2, 2, clock())
    [job] = db.session.scalars(sa.select(Job).filter_by(kind=exports.JOB_KIND))
    assert (job.progress_done, job.progress_total, job.result["sha256"]) == (2, 2, built.sha256)
    again = exports.start_export(world["grant_call"].id, officer(world))
    assert again.id != export.id  # the first is done: a new export is a new job


def test_an_export_waits_for_a_submission_still_being_rendered(world, uploads, clock):
    submit(world, "项目甲")
    export = exports.start_export(world["grant_call"].id, officer(world))
    only_exports = {exports.JOB_KIND: HANDLERS[exports.JOB_KIND]}
    assert jobs.run_due_jobs(handlers=only_exports) == 1
    [job] = db.session.scalars(sa.select(Job).filter_by(kind=exports.JOB_KIND))
    assert (job.status, job.error) == ("queued", documents.RENDERING)  # retried later
    assert db.session.get(ExportJob, export.id).status == "running"
    clock.advance(minutes=1)
    run_jobs()
    assert db.session.get(ExportJob, export.id).status == "done"


def test_a_failed_job_says_why_without_the_internals(world, uploads, monkeypatch, clock):
    """The officer reads a refusal's own message; anything else is logged, not shown — after
    the retries."""
    export = exports.start_export(world["grant_call"].id, officer(world))

    def broken(*args, **kwargs):
        raise RuntimeError("connection to /var/lib/postgresql/socket refused")
    monkeypatch.setattr(exports, "write_export", broken)
    for _ in range(6):
        run_jobs()
        clock.advance(hours=2)
    db.session.expire_all()
    failed = db.session.get(ExportJob, export.id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert "生成失败" in failed.error and "postgresql" not in failed.error
    assert job_statuses(exports.JOB_KIND) == ["failed"]


def test_an_export_whose_worker_died_is_built_after_the_lease(world, uploads, clock):
    """No reads that commit, no "interrupted" guess: the lease expires, another worker builds it."""
    submit(world, "项目甲")
    run_jobs()
    export = exports.start_export(world["grant_call"].id, officer(world))
    assert jobs.claim_next("worker-killed-by-a-restart").payload == {"export_job_id": export.id}
    assert run_jobs() == 0 and exports.visible_job(export.id, officer(world)).status == "queued"
    clock.advance(seconds=jobs.LEASE.total_seconds() + 1)
    assert run_jobs() == 1
    assert db.session.get(ExportJob, export.id).status == "done"
