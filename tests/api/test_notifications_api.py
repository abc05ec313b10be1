"""消息 over the API: my notices only, newest first, where each leads (my open task, else the
instance), the unread filter and count, marking one (own only) or all read — as the page."""
from __future__ import annotations

from app.demo.materials import with_materials
from tests.factories import submission
from tests.services.steps import complete


def test_my_notices_lead_to_my_task_and_only_i_may_mark_them_read(world, api, chengdu_project):
    recommender = api("cd_recommender")
    listed = recommender.get("/api/v1/notifications")
    assert listed.status_code == 200 and listed.headers["X-Unread-Count"] == "1"
    assert 'rel="first"' in listed.headers["Link"]
    [notice] = listed.get_json()["items"]
    assert notice["kind"] == "new_task" and notice["kind_label"] == "新待办" and notice["unread"]
    assert "您有新的待办" in notice["message"] and notice["read_at"] is None
    assert notice["instance_id"] == chengdu_project.instance_id
    task = recommender.get(notice["instance_url"]).get_json()["open_tasks"][0]
    assert notice["task_id"] == task["id"] and task["may_act"] is True

    other = api("my_recommender")
    assert other.get("/api/v1/notifications").get_json()["items"] == []
    refused = other.post(f"/api/v1/notifications/{notice['id']}/read")
    assert refused.status_code == 404 and refused.get_json()["code"] == "not_found"
    assert recommender.get("/api/v1/notifications?unread=true").get_json()["total"] == 1

    read = recommender.post(f"/api/v1/notifications/{notice['id']}/read")
    assert read.status_code == 200
    assert read.get_json()["unread"] is False and read.get_json()["read_at"] is not None
    assert recommender.post(f"/api/v1/notifications/{notice['id']}/read").status_code == 200
    unread = recommender.get("/api/v1/notifications?unread=true")
    assert unread.get_json()["total"] == 0 and unread.headers["X-Unread-Count"] == "0"
    assert recommender.get("/api/v1/notifications").get_json()["items"][0]["unread"] is False


def test_a_return_reaches_the_applicant_then_leads_to_the_project_and_read_all(
        world, api, chengdu_project):
    users = world["users"]
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    applicant = api("cd_applicant")
    [notice] = applicant.get("/api/v1/notifications").get_json()["items"]
    assert notice["kind"] == "returned" and "退回意见：请补充中试检测报告" in notice["message"]
    assert notice["task_id"] is not None
    complete(users["cd_applicant"], chengdu_project.instance, "submit_project",
             with_materials(chengdu_project.instance, users["cd_applicant"], submission()))
    [notice] = applicant.get("/api/v1/notifications").get_json()["items"]
    assert notice["task_id"] is None  # done: it leads to the project instead
    assert notice["instance_url"] == f"/api/v1/instances/{chengdu_project.instance_id}"

    marked = applicant.post("/api/v1/notifications/read-all")
    assert marked.status_code == 200 and marked.get_json() == {"marked": 1}
    assert applicant.post("/api/v1/notifications/read-all").get_json() == {"marked": 0}
    assert applicant.get("/api/v1/notifications?unread=true").get_json()["items"] == []
    # someone else's notices were left alone
    assert api("cd_recommender").get("/api/v1/notifications").headers["X-Unread-Count"] != "0"


def test_notices_page_newest_first_with_the_cap(world, api, chengdu_project):
    recommender = api("cd_recommender")
    assert recommender.get("/api/v1/notifications?per_page=101").status_code == 422
    bad = recommender.get("/api/v1/notifications?unread=maybe")
    assert bad.status_code == 422 and "仅未读" in bad.get_json()["errors"]["query.unread"][0]
    empty = recommender.get("/api/v1/notifications?page=3").get_json()
    assert empty["items"] == [] and empty["total"] == 1 and empty["page"] == 3


def test_the_paths_are_in_the_contract(ctx, world):
    paths = ctx.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/notifications", "/api/v1/notifications/{notification_id}/read",
            "/api/v1/notifications/read-all"} <= set(paths)


def test_the_answers_match_the_contract(ctx, world, api, chengdu_project):
    from .board_contract import conforms
    recommender = api("cd_recommender")
    listed = recommender.get("/api/v1/notifications")
    ident = listed.get_json()["items"][0]["id"]
    for answer, method, path in (
            (listed, "GET", "/api/v1/notifications"),
            (recommender.get("/api/v1/notifications?unread=1&per_page=0"), "GET", "/api/v1/notifications"),
            (api("my_recommender").post(f"/api/v1/notifications/{ident}/read"), "POST",
             "/api/v1/notifications/{notification_id}/read"),
            (recommender.post(f"/api/v1/notifications/{ident}/read"), "POST",
             "/api/v1/notifications/{notification_id}/read"),
            (recommender.post("/api/v1/notifications/read-all"), "POST", "/api/v1/notifications/read-all")):
        conforms(ctx, answer, method, path)
