"""项目与申报 over the API: starting a 科创项目 (201, Location, ETag; Idempotency-Key; Chinese
field errors and nothing created), scope (another city's recommender gets 404 and does not see it
listed), paging with its cap, the full history and data of an instance, files, the diagram, what
one may start, and applying to a grant call — the same rules as the pages."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attachment, GrantApplication, ProcessInstance, Project
from app.demo.materials import with_materials
from tests.factories import submission
from tests.services.steps import complete
from tests.web.test_ranking_page import REVIEWERS, grant_world, two  # noqa: F401,F811 - shared fixtures
from workflows import clock

ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": False,
            "notified": False}


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def project_body(world, **changes) -> dict:
    orgs = world["orgs"]
    return {"process": "kechuang_project", "edition_id": world["edition"].id,
            "owner_org_id": orgs["ent_cloudwise"].id, "title": "柔性装配视觉定位系统",
            "project_type": "tech_transfer", "recommender_org_id": orgs["city_chengdu"].id} | changes


def test_a_project_owner_starts_a_project_and_a_retry_creates_nothing_more(world, api):
    applicant = api("cd_applicant")
    key = {"Idempotency-Key": "start-8f1c2a"}
    first = applicant.post("/api/v1/instances", json=project_body(world), headers=key)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert first.headers["Location"] == f"/api/v1/instances/{body['id']}"
    assert body["process_key"] == "kechuang_project" and body["process_label"] == "科创项目"
    assert body["title"] == "柔性装配视觉定位系统" and body["status"] == "running"
    assert body["status_label"] == "进行中" and body["owner_org_name"] == "成都云智装备科技有限公司"
    [task] = body["open_tasks"]
    assert task["task_name"] == "submit_project" and task["may_act"] is True
    assert task["role_label"] == "项目方/申报单位经办人"
    assert body["history"][0]["kind"] == "发起" and body["history"][0]["actor"] == "李思远"
    read = applicant.get(first.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == first.headers["ETag"]
    assert read.headers["ETag"] == f'"i{body["id"]}-v{db.session.get(ProcessInstance, body["id"]).lock_version}"'

    again = applicant.post("/api/v1/instances", json=project_body(world), headers=key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == body and again.headers["Location"] == first.headers["Location"]
    assert count(Project) == 1 and count(ProcessInstance) == 1

    other = applicant.post("/api/v1/instances", json=project_body(world, title="另一个项目"),
                           headers=key)
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    assert count(ProcessInstance) == 1


def test_an_invalid_start_is_422_with_chinese_field_errors_and_creates_nothing(world, api):
    applicant = api("cd_applicant")
    key = {"Idempotency-Key": "start-invalid-1"}
    refused = applicant.post("/api/v1/instances", headers=key,
                             json=project_body(world, title="", project_type="perpetual_motion"))
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    errors = refused.get_json()["errors"]
    assert errors["title"] == ["「项目名称」为必填项"]
    assert "项目类型" in errors["project_type"][0]
    unknown = applicant.post("/api/v1/instances", json={"process": "perpetual_motion"})
    assert unknown.status_code == 422 and "「流程」应为" in unknown.get_json()["errors"]["process"][0]
    county = applicant.post("/api/v1/instances",
                            json=project_body(world, recommender_org_id=world["orgs"]["ent_greenfield"].id))
    assert county.status_code == 422 and "推荐单位" in county.get_json()["errors"]["recommender_org_id"][0]
    assert count(ProcessInstance) == 0 and count(Project) == 0
    # the refused request was not remembered: the same key may now start it
    fixed = applicant.post("/api/v1/instances", headers=key, json=project_body(world))
    assert fixed.status_code == 201 and count(ProcessInstance) == 1


def test_only_the_owners_applicant_may_start_its_project(world, api):
    answer = api("cd_recommender").post("/api/v1/instances", json=project_body(world))
    assert answer.status_code == 403 and answer.get_json()["code"] == "forbidden"
    other_owner = api("cd_applicant").post("/api/v1/instances", json=project_body(
        world, owner_org_id=world["orgs"]["ent_greenfield"].id))
    assert other_owner.status_code == 403 and count(ProcessInstance) == 0


def test_another_citys_recommender_neither_reads_nor_lists_it(world, api, chengdu_project):
    instance_id = chengdu_project.instance_id
    mianyang = api("my_recommender")
    answer = mianyang.get(f"/api/v1/instances/{instance_id}")
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    assert mianyang.get(f"/api/v1/instances/{instance_id}/diagram").status_code == 404
    listed = mianyang.get("/api/v1/instances").get_json()
    assert listed["total"] == 0 and listed["items"] == []
    chengdu = api("cd_recommender").get("/api/v1/instances").get_json()
    assert [item["id"] for item in chengdu["items"]] == [instance_id]
    assert api("cd_recommender").get("/api/v1/instances/999999").status_code == 404


@pytest.mark.parametrize("walk_from", [1000, 0])  # visible ones gathered first · each one asked in order
def test_the_list_is_scoped_however_its_page_is_read(world, api, chengdu_project, monkeypatch, walk_from):
    from app.services.reading import instance_views
    monkeypatch.setattr(instance_views, "WALK_FROM", walk_from)
    assert api("my_recommender").get("/api/v1/instances").get_json()["items"] == []
    chengdu = api("cd_recommender").get("/api/v1/instances").get_json()
    assert [item["id"] for item in chengdu["items"]] == [chengdu_project.instance_id]


def test_the_list_filters_as_the_page_and_pages_with_a_cap(world, api, chengdu_project):
    applicant = api("cd_applicant")
    for number in range(3):
        assert applicant.post("/api/v1/instances", json=project_body(
            world, title=f"高温合金叶片检测{number}")).status_code == 201
    page = applicant.get("/api/v1/instances?per_page=2&page=1")
    assert page.status_code == 200
    body = page.get_json()
    assert body["total"] == 4 and body["pages"] == 2 and len(body["items"]) == 2
    assert 'rel="next"' in page.headers["Link"] and 'rel="last"' in page.headers["Link"]
    second = applicant.get("/api/v1/instances?per_page=2&page=2").get_json()
    assert {i["id"] for i in body["items"]}.isdisjoint(i["id"] for i in second["items"])
    searched = applicant.get("/api/v1/instances?q=叶片检测1").get_json()
    assert [i["title"] for i in searched["items"]] == ["高温合金叶片检测1"]
    steps = {i["current_step"] for i in applicant.get(
        "/api/v1/instances?process=kechuang_project").get_json()["items"]}
    assert None not in steps and len(steps) >= 1
    assert applicant.get("/api/v1/instances?process=expert_team_grant").get_json()["total"] == 0
    assert applicant.get(f"/api/v1/instances?edition_id={world['edition'].id}"
                         ).get_json()["total"] == 4
    assert applicant.get("/api/v1/instances?status=completed").get_json()["total"] == 0
    capped = applicant.get("/api/v1/instances?per_page=101")
    assert capped.status_code == 422, capped.get_json()
    assert capped.get_json()["errors"]["query.per_page"] == ["「每页条数」应为1至100之间的整数"]
    bad = applicant.get("/api/v1/instances?status=paused")
    assert bad.status_code == 422 and "「状态」" in bad.get_json()["errors"]["query.status"][0]


def test_the_history_shows_each_completion_its_actor_and_what_it_decided(world, api, chengdu_project):
    users = world["users"]
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    read = api("cd_applicant").get(f"/api/v1/instances/{chengdu_project.instance_id}")
    body = read.get_json()
    done = [row for row in body["history"] if row["kind"] == "办理"]
    assert [(row["task"], row["actor"]) for row in done] == [
        ("提交科创项目", "李思远"), ("资格审查", "陈嘉禾")]
    assert "请补充中试检测报告" in done[-1]["note"] and "退回" in done[-1]["note"]
    entered = {form["task_name"]: form for form in body["entered"]}
    assert entered["check_exclusions"]["actor"] == "陈嘉禾"
    assert any(field["text"] == "请补充中试检测报告" for field in entered["check_exclusions"]["fields"])
    assert entered["submit_project"]["fields"]
    # returned: the applicant's task is open again and theirs; nobody else may act on it
    [task] = body["open_tasks"]
    assert task["task_name"] == "submit_project" and task["may_act"] is True
    assert body["status_label"] == "进行中" and body["current_step"]
    recommender_view = api("cd_recommender").get(f"/api/v1/instances/{chengdu_project.instance_id}")
    assert recommender_view.get_json()["open_tasks"][0]["may_act"] is False
    assert read.headers["ETag"] == recommender_view.headers["ETag"]
    # submitted again: the latest round in full, the returned one kept as an earlier round
    complete(users["cd_applicant"], chengdu_project.instance, "submit_project",
             with_materials(chengdu_project.instance, users["cd_applicant"], submission()))
    again = api("cd_applicant").get(f"/api/v1/instances/{chengdu_project.instance_id}")
    assert again.headers["ETag"] != read.headers["ETag"]
    submitted = next(f for f in again.get_json()["entered"] if f["task_name"] == "submit_project")
    assert len(submitted["earlier"]) == 1 and submitted["earlier"][0]["actor"] == "李思远"
    assert submitted["fields"] and submitted["earlier"][0]["fields"]


def test_files_are_listed_with_their_checksum_and_download_for_insiders_only(
        world, api, chengdu_project, upload_dir):
    content = b"%PDF-1.4 invented proof"
    digest = hashlib.sha256(content).hexdigest()
    (upload_dir / digest[:2]).mkdir(exist_ok=True)
    (upload_dir / digest[:2] / digest).write_bytes(content)
    db.session.add(Attachment(instance_id=chengdu_project.instance_id, task_name="submit_project",
                              field="proof_ref", filename="检测报告.pdf",
                              content_type="application/pdf", size=len(content), sha256=digest,
                              storage_key=f"{digest[:2]}/{digest}",
                              uploaded_by_id=world["users"]["cd_applicant"].id,
                              uploaded_at=clock.now()))
    db.session.commit()
    body = api("cd_recommender").get(f"/api/v1/instances/{chengdu_project.instance_id}").get_json()
    mine = next(file for file in body["attachments"] if file["filename"] == "检测报告.pdf")
    assert mine["sha256"] == digest and mine["size"] == len(content)
    assert mine["task_title"] == "提交科创项目"
    download = api("cd_recommender").get(mine["url"])
    assert download.status_code == 200 and download.data == content
    assert download.headers["Cache-Control"] == "private, no-store"
    download.close()
    assert api("my_recommender").get(mine["url"]).status_code == 404


def test_the_diagram_gives_the_models_xml_and_the_current_step(world, api, chengdu_project):
    answer = api("cd_applicant").get(f"/api/v1/instances/{chengdu_project.instance_id}/diagram")
    assert answer.status_code == 200
    diagram = answer.get_json()
    assert "bpmn" in diagram["xml"] and 'id="kechuang_project"' in diagram["xml"]
    assert diagram["current"] and diagram["completed"]
    assert all(f'id="{step}"' in diagram["xml"] for step in diagram["current"] + diagram["completed"])


def test_a_score_before_the_ranking_is_published_is_404(world, api, chengdu_project):
    answer = api("cd_applicant").get(f"/api/v1/instances/{chengdu_project.instance_id}/score")
    assert answer.status_code == 404


def test_reviews_only_to_who_may_read_them_and_the_score_once_published(api, grant_world, two):  # noqa: F811
    a, b = two
    officer, applicant = api("grant_officer"), api("soc_mfg_applicant")
    path = f"/api/v1/instances/{a.instance_id}"
    names = [grant_world["users"][name].display_name for name in REVIEWERS]
    [panel] = officer.get(path).get_json()["reviews"]
    assert {entry["actor"] for entry in panel["entries"]} == set(names)
    [table] = panel["fields"]
    assert table["kind"] == "table" and table["columns"][0] == "评审专家" and len(table["rows"]) == 3
    mine = applicant.get(path).get_json()
    assert mine["reviews"] == []
    reviews = [row for row in mine["history"] if row["task"] == "专家评审"]
    assert reviews and {row["actor"] for row in reviews} == {"（评审保密）"}
    assert not {"assign_reviewers", "review_application"} & {f["task_name"] for f in mine["entered"]}
    seen = {form["task_name"] for form in officer.get(path).get_json()["entered"]}
    assert {"assign_reviewers", "review_application"} <= seen
    assert applicant.get(f"{path}/score").status_code == 404  # not yet published

    published = officer.post(f"/api/v1/calls/{grant_world['grant_call'].id}/ranking/publish",
                             json={"objective_scores": {str(a.id): "90", str(b.id): "60"}})
    assert published.status_code == 200, published.get_json()
    score = applicant.get(f"{path}/score")
    assert score.status_code == 200 and score.headers["Cache-Control"] == "private, no-store"
    assert score.get_json()["expert_score"] == "78" and score.get_json()["rank"] in (1, 2)
    assert [r["reviewer"] for r in score.get_json()["reviewers"]] == ["专家1", "专家2", "专家3"]
    assert {r["reviewer"] for r in officer.get(f"{path}/score").get_json()["reviewers"]} == set(names)
    assert api("soc_agri_applicant").get(f"{path}/score").status_code == 404


def test_startable_lists_open_editions_for_owners_and_calls_for_societies(world, api):
    owner = api("cd_applicant").get("/api/v1/startable").get_json()
    assert [(o["edition_id"], o["owner_org_name"]) for o in owner["projects"]] == [
        (world["edition"].id, "成都云智装备科技有限公司")]
    assert owner["grants"] == [] and world["orgs"]["city_chengdu"].id in {
        r["id"] for r in owner["recommenders"]}
    society = api("soc_agri_applicant").get("/api/v1/startable").get_json()
    assert society["projects"] == [] and society["recommenders"] == []
    assert [g["call_id"] for g in society["grants"]] == [world["grant_call"].id]
    assert society["grants"][0]["applied"] is False
    assert api("grant_officer").get("/api/v1/startable").get_json() == {
        "projects": [], "recommenders": [], "grants": []}


def test_a_society_applies_to_a_grant_call_once(world, api):
    society = api("soc_agri_applicant")
    call_id = world["grant_call"].id
    missing = society.post("/api/v1/instances", json={"process": "expert_team_grant", **ELIGIBLE})
    assert missing.status_code == 422 and missing.get_json()["errors"]["call_id"] == ["「申报项目」为必填项"]
    invalid = society.post("/api/v1/instances", json={"process": "expert_team_grant",
                                                      "call_id": call_id})
    assert invalid.status_code == 422 and "inspection_previous" in invalid.get_json()["errors"]
    assert count(GrantApplication) == 0
    applied = society.post("/api/v1/instances",
                           json={"process": "expert_team_grant", "call_id": call_id, **ELIGIBLE})
    assert applied.status_code == 201, applied.get_json()
    body = applied.get_json()
    assert body["process_key"] == "expert_team_grant"
    assert [t["task_name"] for t in body["open_tasks"]] == ["submit_application"]
    assert body["owner_org_id"] == world["orgs"]["soc_agri_tech"].id
    again = society.post("/api/v1/instances",
                         json={"process": "expert_team_grant", "call_id": call_id, **ELIGIBLE})
    assert again.status_code == 409 and count(GrantApplication) == 1
    assert api("soc_agri_applicant").get("/api/v1/startable").get_json()["grants"][0]["applied"]
    assert api("cd_applicant").post("/api/v1/instances", json={
        "process": "expert_team_grant", "call_id": call_id, **ELIGIBLE}).status_code == 403


def test_the_paths_are_in_the_contract(ctx, world):
    paths = ctx.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/instances", "/api/v1/instances/{instance_id}", "/api/v1/startable",
                 "/api/v1/instances/{instance_id}/diagram", "/api/v1/instances/{instance_id}/score"):
        assert path in paths, path
    start = paths["/api/v1/instances"]["post"]
    assert {"Idempotency-Key"} <= {p["name"] for p in start["parameters"]}
    assert "201" in start["responses"] and "422" in start["responses"]


def test_the_answers_match_the_contract(ctx, world, api, chengdu_project, upload_dir):
    from .board_contract import conforms
    complete(world["users"]["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    applicant, one = api("cd_applicant"), "/api/v1/instances/{instance_id}"
    instance = f"/api/v1/instances/{chengdu_project.instance_id}"
    started = applicant.post("/api/v1/instances", json=project_body(world),
                             headers={"Idempotency-Key": "contract-1"})
    answers = [
        (started, "POST", "/api/v1/instances"),
        (applicant.post("/api/v1/instances", json=project_body(world, title="")), "POST",
         "/api/v1/instances"),
        (applicant.get("/api/v1/instances?per_page=1"), "GET", "/api/v1/instances"),
        (applicant.get("/api/v1/instances?per_page=101"), "GET", "/api/v1/instances"),
        (applicant.get(instance), "GET", one),
        (api("cd_recommender").get(instance), "GET", one),
        (api("my_recommender").get(instance), "GET", one),
        (applicant.get(f"{instance}/diagram"), "GET", one + "/diagram"),
        (applicant.get(f"{instance}/score"), "GET", one + "/score"),
        (applicant.get("/api/v1/startable"), "GET", "/api/v1/startable"),
        (api("soc_agri_applicant").get("/api/v1/startable"), "GET", "/api/v1/startable"),
    ]
    assert {answer.status_code for answer, _, _ in answers} == {200, 201, 404, 422}
    for answer, method, path in answers:
        conforms(ctx, answer, method, path)


@pytest.mark.parametrize("walk_from", [1000, 1])  # gathered · the city's projects looked up, by someone who sees many
def test_a_city_list_pages_in_the_list_order_whoever_reads_it(world, api, chengdu_project, clock, monkeypatch,
                                                               walk_from):
    from app.services.reading import instance_views
    monkeypatch.setattr(instance_views, "WALK_FROM", walk_from)
    applicant = api("cd_applicant")
    for number in range(3):
        clock.advance(minutes=5)  # each one changed later than the one before
        assert applicant.post("/api/v1/instances", json=project_body(
            world, title=f"城市列表{number}")).status_code == 201
    chengdu = world["orgs"]["city_chengdu"].id
    whole = [item["id"] for item in applicant.get("/api/v1/instances?per_page=100").get_json()["items"]]
    pages = [applicant.get(f"/api/v1/instances?city={chengdu}&per_page=3&page={n}").get_json() for n in (1, 2)]
    assert [body["total"] for body in pages] == [4, 4]
    assert [item["id"] for body in pages for item in body["items"]] == whole and len(whole) == 4
    mianyang = world["orgs"]["city_mianyang"].id
    assert applicant.get(f"/api/v1/instances?city={mianyang}").get_json()["total"] == 0
    assert api("my_recommender").get(f"/api/v1/instances?city={chengdu}").get_json()["items"] == []
