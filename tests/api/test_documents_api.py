"""文书、附件与导出 over /api/v1, driven as an integrator would: the offer list and the PDFs
(Chinese file name, ETag, 304), files uploaded to an instance (scope and 评审保密 steps), the
批量导出 job (started, polled while the worker builds it, downloaded) and the lists as Excel —
each refused exactly as the pages refuse it."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import ExportJob
from app.services.documents import documents
from app.services.documents.attachments import store_attachment
from tests.jobs import run_jobs
from tests.services.grant_steps import apply
from tests.web.login import logged_in

PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTSIDERS = ("soc_agri_applicant", "cd_applicant", "my_recommender", "expert_a")


@pytest.fixture
def submitted(world, upload_dir):
    """soc_mfg_applicant's 专家团 application, submitted; its 申报书 frozen by the worker."""
    return apply(world)


def frozen(instance_id: int):
    [stored] = documents.frozen_versions(instance_id, "application")
    return stored


def assert_problem(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM and response.get_json()["code"] == code


# Documents ------------------------------------------------------------------------------------

def test_the_applicant_lists_and_downloads_the_frozen_application(ctx, api, submitted):
    client = api("soc_mfg_applicant")
    instance_id = submitted.instance_id
    stored = frozen(instance_id)
    listing = client.get(f"/api/v1/instances/{instance_id}/documents")
    assert listing.status_code == 200
    [entry] = listing.get_json()
    assert (entry["kind"], entry["title"], entry["label"], entry["version"]) == (
        "application", "项目申报书", "第1版", 1)
    assert (entry["draft"], entry["current"], entry["rendering"], entry["render_failed"]) == (
        False, True, False, False)
    assert entry["sha256"] == stored.sha256 and entry["size"] == stored.size > 10_000
    assert entry["pages"] == stored.pages and datetime.fromisoformat(entry["created_at"]).tzinfo
    assert entry["url"] == f"/api/v1/instances/{instance_id}/documents/{stored.id}"

    for url in (entry["url"], f"/api/v1/instances/{instance_id}/documents/application.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert hashlib.sha256(response.data).hexdigest() == stored.sha256
        assert len(response.data) == entry["size"]
        assert response.headers["ETag"] == f'"{stored.sha256}"'
        disposition = response.headers["Content-Disposition"]
        # 四川省智能制造学会-项目申报书-第1版.pdf, RFC 5987
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E5%9B%9B%E5%B7%9D%E7%9C%81" in disposition
        assert "%E7%AC%AC1%E7%89%88.pdf" in disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        again = client.get(url, headers={"If-None-Match": f'"{stored.sha256}"'})
        assert again.status_code == 304 and not again.data
        changed = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert changed.status_code == 200 and changed.data.startswith(b"%PDF-")


def test_the_old_json_route_answers_what_v1_answers(ctx, api, submitted):
    """One builder serves both: the same facts, each linking to its own API's PDF."""
    instance_id = submitted.instance_id
    v1 = api("soc_mfg_applicant").get(f"/api/v1/instances/{instance_id}/documents").get_json()
    old = logged_in(ctx, "soc_mfg_applicant").get(f"/api/instances/{instance_id}/documents").get_json()
    assert [{**e, "url": None} for e in v1] == [{**e, "url": None} for e in old]
    assert old[0]["url"] == f"/api/instances/{instance_id}/documents/{frozen(instance_id).id}"


def test_before_submission_the_draft_is_offered_and_never_cached(ctx, world, api, upload_dir):
    from app.services.grant.applications import start_application
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                    world["users"]["soc_mfg_applicant"])
    client = api("soc_mfg_applicant")
    [entry] = client.get(f"/api/v1/instances/{application.instance_id}/documents").get_json()
    assert (entry["label"], entry["draft"], entry["sha256"], entry["version"]) == ("草稿", True, None, None)
    assert entry["url"] == f"/api/v1/instances/{application.instance_id}/documents/application.pdf"
    response = client.get(entry["url"])
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "ETag" not in response.headers and "no-store" in response.headers["Cache-Control"]


def test_outsiders_get_404_problems_on_every_document_route(ctx, api, submitted):
    instance_id, stored = submitted.instance_id, frozen(submitted.instance_id)
    urls = [f"/api/v1/instances/{instance_id}/documents",
            f"/api/v1/instances/{instance_id}/documents/application.pdf",
            f"/api/v1/instances/{instance_id}/documents/{stored.id}",
            f"/api/v1/instances/{instance_id}/documents/application.docx",
            f"/api/v1/instances/{instance_id}/attachments"]
    for username in OUTSIDERS:
        client = api(username)
        for url in urls:
            assert_problem(client.get(url), 404, "not_found")
    admin = api("admin")
    for url in ("/api/v1/instances/999999/documents", "/api/v1/instances/999999/documents/1",
                f"/api/v1/instances/{instance_id}/documents/999999",
                f"/api/v1/instances/{instance_id}/documents/nonsense.pdf", "/api/v1/attachments/999999",
                "/api/v1/instances/99999999999999999999/documents", "/api/v1/exports/0"):
        assert_problem(admin.get(url), 404, "not_found")
    assert_problem(ctx.test_client().get(urls[1]), 401, "unauthorized")


def test_a_version_of_another_instance_is_not_served_through_mine(ctx, world, api, submitted):
    other = apply(world, "soc_agri_tech", "soc_agri_applicant")
    foreign = frozen(other.instance_id)
    client = api("soc_mfg_applicant")
    assert_problem(client.get(f"/api/v1/instances/{submitted.instance_id}/documents/{foreign.id}"),
                   404, "not_found")


def test_the_conference_report_for_province_officials_only(ctx, world, api):
    url = f"/api/v1/editions/{world['edition'].id}/report.pdf"
    response = api("sel_innovation").get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "no-store" in response.headers["Cache-Control"]
    for username in ("cd_applicant", "soc_mfg_applicant", "expert_a"):
        assert_problem(api(username).get(url), 403, "forbidden")
    assert_problem(api("admin").get("/api/v1/editions/999999/report.pdf"), 404, "not_found")


# Attachments ----------------------------------------------------------------------------------

def attach(instance, task_name: str, filename: str, user, content: bytes = b"%PDF-1.4\n%invented\n"):
    attachment = store_attachment(instance, task_name, "stamped_copy",
                                  FileStorage(io.BytesIO(content), filename=filename), user,
                                  label="盖章扫描件")
    db.session.commit()
    return attachment


def test_attachments_listed_and_downloaded_as_on_the_page(ctx, world, api, submitted):
    users = world["users"]
    content = b"%PDF-1.4\n% an invented stamped page\n"
    shown = attach(submitted.instance, "submit_application", "盖章页.pdf", users["soc_mfg_applicant"],
                   content)
    # a file of a 评审保密 step: the officers read it, the applicant neither sees nor fetches it
    secret = attach(submitted.instance, "review_application", "评审意见附件.pdf", users["grant_officer"])
    applicant = api("soc_mfg_applicant")
    listing = applicant.get(f"/api/v1/instances/{submitted.instance_id}/attachments")
    assert listing.status_code == 200
    [entry] = listing.get_json()
    assert entry["id"] == shown.id and entry["filename"] == "盖章页.pdf"
    assert (entry["task_name"], entry["task_title"], entry["field"]) == (
        "submit_application", "填报申报书", "stamped_copy")
    assert entry["size"] == len(content) and entry["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry["url"] == f"/api/v1/attachments/{shown.id}"
    download = applicant.get(entry["url"])
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == "application/pdf" and "no-store" in download.headers["Cache-Control"]
    assert "%E7%9B%96%E7%AB%A0%E9%A1%B5.pdf" in download.headers["Content-Disposition"]
    download.close()
    assert_problem(applicant.get(f"/api/v1/attachments/{secret.id}"), 404, "not_found")
    # the page answers the same (one service decides)
    page = logged_in(ctx, "soc_mfg_applicant")
    assert page.get(f"/attachments/{secret.id}").status_code == 404
    assert "评审意见附件.pdf" not in page.get(f"/instances/{submitted.instance_id}").get_data(as_text=True)
    officer = api("grant_officer")
    names = {e["filename"] for e in officer.get(
        f"/api/v1/instances/{submitted.instance_id}/attachments").get_json()}
    assert names == {"盖章页.pdf", "评审意见附件.pdf"}
    fetched = officer.get(f"/api/v1/attachments/{secret.id}")
    assert fetched.status_code == 200
    fetched.close()
    for username in OUTSIDERS:
        assert_problem(api(username).get(f"/api/v1/attachments/{shown.id}"), 404, "not_found")


# 批量导出 --------------------------------------------------------------------------------------

def assert_zip_holds(content: bytes, applications) -> None:
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert {hashlib.sha256(archive.read(name)).hexdigest() for name in pdfs} == {
        frozen(a.instance_id).sha256 for a in applications}
    assert all(archive.read(name).startswith(b"%PDF-") for name in pdfs)
    assert {"manifest.csv", "申报书清单.xlsx"} <= set(archive.namelist())


def test_an_officer_exports_a_calls_submitted_applications(ctx, world, api, upload_dir):
    from app.services.grant.applications import start_application
    call = world["grant_call"]
    submitted = [apply(world), apply(world, "soc_agri_tech", "soc_agri_applicant")]
    start_application(call.id, world["orgs"]["soc_new_materials"].id,
                      world["users"]["soc_mat_applicant"])  # opened, not submitted: not exported
    officer = api("grant_officer")
    calls = officer.get("/api/v1/exports/calls").get_json()
    assert {"id": call.id, "name": call.name, "year": call.year, "submitted": 2} in calls

    started = officer.post("/api/v1/exports", json={"call_id": call.id})
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert started.headers["Location"] == f"/api/v1/exports/{job['id']}"
    assert (job["status"], job["status_label"], job["done"], job["total"], job["percent"]) == (
        "queued", "排队中", 0, 2, 0)
    assert job["download_url"] is None and job["sha256"] is None and job["call_name"] == call.name
    assert_problem(officer.get(f"/api/v1/exports/{job['id']}/download"), 404, "not_found")
    # asking again while it is queued follows the same export
    assert officer.post("/api/v1/exports", json={"call_id": call.id}).get_json()["id"] == job["id"]

    run_jobs()  # the worker
    state = officer.get(started.headers["Location"])
    assert state.status_code == 200 and "no-store" in state.headers["Cache-Control"]
    state = state.get_json()
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("done", 2, 2, 100)
    assert state["download_url"] == f"/api/v1/exports/{job['id']}/download"
    download = officer.get(state["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert hashlib.sha256(download.data).hexdigest() == state["sha256"]
    assert len(download.data) == state["size"] and download.headers["ETag"] == f'"{state["sha256"]}"'
    assert "%E7%94%B3%E6%8A%A5%E4%B9%A6%E6%B1%87%E6%80%BB.zip" in download.headers["Content-Disposition"]
    assert_zip_holds(download.data, submitted)
    assert officer.get(state["download_url"], headers={"If-None-Match": f'"{state["sha256"]}"'}
                       ).status_code == 304
    manifest = officer.get(state["manifest_url"])
    assert manifest.status_code == 200 and manifest.mimetype == XLSX
    rows = list(load_workbook(io.BytesIO(manifest.data)).active.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} == {a.instance.business_key for a in submitted}

    mine = officer.get("/api/v1/exports")
    assert mine.status_code == 200 and 'rel="first"' in mine.headers["Link"]
    assert [j["id"] for j in mine.get_json()["items"]] == [job["id"]] and mine.get_json()["total"] == 1
    # the admin follows it too; nobody else learns it exists
    assert api("admin").get(state["download_url"]).status_code == 200
    for username in ("soc_mfg_applicant", "sel_societies", "expert_a"):
        other = api(username)
        for url in (started.headers["Location"], state["download_url"], state["manifest_url"]):
            assert_problem(other.get(url), 404, "not_found")
        assert other.get("/api/v1/exports").get_json()["items"] == []


def test_a_retried_export_request_is_answered_once(ctx, world, api, upload_dir):
    """With an Idempotency-Key, a retry after the first export finished gets the first
    answer back — not a second export of the call."""
    apply(world)
    officer = api("grant_officer")
    body, key = {"call_id": world["grant_call"].id}, {"Idempotency-Key": "export-7f3c"}
    first = officer.post("/api/v1/exports", json=body, headers=key)
    assert first.status_code == 202
    run_jobs()
    retry = officer.post("/api/v1/exports", json=body, headers=key)
    assert retry.status_code == 202 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json() and retry.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1
    fresh = officer.post("/api/v1/exports", json=body, headers={"Idempotency-Key": "export-8a1d"})
    assert fresh.get_json()["id"] != first.get_json()["id"]  # a new key: a new export
    other_call = officer.post("/api/v1/exports", json={"call_id": 999999}, headers=key)
    assert_problem(other_call, 422, "idempotency_key_reused")


def test_only_officers_of_the_call_may_start_an_export(ctx, world, api, upload_dir):
    apply(world)
    call_id = world["grant_call"].id
    for username in ("soc_mfg_applicant", "sel_innovation"):
        client = api(username)
        assert_problem(client.post("/api/v1/exports", json={"call_id": call_id}), 403, "forbidden")
        assert client.get("/api/v1/exports/calls").get_json() == []
    officer = api("grant_officer")
    assert_problem(officer.post("/api/v1/exports", json={"call_id": 999999}), 404, "not_found")
    invalid = officer.post("/api/v1/exports", json={"call_id": "第一期", "extra": 1})
    assert_problem(invalid, 422, "invalid_input")
    assert invalid.get_json()["errors"]["call_id"] == ["「申报项目」应为整数"]
    assert "extra" in invalid.get_json()["errors"]
    huge = officer.post("/api/v1/exports", json={"call_id": 10**20})
    assert huge.get_json()["errors"]["call_id"] == ["「申报项目」应为1至2147483647之间的整数"]
    missing = officer.post("/api/v1/exports", json={})
    assert missing.get_json()["errors"]["call_id"] == ["「申报项目」为必填项"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0


# The lists as Excel ---------------------------------------------------------------------------

def sheet_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX and "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_inbox_and_instances_as_excel_with_the_pages_filters(ctx, world, api, chengdu_project):
    key = chengdu_project.instance.business_key
    recommender = api("cd_recommender")
    rows = sheet_rows(recommender.get("/api/v1/inbox.xlsx"))
    assert [r["业务编号"] for r in rows] == [key] and isinstance(rows[0]["到达时间"], datetime)
    assert "%E6%88%91%E7%9A%84%E5%BE%85%E5%8A%9E.xlsx" in recommender.get(
        "/api/v1/inbox.xlsx").headers["Content-Disposition"]  # 我的待办.xlsx
    assert len(sheet_rows(recommender.get("/api/v1/inbox.xlsx?process=kechuang_project"))) == 1
    assert sheet_rows(recommender.get("/api/v1/inbox.xlsx?process=expert_team_grant")) == []
    assert key not in {r["业务编号"] for r in sheet_rows(api("my_recommender").get("/api/v1/inbox.xlsx"))}

    applicant = api("cd_applicant")
    mine = sheet_rows(applicant.get("/api/v1/instances.xlsx"))
    assert key in {r["业务编号"] for r in mine}
    assert [r["业务编号"] for r in sheet_rows(applicant.get("/api/v1/instances.xlsx?status=running"))] == [key]
    assert sheet_rows(applicant.get("/api/v1/instances.xlsx?status=completed")) == []
    assert key not in {r["业务编号"] for r in sheet_rows(api("my_applicant").get("/api/v1/instances.xlsx"))}
    refused = applicant.get("/api/v1/instances.xlsx?status=paused&city=成都")
    assert_problem(refused, 422, "invalid_input")
    errors = refused.get_json()["errors"]
    assert "「状态」的取值无效" in errors["query.status"][0] and errors["query.city"] == ["「市州」应为整数"]


def test_the_selection_pool_as_excel_for_its_selectors(ctx, world, api, chengdu_project):
    from tests.factories import recommendation
    from tests.services.steps import complete
    users, orgs, edition = world["users"], world["orgs"], world["edition"]
    edition.selection_departments = {**edition.selection_departments, "admission": "dept_innovation"}
    db.session.commit()
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], chengdu_project.instance, "recommend_project",
             recommendation(users["cd_concierge"].id))
    selector = api("sel_innovation")
    url = f"/api/v1/editions/{edition.id}/selection.xlsx"
    rows = sheet_rows(selector.get(url))
    assert [r["项目名称"] for r in rows] == [chengdu_project.title]
    assert isinstance(rows[0]["推荐时间"], datetime)
    assert sheet_rows(selector.get(f"{url}?city={orgs['city_mianyang'].id}")) == []
    assert_problem(api("cd_applicant").get(url), 403, "forbidden")
    assert_problem(selector.get("/api/v1/editions/999999/selection.xlsx"), 404, "not_found")
    assert_problem(selector.get(f"{url}?sort=price"), 422, "invalid_input")


def test_the_paths_are_in_the_contract_as_files(ctx, world):
    spec = ctx.test_client().get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    media = {
        "/api/v1/instances/{instance_id}/documents/{kind}.pdf": "application/pdf",
        "/api/v1/instances/{instance_id}/documents/{document_id}": "application/pdf",
        "/api/v1/editions/{edition_id}/report.pdf": "application/pdf",
        "/api/v1/exports/{job_id}/download": "application/zip",
        "/api/v1/inbox.xlsx": XLSX, "/api/v1/instances.xlsx": XLSX,
        "/api/v1/editions/{edition_id}/selection.xlsx": XLSX,
    }
    for path, media_type in media.items():
        assert media_type in paths[path]["get"]["responses"]["200"]["content"], path
    assert "post" in paths["/api/v1/exports"] and "get" in paths["/api/v1/exports/{job_id}"]
    assert "/api/v1/instances/{instance_id}/attachments" in paths
    assert "/api/v1/attachments/{attachment_id}" in paths
