"""我的待办 over /api/v1: the inbox's scope, a task's form contract, 提交 with every error at once
and nothing changed, the loser of a race, a stale If-Match, an Idempotency-Key retry, and
认领/释放/转办 — as an integrating system drives them."""
from __future__ import annotations

import io
import json

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, RoleAssignment, Task, User
from tests.services.steps import snapshot, task_of
from tests.web.test_follow_up_records import following  # noqa: F401 - shared fixture
from tests.web.test_forms_agree import PDF

ELIGIBLE = {"exclusion_outcome": "eligible", "violated_rules": []}


def check_task(project) -> Task:
    """The 资格审查 task (its id kept: the row goes when the step is completed)."""
    return db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id))


def completions(task_id: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        task_id=task_id, kind="completed"))


def test_the_inbox_is_the_callers_and_a_task_names_its_form(world, api, chengdu_project):
    recommender = api("cd_recommender")
    listed = recommender.get("/api/v1/tasks").get_json()
    assert listed["total"] == 1 and listed["items"][0]["task_name"] == "check_exclusions"
    assert listed["items"][0]["title"] == "资格审查" and listed["items"][0]["role_label"]
    assert recommender.get("/api/v1/tasks?process=expert_team_grant").get_json()["total"] == 0
    task_id = listed["items"][0]["id"]
    detail = recommender.get(f"/api/v1/tasks/{task_id}")
    body = detail.get_json()
    assert body["form_schema"] == "ExclusionCheck" and detail.headers["ETag"] == body["etag"]
    spec = recommender.get("/api/v1/openapi.json").get_json()
    assert {"exclusion_outcome", "violated_rules"} <= set(
        spec["components"]["schemas"]["ExclusionCheck"]["properties"])
    assert body["options"]["violated_rules"] and body["returned"] is None
    other_city = api("my_recommender")
    assert other_city.get("/api/v1/tasks").get_json()["total"] == 0
    hidden = other_city.get(f"/api/v1/tasks/{task_id}")
    assert hidden.status_code == 404 and hidden.get_json()["code"] == "not_found"
    assert other_city.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE}).status_code == 404


def test_refused_input_lists_every_error_in_chinese_and_changes_nothing(world, api, chengdu_project):
    task_id = check_task(chengdu_project).id
    before = snapshot(chengdu_project.instance)
    answer = api("cd_recommender").post(f"/api/v1/tasks/{task_id}/complete", json={"data": {
        "exclusion_outcome": "excluded", "violated_rules": [], "comment": "x" * 501}})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    errors = answer.get_json()["errors"]
    assert "须至少选择一项「违反的排除条款」" in errors["violated_rules"][0]
    assert "500" in errors["comment"][0]
    assert snapshot(chengdu_project.instance) == before
    no_data = api("cd_recommender").post(f"/api/v1/tasks/{task_id}/complete", json=ELIGIBLE)
    assert no_data.status_code == 422 and "data" in no_data.get_json()["errors"]


def test_a_stale_if_match_is_412_and_a_retry_with_its_key_completes_once(world, api, chengdu_project):
    task_id = check_task(chengdu_project).id
    recommender = api("cd_recommender")
    etag = recommender.get(f"/api/v1/tasks/{task_id}").headers["ETag"]
    before = snapshot(chengdu_project.instance)
    stale = recommender.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE},
                             headers={"If-Match": '"i1-v999"'})
    assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    assert snapshot(chengdu_project.instance) == before
    headers = {"If-Match": etag, "Idempotency-Key": "tf-check-0001"}
    first = recommender.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE},
                             headers=headers)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["current_step"] and first.headers["ETag"] != etag
    assert [t["task_name"] for t in first.get_json()["next_tasks"]] == ["recommend_project"]
    again = recommender.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE},
                             headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json() and completions(task_id) == 1
    late = recommender.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE})
    assert late.status_code == 409 and late.get_json()["code"] == "task_handled"
    assert completions(task_id) == 1


def test_claim_release_and_delegate_follow_the_inbox_rules(world, api, chengdu_project):
    colleague = User(username="cd_recommender2", display_name="马清源",
                     created_at=world["users"]["cd_recommender"].created_at)
    db.session.add(colleague)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=colleague.id, org_id=world["orgs"]["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    task_id = check_task(chengdu_project).id
    recommender, other_city = api("cd_recommender"), api("my_recommender")
    assert other_city.post(f"/api/v1/tasks/{task_id}/claim").status_code == 404
    claimed = recommender.post(f"/api/v1/tasks/{task_id}/claim").get_json()
    assert claimed["claimed_by"] == world["users"]["cd_recommender"].display_name and claimed["shared"]
    detail = recommender.get(f"/api/v1/tasks/{task_id}").get_json()
    assert [c["display_name"] for c in detail["colleagues"]] == ["马清源"]
    released = recommender.post(f"/api/v1/tasks/{task_id}/release").get_json()
    assert released["claimed_by"] is None
    refused = recommender.post(f"/api/v1/tasks/{task_id}/delegate", json={"to_user_id": colleague.id,
                                                                         "reason": ""})
    assert refused.status_code == 422 and refused.get_json()["errors"]["reason"]
    moved = recommender.post(f"/api/v1/tasks/{task_id}/delegate",
                             json={"to_user_id": colleague.id, "reason": "本周出差"})
    assert moved.status_code == 200 and moved.get_json()["claimed_by"] == "马清源"
    assert recommender.post(f"/api/v1/tasks/{task_id}/complete",
                            json={"data": ELIGIBLE}).status_code in (403, 409)
    assert completions(task_id) == 0


def test_a_draft_is_kept_and_comes_back_as_the_prefill(world, api, chengdu_project):
    task_id = check_task(chengdu_project).id
    recommender = api("cd_recommender")
    saved = recommender.put(f"/api/v1/tasks/{task_id}/draft", json={"data": {
        "exclusion_outcome": "returned", "comment": "请补充盖章页"}})
    assert saved.status_code == 200 and saved.get_json()["data"]["comment"] == "请补充盖章页"
    prefill = recommender.get(f"/api/v1/tasks/{task_id}").get_json()["prefill"]
    assert prefill["source"] == "draft" and prefill["data"]["comment"] == "请补充盖章页"


def test_the_concierge_records_follow_ups_with_files_and_nobody_else_does(world, api, following,
                                                                          upload_dir):
    task_id = task_of(following.instance, "follow_up_project").id
    record = {"occurred_on": "2023-12-01", "action": "走访需求方", "result": "确定中试场地"}
    for username in ("my_concierge", "cd_recommender", "cd_applicant"):
        refused = api(username).post(f"/api/v1/tasks/{task_id}/follow-ups", json={"data": record})
        assert refused.status_code in (403, 404), username
    concierge = api("cd_concierge")
    bad = concierge.post(f"/api/v1/tasks/{task_id}/follow-ups", json={"data": {"action": "走访"}})
    assert bad.status_code == 422 and {"occurred_on", "result"} <= set(bad.get_json()["errors"])
    added = concierge.post(f"/api/v1/tasks/{task_id}/follow-ups", data={
        "data": json.dumps(record), "files": [(io.BytesIO(PDF), "走访记录.pdf")]},
        content_type="multipart/form-data")
    assert added.status_code == 201, added.get_json()
    [row] = added.get_json()
    assert row["action"] == "走访需求方" and row["files"][0]["filename"] == "走访记录.pdf"
    with concierge.get(row["files"][0]["download_url"]) as download:
        assert download.data == PDF
    assert concierge.get(f"/api/v1/tasks/{task_id}/follow-ups").get_json() == [row]


def test_the_task_list_names_no_filter_options(app, world, api, chengdu_project):
    """The 事项 options are the inbox page's: the API's list, which has no such filter, does
    not read the diagrams (or any task title) for them."""
    from tests.web.test_page_queries import reads_of, statements

    recommender = api("cd_recommender")
    with statements(app) as seen:
        listed = recommender.get("/api/v1/tasks").get_json()
    assert listed["total"] == 1
    assert reads_of(seen, "process_definitions") == []
    assert not [s for s in seen if s.startswith("SELECT tasks.title ")], seen
