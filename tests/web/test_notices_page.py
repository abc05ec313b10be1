"""消息 page: only my notices, newest first, unread marked, each linking to where it leads (the
task while it is open and mine, else the project), marking read (POST with CSRF, own only),
the header's unread count linking here, pages of 30."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.demo.materials import with_materials
from app.extensions import db
from app.models import Notification
from tests.factories import submission
from tests.services.steps import complete
from workflows import clock as workflow_clock

from .login import csrf_token
from .test_notifications import badge

ROW = re.compile(r'<li data-notification="(\d+)" data-kind="([a-z_]+)" class="([^"]*)">(.*?)</li>', re.S)


CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*(")')


def rows(page: str) -> list[tuple[str, str, bool, str]]:
    """(id, kind, unread, row html) of each notice on the page, in order — the 标为已读 form's
    CSRF token blanked: it is signed with the second it was made, so two readings of one page
    differ by it whenever a second ticks between them."""
    return [(ident, kind, "notice-unread" in css, CSRF_VALUE.sub(r"\1…\2", body))
            for ident, kind, css, body in ROW.findall(page)]


def link_of(body: str) -> str:
    return re.search(r'<a href="([^"]+)"', body).group(1)


def test_my_notices_link_to_my_task_and_the_header_links_here(client, chengdu_project):
    recommender = client("cd_recommender")
    home = recommender.get("/").get_data(as_text=True)
    assert badge(home) == 1
    assert 'href="/notifications" class="reminder-badge"' in home and "#reminders" not in home
    page = recommender.get("/notifications").get_data(as_text=True)
    [(ident, kind, unread, body)] = rows(page)
    assert kind == "new_task" and unread and "您有新的待办" in body and "新待办" in body
    task_page = link_of(body)
    assert task_page.startswith("/tasks/") and recommender.get(task_page).status_code == 200
    # scoped: another city's recommender sees none of it and cannot mark it read
    other = client("my_recommender")
    assert rows(other.get("/notifications").get_data(as_text=True)) == []
    token = csrf_token(other.get("/notifications").get_data(as_text=True))
    assert other.post(f"/notifications/{ident}/read", data={"csrf_token": token}).status_code == 404
    assert recommender.post(f"/notifications/{ident}/read").status_code == 400  # no CSRF
    assert rows(recommender.get("/notifications").get_data(as_text=True))[0][2]  # still unread

    response = recommender.post(f"/notifications/{ident}/read", data={"csrf_token": csrf_token(page)},
                                headers={"Referer": "http://localhost/notifications"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    page = recommender.get("/notifications").get_data(as_text=True)
    assert rows(page)[0][2] is False and "已读" in page and badge(page) == 0


def test_return_reaches_the_applicant_with_its_comment_then_leads_to_the_project(
        client, world, chengdu_project):
    users = world["users"]
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    applicant = client("cd_applicant")
    page = applicant.get("/notifications").get_data(as_text=True)
    assert badge(page) == 1
    [(_, kind, unread, body)] = rows(page)
    assert kind == "returned" and unread and "退回意见：请补充中试检测报告" in body
    assert link_of(body).startswith("/tasks/") and applicant.get(link_of(body)).status_code == 200
    # once resubmitted the task is done: the notice leads to the project instead
    complete(users["cd_applicant"], chengdu_project.instance, "submit_project",
             with_materials(chengdu_project.instance, users["cd_applicant"], submission()))
    body = rows(applicant.get("/notifications").get_data(as_text=True))[0][3]
    assert link_of(body) == f"/instances/{chengdu_project.instance.id}"
    assert applicant.get(link_of(body)).status_code == 200

    token = csrf_token(page)
    assert applicant.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    page = applicant.get("/notifications").get_data(as_text=True)
    assert badge(page) == 0 and not any(unread for _, _, unread, _ in rows(page))


def test_newest_first_in_pages_of_thirty(client, world, chengdu_project):
    applicant = world["users"]["cd_applicant"]
    now = workflow_clock.now()
    db.session.execute(sa.insert(Notification.__table__), [
        dict(user_id=applicant.id, instance_id=chengdu_project.instance.id, task_id=None,
             kind="recommended", message=f"第{number}条消息。", created_at=now + timedelta(minutes=number),
             read_at=now if number % 2 else None, emailed_at=None)
        for number in range(1, 36)])
    db.session.commit()
    me = client("cd_applicant")
    first = me.get("/notifications").get_data(as_text=True)
    listed = rows(first)
    assert len(listed) == 30 and "第35条消息" in listed[0][3] and "第6条消息" in listed[-1][3]
    assert [unread for *_, unread, _ in listed[:2]] == [False, True]  # odd ones were read
    assert "第 1 / 2 页" in first and 'href="/notifications?page=2"' in first
    second = rows(me.get("/notifications?page=2").get_data(as_text=True))
    assert [body.count("第5条消息") for *_, body in second][0] == 1 and len(second) == 5
    assert rows(me.get("/notifications?page=99").get_data(as_text=True)) == second  # last page


def test_login_required(app):
    anonymous = app.test_client()
    assert anonymous.get("/notifications").status_code == 302
