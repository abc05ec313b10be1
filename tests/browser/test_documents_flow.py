"""文书 through the real pages in chromium: a society's applicant downloads the frozen 项目申报书
of its submitted 专家团 application from the instance page (the bytes are the ones whose
SHA-256 the page and the API show); the call's 项目管理员 (学会部 grant_officer) starts the
batch export, follows the progress bar that app/static/js/export.js moves, and downloads the
zip; an applicant of another society gets the shared 404 page for the same document URLs.

The applications are opened and submitted through app.services (the 申报书 form itself is
tests/browser/test_project_flow.py's kind of work, not what this test is about); their 申报书
are frozen by running the jobs the submissions enqueued, as ``grantflow worker`` would. The
export's worker (a thread standing in for ``grantflow worker``) is held twice — before it
takes the job and after its first 申报书 — so that the page is seen "排队中" as rendered and
then "生成中 1 / 2" as only the script can show it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import zipfile
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo.samples import application_form
from app.extensions import db
from tests.reports import pdf

from .conftest import TIMEOUT_MS
from .pages import assert_not_found, path_of

pytestmark = pytest.mark.browser

CALL_NAME = "2024年度天府科技云专家团“深耕”赋能行动示范项目"
ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": False,
            "notified": False}
HOLD_SECONDS = 60  # a held worker gives up by itself: a failing test never hangs the process


@dataclass(frozen=True)
class Submitted:
    instance_id: int
    society: str
    sha256: str  # of the frozen 申报书, as recorded


def submit_application_by_service(live_server, society_code: str, username: str) -> Submitted:
    """申报资格自查 and 提交申报书 for one society, as its applicant, through app.services."""
    from app.models import GrantCall, Org, User
    from app.services.background.jobs import run_pending_jobs
    from app.services.documents import documents
    from app.services.shared.common import open_task
    from app.services.grant.applications import start_application
    from app.services.steps.instances import complete_task
    with live_server.context():
        call = db.session.scalar(sa.select(GrantCall).filter_by(program_code="expert_team", year=2024))
        society = db.session.scalar(sa.select(Org).filter_by(code=society_code))
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        instance_id = start_application(call.id, society.id, user).instance_id
        for task_name, raw in (("declare_eligibility", ELIGIBLE),
                               ("submit_application", application_form(society.name))):
            complete_task(open_task(instance_id, task_name).id, raw, user)
        run_pending_jobs()  # the worker freezes the submitted 申报书
        [stored] = documents.frozen_versions(instance_id, "application")
        return Submitted(instance_id, society.name, stored.sha256)


def opened_application_by_service(live_server, society_code: str, username: str) -> str:
    """An application opened but never submitted: its business key (not in any export)."""
    from app.models import GrantCall, Org, ProcessInstance, User
    from app.services.grant.applications import start_application
    with live_server.context():
        call = db.session.scalar(sa.select(GrantCall).filter_by(program_code="expert_team", year=2024))
        society = db.session.scalar(sa.select(Org).filter_by(code=society_code))
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        instance_id = start_application(call.id, society.id, user).instance_id
        return db.session.get(ProcessInstance, instance_id).business_key


class HeldWorker:
    """Stands in for ``grantflow worker``: a thread that runs the queued jobs once ``queue_gate``
    is set, and stops an export once its first 申报书 is zipped (progress 1 of n committed)
    until ``first_gate`` is set."""

    def __init__(self, app, monkeypatch):
        from app.services.documents import exports
        self.queue_gate, self.first_gate = threading.Event(), threading.Event()
        self.first_reached = threading.Event()
        original = exports._progress

        def progress(job, export, done, total):
            original(job, export, done, total)  # committed: the job's JSON says done/total now
            if done == 1 and total > 1:
                self.first_reached.set()
                self.first_gate.wait(HOLD_SECONDS)

        monkeypatch.setattr(exports, "_progress", progress)
        self.thread = threading.Thread(target=self._run, args=(app,), daemon=True)
        self.thread.start()

    def _run(self, app) -> None:
        from app.services.background.jobs import run_pending_jobs
        if not self.queue_gate.wait(HOLD_SECONDS):
            return
        with app.app_context():
            try:
                run_pending_jobs()
            finally:
                db.session.remove()

    def release(self) -> None:
        self.queue_gate.set()
        self.first_gate.set()
        self.thread.join(HOLD_SECONDS)


def download(page, link):
    """Click ``link`` and return (bytes, suggested file name) of the download it starts."""
    with page.expect_download(timeout=TIMEOUT_MS) as started:
        link.click()
    downloaded = started.value
    assert downloaded.failure() is None, downloaded.failure()
    with open(downloaded.path(), "rb") as handle:
        return handle.read(), downloaded.suggested_filename


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_documents_download_export_and_stay_hidden_from_other_societies(
        live_server, page_as, artifacts, monkeypatch):
    mine = submit_application_by_service(live_server, "soc_smart_mfg", "soc_mfg_applicant")
    theirs = submit_application_by_service(live_server, "soc_agri_tech", "soc_agri_applicant")
    unsubmitted_key = opened_application_by_service(live_server, "soc_new_materials", "soc_mat_applicant")

    # 1. the applicant downloads the submitted 申报书 from the instance page --------------------
    applicant = page_as("soc_mfg_applicant")
    assert applicant.goto(f"/instances/{mine.instance_id}").status == 200
    section = applicant.locator("section#documents")
    expect(section.locator("h2")).to_have_text("文书")
    row = section.locator("tr[data-kind=application]")
    expect(row).to_have_count(1)  # submitted: the frozen version only, no draft any more
    expect(row).not_to_have_attribute("data-draft", "true")
    expect(row).to_contain_text("项目申报书")
    expect(row).to_contain_text("第1版")
    expect(row).to_contain_text("提交版")
    checksums = section.locator("details.checksums")  # 文件校验码, folded away for who needs it
    expect(checksums.locator("summary")).to_contain_text("文件校验码")
    shown = checksums.locator("li", has_text="项目申报书").locator("code")
    page_sha256 = shown.text_content()
    assert page_sha256 == row.get_attribute("data-sha256") == mine.sha256

    link = row.locator("a.document-link")
    expect(link).to_be_visible()
    document_url = link.get_attribute("href")
    data, filename = download(applicant, link)
    assert data.startswith(b"%PDF-"), data[:20]
    assert filename == f"{mine.society}-项目申报书-第1版.pdf"
    assert sha256(data) == page_sha256
    text = pdf.squeezed(data)
    assert mine.society in text and "草稿" not in text

    listing = applicant.request.get(f"/api/instances/{mine.instance_id}/documents")
    assert listing.status == 200, listing.status
    [entry] = listing.json()
    assert (entry["kind"], entry["version"], entry["draft"], entry["current"]) == ("application", 1, False, True)
    assert entry["sha256"] == sha256(data) and entry["size"] == len(data)

    # 2. the call's 项目管理员 exports every submitted 申报书 -----------------------------------
    officer = page_as("grant_officer")
    assert officer.goto("/exports").status == 200
    with officer.expect_navigation():
        officer.locator("a.export-call-link", has_text=re.compile(f"^{re.escape(CALL_NAME)}$")).click()
    expect(officer.locator("#export-call h2")).to_have_text(CALL_NAME)
    submitted_count = int(officer.locator("#export-call [data-field=submitted]").inner_text())
    assert submitted_count >= 2  # this test's two (others' tests may add theirs to the call)

    worker = HeldWorker(live_server.app, monkeypatch)
    try:
        with officer.expect_navigation():
            officer.locator("#export-call button[type=submit]", has_text="生成申报书汇总").click()
        assert "/exports/" in officer.url, path_of(officer.url)
        card = officer.locator("#export-job")
        bar = card.locator("progress")
        expect(officer.locator(".flash", has_text="已开始生成申报书汇总")).to_be_visible()
        expect(card.locator("[data-field=status]")).to_have_text("排队中")  # as rendered
        expect(bar).to_be_visible()
        expect(card.locator("[data-field=count]")).to_have_text(f"0 / {submitted_count}")
        expect(card.locator("a.export-download")).to_have_count(0)

        worker.queue_gate.set()  # the job starts, and stops after its first 申报书
        assert worker.first_reached.wait(TIMEOUT_MS / 1000), "the export job never zipped its first 申报书"
        percent = 100 * 1 // submitted_count
        # only export.js moves these (the page reloads at the end, not before)
        expect(card.locator("[data-field=status]")).to_have_text("生成中")
        expect(card.locator("[data-field=count]")).to_have_text(f"1 / {submitted_count}")
        expect(card.locator("[data-field=percent]")).to_have_text(f"{percent}%")
        expect(bar).to_have_js_property("value", percent)
        officer.screenshot(path=str(artifacts / "export.png"), full_page=True)

        worker.first_gate.set()  # finish: the script sees "done" and reloads the page
        download_link = card.locator("a.export-download")
        expect(download_link).to_be_visible()
    finally:
        worker.release()
    expect(card.locator("[data-field=status]")).to_have_text("已完成")
    expect(card.locator("[data-field=count]")).to_have_text(f"{submitted_count} / {submitted_count}")
    expect(bar).to_have_js_property("value", 100)
    zip_sha256 = card.locator("code").text_content().strip()  # folded under 文件校验码

    content, zip_filename = download(officer, download_link)
    assert zip_filename == f"{CALL_NAME}-申报书汇总.zip"
    assert sha256(content) == zip_sha256
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    pdfs = [name for name in names if name.endswith(".pdf")]
    assert "manifest.csv" in names and len(pdfs) == submitted_count, names
    digests = {sha256(archive.read(name)): name for name in pdfs}
    assert {mine.sha256, theirs.sha256} <= set(digests), digests
    assert re.fullmatch(rf"\d{{3}}-{mine.society}-.+-第1版\.pdf", digests[mine.sha256]), digests
    assert all(archive.read(name).startswith(b"%PDF-") for name in pdfs)
    assert not any(unsubmitted_key in name for name in names)
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {row["SHA-256"] for row in rows} == set(digests)
    assert {row["文件名"] for row in rows} == set(pdfs)
    by_sha = {row["SHA-256"]: row for row in rows}
    assert by_sha[mine.sha256]["申报单位"] == mine.society
    assert by_sha[theirs.sha256]["申报单位"] == theirs.society
    assert int(by_sha[mine.sha256]["页数"]) >= 1

    # 3. an applicant of another society: the same 404 page as for nothing ------------------
    other = page_as("soc_agri_applicant")
    for url in (document_url, f"/instances/{mine.instance_id}/documents/application.pdf",
                f"/instances/{mine.instance_id}"):
        assert_not_found(other.goto(url), other)
    answer = other.request.get(f"/api/instances/{mine.instance_id}/documents")
    assert answer.status == 404 and answer.json()["code"] == "not_found"
    own = other.request.get(f"/api/instances/{theirs.instance_id}/documents")  # the control
    assert own.status == 200 and own.json()[0]["sha256"] == theirs.sha256
