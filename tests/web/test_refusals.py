"""Refused actions through HTTP: two people submitting one task at once (409 naming who and when,
the instance advanced once), 404 out of scope, 403, 422 with the input kept, JSON under /api."""
from __future__ import annotations

import contextvars
import threading

import pytest
import sqlalchemy as sa

from app.demo.samples import application_form, team
from app.extensions import db
from app.models import AuditEvent, RoleAssignment, Task, User
from app.services.grant.applications import apply_to_call
from app.services.reading.inbox import claim_task
from app.services.shared.errors import InvalidInput
from app.services.steps import task_forms
from app.views.errors import service_error
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import open_tasks

from .formdata import flatten, input_value, post_form, text
from .login import csrf_token, logged_in

ELIGIBLE_FORM = {"exclusion_outcome": "eligible"}
HANDLED = "该事项已由{name}于2023年12月1日 09:00办理，无需再次办理。"  # the frozen clock's time


@pytest.fixture
def colleague(world):
    """A second 成都科协 recommender: the same task is offered to both."""
    me = world["users"]["cd_recommender"]
    user = User(username="cd_recommender2", display_name="马清源", created_at=me.created_at,
                password_hash=me.password_hash)
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, org_id=world["orgs"]["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    return user


def check_url(project) -> str:
    db.session.rollback()
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id,
                                                       task_name="check_exclusions"))
    return f"/tasks/{task.id}"


def completions(url: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        task_id=url.rsplit("/", 1)[1], kind="completed"))


def ready_to_submit(client, url: str):
    """The page opened (as the person did before the other one submitted): a POST to send."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {**ELIGIBLE_FORM, "_action": "submit", "csrf_token": token}
    return lambda: client.post(url, data=data)


# Two people, one task ---------------------------------------------------------------------

def both_read_the_task_then_race(monkeypatch):
    """Each submission reads the task, then waits for the other: both have seen it ready, so
    the loser loses at the write (the optimistic lock), not by finding the task gone."""
    barrier, real = threading.Barrier(2, timeout=20), task_forms.complete_in_transaction

    def racing(task_id, raw, user):
        assert db.session.get(Task, task_id) is not None
        barrier.wait()
        return real(task_id, raw, user)
    monkeypatch.setattr(task_forms, "complete_in_transaction", racing)


def run_at_once(submissions: dict) -> dict:
    answers, threads = {}, []
    for name, submit in submissions.items():
        context = contextvars.copy_context()  # the test's frozen clock, in each thread
        threads.append(threading.Thread(
            target=lambda n=name, s=submit, c=context: answers.update({n: c.run(s)})))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_the_loser_of_two_simultaneous_submits_gets_409_naming_the_winner(
        client, chengdu_project, colleague, monkeypatch):
    url = check_url(chengdu_project)
    people = {"李": client("cd_recommender"), "马": client("cd_recommender2")}
    submissions = {name: ready_to_submit(person, url) for name, person in people.items()}
    both_read_the_task_then_race(monkeypatch)
    answers = run_at_once(submissions)
    assert sorted(answer.status_code for answer in answers.values()) == [302, 409]
    winner = next(name for name, answer in answers.items() if answer.status_code == 302)
    loser = text(next(answer for answer in answers.values() if answer.status_code == 409))
    winner_name = "马清源" if winner == "马" else display_name("cd_recommender")
    assert HANDLED.format(name=winner_name) in loser and "返回我的待办" in loser
    assert completions(url) == 1
    assert open_tasks(chengdu_project.instance) == ["recommend_project"]


def display_name(username: str) -> str:
    return db.session.scalar(sa.select(User.display_name).filter_by(username=username))


def test_a_stale_page_submitted_after_the_other_person_gets_409_with_who_and_when(
        client, chengdu_project, colleague):
    url = check_url(chengdu_project)
    late = ready_to_submit(client("cd_recommender"), url)
    assert post_form(client("cd_recommender2"), url, ELIGIBLE_FORM).status_code == 302
    answer = late()
    assert answer.status_code == 409 and HANDLED.format(name="马清源") in text(answer)
    assert completions(url) == 1


def test_a_stale_draft_or_claim_gets_the_same_answer(client, chengdu_project, colleague):
    url = check_url(chengdu_project)
    mine = client("cd_recommender")
    token = csrf_token(mine.get(url).get_data(as_text=True))
    assert post_form(client("cd_recommender2"), url, ELIGIBLE_FORM).status_code == 302
    draft = mine.post(url, data={**ELIGIBLE_FORM, "_action": "save_draft", "csrf_token": token})
    assert draft.status_code == 409 and HANDLED.format(name="马清源") in text(draft)
    claimed = mine.post(f"{url}/claim", data={"csrf_token": token}, follow_redirects=True)
    assert claimed.status_code == 200 and HANDLED.format(name="马清源") in text(claimed)


def test_who_and_when_only_for_those_who_may_see_the_instance(client, chengdu_project):
    url = check_url(chengdu_project)
    outsider = client("my_recommender")  # 绵阳: may not see a 成都 project
    token = csrf_token(outsider.get("/").get_data(as_text=True))
    assert post_form(client("cd_recommender"), url, ELIGIBLE_FORM).status_code == 302
    answer = outsider.post(url, data={**ELIGIBLE_FORM, "_action": "submit", "csrf_token": token})
    assert answer.status_code == 409 and "该事项已办理或不存在" in text(answer)
    assert "办理，无需再次办理" not in text(answer)
    missing = outsider.post("/tasks/no-such-task", data={**ELIGIBLE_FORM, "_action": "submit",
                                                          "csrf_token": token})
    assert missing.status_code == 409 and "该事项已办理或不存在" in text(missing)


# 404 · 403 · 422 ----------------------------------------------------------------------------

def test_another_citys_task_is_the_same_404_page_as_a_missing_one(client, chengdu_project):
    url = check_url(chengdu_project)
    outsider = client("my_recommender")
    for answer in (outsider.get(url), outsider.get("/tasks/no-such-task"),
                   post_form(outsider, url, ELIGIBLE_FORM)):
        assert answer.status_code == 404
        assert "您访问的页面不存在，或您无权查看。" in text(answer)
        assert "视觉引导柔性装配" not in text(answer)


def test_a_task_claimed_by_a_colleague_is_403_with_the_reason(client, chengdu_project, colleague):
    url = check_url(chengdu_project)
    claim_task(url.rsplit("/", 1)[1], colleague)
    answer = post_form(client("cd_recommender"), url, ELIGIBLE_FORM)
    assert answer.status_code == 403 and "该事项已由同事认领，请先联系其释放" in text(answer)
    assert completions(url) == 0


@pytest.fixture
def application(world):
    return apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, ELIGIBLE,
                         world["users"]["soc_mfg_applicant"])


def test_422_keeps_every_typed_value_and_lists_every_error(client, application):
    db.session.rollback()
    url = f"/tasks/{db.session.scalar(sa.select(Task.id).filter_by(instance_id=application.instance_id))}"
    form = application_form("四川省智能制造学会", team={"members": team(9)})
    form["cover"]["contact_email"] = "not-an-e-mail"
    form["cover"]["project_name"] = ""
    fields = flatten(form)
    answer = post_form(client("soc_mfg_applicant"), url, fields)
    html = text(answer)
    assert answer.status_code == 422
    for message in ("专家团成员不少于10人（当前9人）", "「项目名称」为必填项"):
        assert message in html, message
    assert "表单有 3 处需要修改" in html and html.count('class="field-error"') == 3
    assert input_value(html, "cover.contact_email") == "not-an-e-mail"
    assert input_value(html, "cover.project_name") == ""
    for name in ("team.members.8.name", "unit_info.society_name", "cover.contact_phone"):
        assert input_value(html, name) == fields[name], name
    assert completions(url) == 0


# JSON under /api -------------------------------------------------------------------------

def test_api_refusals_are_problem_json_with_code_detail_and_errors(app, world, chengdu_project):
    outsider = logged_in(app, "my_recommender")
    answer = outsider.get(f"/api/instances/{chengdu_project.instance_id}/documents")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert answer.get_json() == {"type": "urn:grantflow:problem:not_found", "title": "页面不存在",
                                 "status": 404, "code": "not_found",
                                 "detail": "您访问的页面不存在，或您无权查看。", "errors": {}}
    forbidden = outsider.get(f"/api/editions/{world['edition'].id}/report.pdf")
    assert forbidden.status_code == 403 and forbidden.get_json()["code"] == "forbidden"
    assert forbidden.get_json()["detail"] and forbidden.get_json()["errors"] == {}
    assert outsider.get("/api/no-such-thing").get_json()["code"] == "not_found"


def test_refused_input_under_api_is_422_json_with_every_field_error(app):
    refused = InvalidInput({"cover.project_name": ["「项目名称」为必填项"],
                            "team.members": ["专家团成员不少于10人（当前9人）"]})
    with app.test_request_context("/api/anything"):
        answer = service_error(refused)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.get_json() == {
        "type": "urn:grantflow:problem:invalid_input", "title": "输入有误", "status": 422,
        "code": "invalid_input", "detail": "输入有误，请修改后重试。", "errors": refused.errors}
    with app.test_request_context("/tasks/x"):
        page, status, _headers = service_error(refused)
    assert status == 422 and all(m in page for msgs in refused.errors.values() for m in msgs)

