"""届次与申报指南 over the API, as an integrator drives it: read a call's settings, change its
deadline with PUT (a new settings version; a running application keeps the version it started
with), If-Match against a newer version (412), invalid settings (422 in Chinese per field,
nothing saved), the 项目管理员's own call only, editions for admins only."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ConferenceEdition, GrantCall, ProcessInstance
from app.models.calls import SettingsVersion
from app.services.grant.applications import start_application
from app.services.shared import call_settings as cs
from tests.web.test_settings_pages import submitted_project


def fresh():
    db.session.rollback()
    db.session.expire_all()


def versions(subject: str, subject_id: int) -> list[int]:
    fresh()
    return list(db.session.scalars(sa.select(SettingsVersion.number).filter_by(
        subject=subject, subject_id=subject_id).order_by(SettingsVersion.number)))


def test_editing_a_calls_deadline_saves_a_version_and_a_running_application_keeps_its_own(ctx, world, api):
    users, call = world["users"], world["grant_call"]
    before = start_application(call.id, world["orgs"]["soc_smart_mfg"].id, users["soc_mfg_applicant"])
    officer = api("grant_officer")  # the 项目管理员 of the call's managing department
    read = officer.get(f"/api/v1/calls/{call.id}")
    assert read.status_code == 200
    body = read.get_json()
    assert body["version"] == 1 and [v["number"] for v in body["versions"]] == [1]
    assert body["versions"][0]["running"] == 1
    old_deadline = body["settings"]["apply_deadline"]
    labels = [m["label"] for m in body["timeline"]]
    assert labels[0] == "申报截止" and body["timeline"][0]["day"] == old_deadline

    settings = {**body["settings"], "apply_deadline": "2024-04-05"}
    saved = officer.put(f"/api/v1/calls/{call.id}", json=settings, headers={"If-Match": read.headers["ETag"]})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["version"] == 2 and "已保存为第2版" in saved.get_json()["message"]
    assert saved.get_json()["timeline"][0]["day"] == "2024-04-05"
    assert saved.headers["ETag"] != read.headers["ETag"]
    history = officer.get(f"/api/v1/calls/{call.id}/versions").get_json()
    assert [(v["number"], v["changed"], v["running"]) for v in history] == [
        (2, ["申报截止日期"], 0), (1, ["初始设置"], 1)]
    assert history[0]["saved_by"] == users["grant_officer"].display_name
    assert versions(cs.CALL, call.id) == [1, 2]

    fresh()
    kept = db.session.get(ProcessInstance, before.instance_id)
    assert kept.settings_version == 1
    assert str(cs.call_settings(kept).apply_deadline) == old_deadline  # it keeps the old deadline
    after = start_application(call.id, world["orgs"]["soc_agri_tech"].id, users["soc_agri_applicant"])
    assert db.session.get(ProcessInstance, after.instance_id).settings_version == 2

    unchanged = officer.put(f"/api/v1/calls/{call.id}", json=settings)
    assert unchanged.get_json()["message"] == "设置没有变化，未保存新版本。"
    stale = officer.put(f"/api/v1/calls/{call.id}", json={**settings, "name": "改名"},
                        headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    assert versions(cs.CALL, call.id) == [1, 2]
    assert db.session.get(GrantCall, call.id).name != "改名"


def test_invalid_settings_are_422_in_chinese_per_field_and_nothing_is_saved(ctx, world, api):
    admin = api("admin")
    edition = world["edition"]
    current = admin.get(f"/api/v1/editions/{edition.id}").get_json()
    bad = {**current["settings"], "name": "改过的名称", "select_deadline": "2020-01-01",
           "quotas": {**current["settings"]["quotas"], "roadshow_min": 200}}
    refused = admin.put(f"/api/v1/editions/{edition.id}", json=bad)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    errors = refused.get_json()["errors"]
    assert any("「遴选截止日期」" in m for m in errors["select_deadline"])
    assert "「专场推介项目数上限」不能小于「专场推介项目数下限」" in [m for ms in errors.values() for m in ms]
    fresh()
    assert db.session.get(ConferenceEdition, edition.id).name == current["name"]
    assert versions(cs.EDITION, edition.id) == [v["number"] for v in current["versions"]][::-1]

    new_call = {**admin.get(f"/api/v1/calls/{world['grant_call'].id}").get_json()["settings"], "year": 2031}
    no_department = admin.post("/api/v1/calls", json=new_call)
    assert no_department.status_code == 422
    assert no_department.get_json()["errors"] == {"managing_org_id": ["「管理部门」须为您可管理的省科协部门"]}
    typo = admin.post("/api/v1/calls", json={**new_call, "apply_deadline": "明天",
                                            "managing_org_id": world["orgs"]["dept_societies"].id})
    assert typo.get_json()["errors"]["apply_deadline"] == ["「申报截止日期」应为日期，如2024-04-02"]
    fresh()
    assert db.session.scalar(sa.select(GrantCall).filter_by(year=2031)) is None


def test_an_admin_creates_an_edition_and_a_call(ctx, world, api):
    admin = api("admin")
    edition_settings = {**cs.snapshot(cs.EDITION, world["edition"]), "number": 9, "year": 2029,
                        "name": "第九届科创会"}
    made = admin.post("/api/v1/editions", json=edition_settings)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["name"] == "第九届科创会" and made.get_json()["version"] == 1
    assert admin.get(made.headers["Location"]).get_json()["number"] == 9
    listed = admin.get("/api/v1/editions").get_json()
    assert listed["items"][0]["number"] == 9
    twice = admin.post("/api/v1/editions", json=edition_settings)
    assert twice.get_json()["errors"] == {"number": ["「届次」第9届已存在"]}

    call_settings = {**cs.snapshot(cs.CALL, world["grant_call"]), "year": 2031, "name": "2031年度示范项目",
                     "managing_org_id": world["orgs"]["dept_societies"].id}
    call = admin.post("/api/v1/calls", json=call_settings)
    assert call.status_code == 201, call.get_json()
    assert call.get_json()["managing_org_id"] == world["orgs"]["dept_societies"].id
    preview = admin.post("/api/v1/calls/timeline", json={**call_settings, "name": "只预览"})
    assert preview.status_code == 422  # managing_org_id is not a setting
    assert "managing_org_id" in preview.get_json()["errors"]
    preview = admin.post("/api/v1/calls/timeline", json={
        k: v for k, v in call_settings.items() if k != "managing_org_id"} | {"review_deadline": "2024-04-20"})
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()[2] == {"label": "专家评审截止", "day": "2024-04-20", "end": None, "note": ""}
    assert preview.get_json()[3]["label"] == "公示" and preview.get_json()[3]["end"] > "2024-04-20"
    assert versions(cs.CALL, call.get_json()["id"]) == [1]


def test_others_are_refused_as_on_the_pages(ctx, world, api):
    applicant = api("cd_applicant")
    for url in ("/api/v1/editions", f"/api/v1/editions/{world['edition'].id}", "/api/v1/calls",
                f"/api/v1/calls/{world['grant_call'].id}"):
        answer = applicant.get(url)
        assert answer.status_code == 403 and answer.get_json()["code"] == "forbidden", url
    officer = api("grant_officer")
    assert officer.get("/api/v1/editions").status_code == 403
    assert officer.get(f"/api/v1/editions/{world['edition'].id}/timeline").status_code == 403
    edition = officer.put(f"/api/v1/editions/{world['edition'].id}",
                          json=cs.snapshot(cs.EDITION, world["edition"]))
    assert edition.status_code == 403
    own = world["orgs"]["dept_societies"].id
    elsewhere = api("admin").post("/api/v1/calls", json={
        **cs.snapshot(cs.CALL, world["grant_call"]), "year": 2030, "name": "创发部的申报指南",
        "managing_org_id": world["orgs"]["dept_innovation"].id})
    assert elsewhere.status_code == 201, elsewhere.get_json()
    fresh()
    calls = db.session.scalars(sa.select(GrantCall)).all()
    listed = {c["id"] for c in officer.get("/api/v1/calls?per_page=100").get_json()["items"]}
    assert listed == {c.id for c in calls if c.managing_org_id == own}
    other = next(c for c in calls if c.managing_org_id != own)
    for answer in (officer.get(f"/api/v1/calls/{other.id}"), officer.get(f"/api/v1/calls/{other.id}/versions"),
                   officer.put(f"/api/v1/calls/{other.id}", json=cs.snapshot(cs.CALL, other))):
        assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    not_theirs = officer.post("/api/v1/calls", json={**cs.snapshot(cs.CALL, other), "year": 2032,
                                                    "managing_org_id": other.managing_org_id})
    assert not_theirs.get_json()["errors"] == {"managing_org_id": ["「管理部门」须为您可管理的省科协部门"]}
    assert versions(cs.CALL, other.id) == [1]


def test_a_running_project_keeps_the_edition_version_it_started_with(ctx, world, api, upload_dir):
    before = submitted_project(world, "视觉引导柔性装配")
    admin = api("admin")
    edition = world["edition"]
    read = admin.get(f"/api/v1/editions/{edition.id}").get_json()
    moved = {**read["settings"], "recommend_deadline": read["settings"]["select_deadline"]}
    saved = admin.put(f"/api/v1/editions/{edition.id}", json=moved)
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    assert saved.get_json()["versions"][0]["changed"] == ["推荐截止日期"]
    after = submitted_project(world, "高原冻土监测传感网")
    fresh()
    assert db.session.get(ProcessInstance, before.instance_id).settings_version == 1
    assert db.session.get(ProcessInstance, after.instance_id).settings_version == 2
    rows = admin.get(f"/api/v1/editions/{edition.id}/versions").get_json()
    assert [(r["number"], r["running"]) for r in rows] == [(2, 1), (1, 1)]
    timeline = admin.get(f"/api/v1/editions/{edition.id}/timeline").get_json()
    assert next(m for m in timeline if m["label"].startswith("推荐截止"))["day"] == read["settings"]["select_deadline"]


def test_the_paths_are_in_the_contract(ctx, world, api):
    paths = api("admin").get("/api/v1/openapi.json").get_json()["paths"]
    for kind, key in (("editions", "edition_id"), ("calls", "call_id")):
        assert {"get", "post"} <= set(paths[f"/api/v1/{kind}"])
        assert {"get", "put"} <= set(paths[f"/api/v1/{kind}/{{{key}}}"])
        for tail in ("versions", "timeline"):
            assert "get" in paths[f"/api/v1/{kind}/{{{key}}}/{tail}"]
        assert "post" in paths[f"/api/v1/{kind}/timeline"]
    put = paths["/api/v1/calls/{call_id}"]["put"]
    assert "If-Match" in [p["name"] for p in put["parameters"]]
    assert "412" in put["responses"] and "422" in put["responses"]
