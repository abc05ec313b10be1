"""文书 over HTTP (real login, CSRF): the frozen 申报书 downloads byte for byte as recorded in
the audit trail, drafts carry the watermark, outsiders get the 404 of a missing id on every
document route and the API, a submission's 申报书 shows 生成中 until the worker froze it, the
科创会 report is for province officials, and the batch export runs as a job in the worker with
progress only its requester (or an admin) can follow."""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.demo.scenario import load_demo
from app.models import AuditEvent, ExportJob, ProcessInstance, RoleAssignment
from app.services.background import jobs
from app.services.documents import documents
from app.services.grant.applications import start_application
from tests.factories import application_form
from tests.jobs import run_jobs
from tests.reports import pdf
from tests.services.grant_steps import ELIGIBLE, apply
from tests.services.steps import complete

from .login import csrf_token, logged_in

OUTSIDERS = ("soc_agri_applicant", "cd_applicant", "my_recommender", "expert_a", "sel_innovation")


@pytest.fixture
def submitted(world, upload_dir):
    return apply(world)


def frozen_sha256(instance_id: int) -> str:
    event = db.session.scalar(sa.select(AuditEvent).filter_by(
        instance_id=instance_id, kind=documents.FROZEN_EVENT).order_by(AuditEvent.id.desc()).limit(1))
    return event.data["sha256"]


def get_pdf(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    return response


def test_the_submitted_pdf_downloads_exactly_as_recorded(app, submitted):
    instance_id = submitted.instance_id
    recorded = frozen_sha256(instance_id)
    for username in ("soc_mfg_applicant", "grant_officer", "admin"):
        response = get_pdf(logged_in(app, username), f"/instances/{instance_id}/documents/application.pdf")
        assert hashlib.sha256(response.data).hexdigest() == recorded
        assert response.headers["ETag"] == f'"{recorded}"'
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # 四川省智能制造学会-项目申报书-第1版.pdf, RFC 5987
    assert "filename*=UTF-8''%E5%9B%9B%E5%B7%9D%E7%9C%81" in disposition
    assert "%E7%AC%AC1%E7%89%88.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = logged_in(app, "admin").get(f"/instances/{instance_id}/documents/application.pdf",
                                        headers={"If-None-Match": f'"{recorded}"'})
    assert again.status_code == 304 and not again.data
    assert "草稿" not in pdf.squeezed(response.data)


def test_before_submission_the_download_is_a_watermarked_draft(app, world, upload_dir):
    users = world["users"]
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                    users["soc_mfg_applicant"])
    complete(users["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    client = logged_in(app, "soc_mfg_applicant")
    url = f"/instances/{application.instance_id}/documents/application.pdf"
    draft = get_pdf(client, url)
    assert "草稿" in pdf.squeezed(draft.data) and "ETag" not in draft.headers
    assert "no-store" in draft.headers["Cache-Control"]
    assert "%E8%8D%89%E7%A8%BF.pdf" in draft.headers["Content-Disposition"]  # …-草稿.pdf
    html = client.get(f"/instances/{application.instance_id}").get_data(as_text=True)
    section = html.split('id="documents"')[1].split("</section>")[0]
    assert 'data-draft="true"' in section and "草稿" in section
    complete(users["soc_mfg_applicant"], application.instance, "submit_application",
             application_form("四川省智能制造学会"))
    run_jobs()
    final = get_pdf(client, url)
    assert "草稿" not in pdf.squeezed(final.data)
    assert hashlib.sha256(final.data).hexdigest() == frozen_sha256(application.instance_id)


def documents_box(client, instance_id: int) -> str:
    html = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    return html.split('id="documents"')[1].split("</section>")[0]


def test_the_submitted_pdf_shows_rendering_until_the_worker_froze_it(app, world, upload_dir):
    """The submission commits without waiting for the render: the page says 生成中 (no link,
    no download); the worker's job then stores the PDF and writes its SHA-256 to the trail."""
    users = world["users"]
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                    users["soc_mfg_applicant"])
    complete(users["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    complete(users["soc_mfg_applicant"], application.instance, "submit_application",
             application_form("四川省智能制造学会"))
    client = logged_in(app, "grant_officer")
    box = documents_box(client, application.instance_id)
    assert 'data-rendering="true"' in box and "生成中" in box and "document-link" not in box
    url = f"/instances/{application.instance_id}/documents/application.pdf"
    assert client.get(url).status_code == 404
    [entry] = client.get(f"/api/instances/{application.instance_id}/documents").get_json()
    assert (entry["rendering"], entry["render_failed"], entry["version"], entry["url"]) == (
        True, False, 1, None)
    assert run_jobs() == 1
    recorded = frozen_sha256(application.instance_id)
    box = documents_box(client, application.instance_id)
    assert "data-rendering" not in box and f'data-sha256="{recorded}"' in box
    assert hashlib.sha256(get_pdf(client, url).data).hexdigest() == recorded


def test_a_render_that_gave_up_shows_as_failed_on_the_page(app, world, upload_dir, monkeypatch,
                                                          clock):
    users = world["users"]
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                    users["soc_mfg_applicant"])
    complete(users["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    complete(users["soc_mfg_applicant"], application.instance, "submit_application",
             application_form("四川省智能制造学会"))

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")
    monkeypatch.setattr(documents, "render_document", broken)
    for _ in range(6):
        run_jobs()
        clock.advance(hours=2)
    client = logged_in(app, "soc_mfg_applicant")
    box = documents_box(client, application.instance_id)
    assert 'data-render-failed="true"' in box and "生成失败，请联系管理员" in box
    assert "document-link" not in box and "data-draft" not in box
    [entry] = client.get(f"/api/instances/{application.instance_id}/documents").get_json()
    assert (entry["render_failed"], entry["version"], entry["url"]) == (True, 1, None)


def test_instance_page_lists_frozen_versions(app, submitted):
    recorded = frozen_sha256(submitted.instance_id)
    html = logged_in(app, "grant_officer").get(f"/instances/{submitted.instance_id}").get_data(as_text=True)
    section = html.split('id="documents"')[1].split("</section>")[0]
    assert f'data-sha256="{recorded}"' in section and recorded in section  # in 文件校验码's details
    assert "第1版" in section and "提交版" in section and 'data-draft' not in section
    assert "SHA-256" not in html and "文件校验码" in section
    history = html.split('id="history"')[1]
    assert "文书存档" in history and f"文件校验码 {recorded[:12]}" in history


def document_urls(instance_id: int, document_id: int) -> list[str]:
    return [f"/instances/{instance_id}/documents/application.pdf",
            f"/instances/{instance_id}/documents/{document_id}",
            f"/api/instances/{instance_id}/documents",
            f"/api/instances/{instance_id}/documents/application.pdf",
            f"/api/instances/{instance_id}/documents/{document_id}"]


def test_outsiders_get_404_on_every_document_route_and_the_api(app, submitted):
    [stored] = documents.frozen_versions(submitted.instance_id, "application")
    urls = document_urls(submitted.instance_id, stored.id)
    for username in OUTSIDERS:
        client = logged_in(app, username)
        for url in urls:
            assert client.get(url).status_code == 404, (username, url)
    missing = logged_in(app, "admin")
    for url in document_urls(999999, 999999) + [f"/instances/{submitted.instance_id}/documents/999999",
                                                f"/instances/{submitted.instance_id}/documents/nonsense.pdf"]:
        assert missing.get(url).status_code == 404, url


def test_project_sheet_for_the_city_that_handles_it_not_another_city(app, chengdu_project):
    url = f"/instances/{chengdu_project.instance_id}/documents/project_sheet.pdf"
    for username in ("cd_applicant", "cd_recommender", "admin"):
        text = pdf.squeezed(get_pdf(logged_in(app, username), url).data)
        assert "工业机器人视觉引导柔性装配技术" in text, username
    for username in ("my_recommender", "my_applicant", "soc_mfg_applicant"):
        client = logged_in(app, username)
        assert client.get(url).status_code == 404, username
        assert client.get(f"/api/instances/{chengdu_project.instance_id}/documents").status_code == 404


def test_every_kind_of_instance_document_downloads_for_the_demo(app, ctx, upload_dir):
    load_demo()
    admin = logged_in(app, "admin")
    first = {}
    for instance_id in db.session.scalars(sa.select(ProcessInstance.id).order_by(ProcessInstance.id)):
        for entry in admin.get(f"/api/instances/{instance_id}/documents").get_json():
            first.setdefault((entry["kind"], entry["draft"], entry["sha256"] is not None), entry)
    assert set(first) == {("application", True, False), ("application", False, True),
                          ("approval_notice", False, False), ("evaluation_report", False, False),
                          ("project_sheet", False, False), ("agreement", False, False),
                          ("midterm_opinion", False, False), ("refund_notice", False, False)}
    for entry in first.values():
        response = get_pdf(admin, entry["url"])
        assert int(response.headers["X-Document-Pages"]) >= 1
        if entry["sha256"]:
            assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]


def test_a_version_of_another_instance_is_not_served_through_mine(app, world, submitted):
    other = apply(world, "soc_agri_tech", "soc_agri_applicant")
    [foreign] = documents.frozen_versions(other.instance_id, "application")
    client = logged_in(app, "soc_mfg_applicant")
    assert client.get(f"/instances/{submitted.instance_id}/documents/{foreign.id}").status_code == 404


def test_api_lists_documents_with_hash_size_and_url(app, submitted):
    client = logged_in(app, "soc_mfg_applicant")
    listing = client.get(f"/api/instances/{submitted.instance_id}/documents").get_json()
    [entry] = listing
    assert (entry["kind"], entry["title"], entry["version"], entry["draft"]) == ("application", "项目申报书", 1, False)
    assert entry["sha256"] == frozen_sha256(submitted.instance_id) and entry["size"] > 10_000
    response = get_pdf(client, entry["url"])
    assert hashlib.sha256(response.data).hexdigest() == entry["sha256"] and len(response.data) == entry["size"]
    anonymous = app.test_client()
    answer = anonymous.get(f"/api/instances/{submitted.instance_id}/documents")
    assert answer.status_code == 401 and answer.get_json()["code"] == "unauthorized"


def test_conference_report_for_province_officials_only(app, world):
    url = f"/editions/{world['edition'].id}/report.pdf"
    for username in ("admin", "sel_innovation"):
        response = get_pdf(logged_in(app, username), url)
        assert "科创会" in pdf.squeezed(response.data) or "科技云服务大会" in pdf.squeezed(response.data)
    for username in ("cd_applicant", "soc_mfg_applicant", "cd_recommender", "expert_a"):
        client = logged_in(app, username)
        assert client.get(url).status_code == 403, username
        assert client.get(f"/api{url}").status_code == 403, username
        assert "conference-report-link" not in client.get("/instances").get_data(as_text=True)
    assert logged_in(app, "admin").get("/editions/999999/report.pdf").status_code == 404
    assert "conference-report-link" in logged_in(app, "sel_innovation").get("/instances").get_data(as_text=True)


# Batch export ----------------------------------------------------------------------------------

def state_of(client, job_url: str) -> dict:
    return client.get(f"{job_url}.json").get_json()


def wait_for(client, job_url: str, clock=None) -> dict:
    """Run the worker's jobs (with the retries a frozen clock lets come due), then the state."""
    for _ in range(6 if clock is not None else 1):
        run_jobs()
        if clock is not None:
            clock.advance(hours=2)
    return state_of(client, job_url)


def start_export(client, call_id: int):
    page = client.get(f"/calls/{call_id}/export").get_data(as_text=True)
    return client.post(f"/calls/{call_id}/export", data={"csrf_token": csrf_token(page)})


def test_batch_export_zips_exactly_the_submitted_applications(app, world, upload_dir):
    users, call = world["users"], world["grant_call"]
    submitted = [apply(world), apply(world, "soc_agri_tech", "soc_agri_applicant")]
    opened = start_application(call.id, world["orgs"]["soc_new_materials"].id, users["soc_mat_applicant"])
    client = logged_in(app, "grant_officer")
    assert "export-call-link" in client.get("/instances").get_data(as_text=True)
    response = start_export(client, call.id)
    assert response.status_code == 302
    job_url = response.headers["Location"]
    queued = state_of(client, job_url)
    assert (queued["status"], queued["done"], queued["total"], queued["percent"]) == ("queued", 0, 2, 0)
    assert queued["download_url"] is None and client.get(f"{job_url}/download").status_code == 404
    state = wait_for(client, job_url)
    assert state["status"] == "done", state
    assert state["done"] == state["total"] == 2 and state["percent"] == 100
    page = client.get(job_url).get_data(as_text=True)
    assert "<progress" in page and "export-download" in page and 'http-equiv="refresh"' not in page
    download = client.get(state["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert hashlib.sha256(download.data).hexdigest() == state["sha256"]
    assert "%E7%94%B3%E6%8A%A5%E4%B9%A6%E6%B1%87%E6%80%BB.zip" in download.headers["Content-Disposition"]
    assert_zip_holds(download.data, submitted, not_in=opened)
    listing = client.get("/exports").get_data(as_text=True)
    assert f'data-job-id="{state["id"]}"' in listing and world["grant_call"].name in listing


def test_a_running_job_page_refreshes_without_javascript(app, world, upload_dir):
    apply(world)
    client = logged_in(app, "grant_officer")
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in page and "js/export.js" in page
    assert '<progress max="100" value="0"' in page and "0 / 1" in page
    # while it is queued, asking again follows the same export
    assert start_export(client, world["grant_call"].id).headers["Location"] == job_url
    assert wait_for(client, job_url)["status"] == "done"
    page = client.get(job_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and '<progress max="100" value="100"' in page
    fresh_url = start_export(client, world["grant_call"].id).headers["Location"]
    assert fresh_url != job_url


def test_an_export_whose_worker_died_is_finished_by_another_after_its_lease(app, world, upload_dir,
                                                                             clock):
    """A worker killed mid-export leaves the job leased: the page keeps waiting (it reads, it
    never decides the job is dead), and once the lease expires the next worker builds it."""
    apply(world)
    client = logged_in(app, "grant_officer")
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    assert jobs.claim_next("worker-killed-by-a-restart") is not None
    assert run_jobs() == 0 and state_of(client, job_url)["status"] == "queued"
    clock.advance(seconds=jobs.LEASE.total_seconds() + 1)
    state = wait_for(client, job_url)
    assert state["status"] == "done" and state["done"] == state["total"] == 1
    assert client.get(state["download_url"]).status_code == 200


def assert_zip_holds(content: bytes, applications, not_in=None) -> None:
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdfs = sorted(name for name in archive.namelist() if name.endswith(".pdf"))
    assert len(pdfs) == len(applications) and "manifest.csv" in archive.namelist()
    expected = {frozen_sha256(a.instance_id) for a in applications}
    assert {hashlib.sha256(archive.read(name)).hexdigest() for name in pdfs} == expected
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {row["SHA-256"] for row in rows} == expected
    assert {row["文件名"] for row in rows} == set(pdfs)
    assert all(int(row["页数"]) > 1 for row in rows)
    # where each stands, so the panel can tell 形式审查 from 填报申报书 (returned) or 形式审查未通过
    assert {row["当前状态"] for row in rows} == {a.instance.current_step for a in applications}
    if not_in is not None:
        assert not_in.instance.business_key not in "".join(archive.namelist())


def test_only_the_requester_or_an_admin_sees_an_export_job(app, world, upload_dir):
    apply(world)
    client = logged_in(app, "grant_officer")
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    state = wait_for(client, job_url)
    assert state["status"] == "done"
    admin = logged_in(app, "admin")
    assert admin.get(job_url).status_code == 200 and admin.get(state["download_url"]).status_code == 200
    for username in ("soc_mfg_applicant", "sel_societies", "expert_a"):
        other = logged_in(app, username)
        for url in (job_url, f"{job_url}.json", state["download_url"]):
            assert other.get(url).status_code == 404, (username, url)


def test_an_officer_who_left_the_call_no_longer_follows_or_downloads_its_export(app, world, upload_dir):
    """Every download re-checks the scope: the zip holds every 申报书 of the call, so a
    requester who is no longer its 项目管理员 gets the 404 of a missing job."""
    apply(world)
    client = logged_in(app, "grant_officer")
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    state = wait_for(client, job_url)
    assert state["status"] == "done"
    db.session.execute(sa.delete(RoleAssignment).where(
        RoleAssignment.user_id == world["users"]["grant_officer"].id,
        RoleAssignment.role == "grant_officer"))
    db.session.commit()
    for url in (job_url, f"{job_url}.json", state["download_url"]):
        assert client.get(url).status_code == 404, url
    assert f'data-job-id="{state["id"]}"' not in client.get("/exports").get_data(as_text=True)


def test_only_officers_of_the_call_may_start_an_export(app, world, upload_dir):
    apply(world)
    for username in ("soc_mfg_applicant", "sel_innovation"):
        client = logged_in(app, username)
        assert client.get(f"/calls/{world['grant_call'].id}/export").status_code == 403
        token = csrf_token(client.get("/instances").get_data(as_text=True))
        response = client.post(f"/calls/{world['grant_call'].id}/export", data={"csrf_token": token})
        assert response.status_code == 302 and "/exports/" not in response.headers["Location"]
        assert "export-call-link" not in client.get("/instances").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
    officer = logged_in(app, "grant_officer")
    assert officer.post(f"/calls/{world['grant_call'].id}/export").status_code == 400  # no CSRF token


def test_a_failing_export_is_reported_on_its_page(app, world, upload_dir, clock):
    application = apply(world)
    [stored] = documents.frozen_versions(application.instance_id, "application")
    (upload_dir / stored.storage_key).unlink()  # the stored file went missing
    client = logged_in(app, "grant_officer")
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    state = wait_for(client, job_url, clock)  # failed after the retries
    assert state["status"] == "failed" and "生成失败" in state["error"]
    assert "生成失败" in client.get(job_url).get_data(as_text=True)
    assert client.get(f"{job_url}/download").status_code == 404
