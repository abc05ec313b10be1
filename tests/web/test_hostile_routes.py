"""Hostile input through the routes, as a logged-in user with the right role would send it
(CSRF token and all): a NUL or another control character in any field, a search of 50 KB, a
text of 600 kB, a team of 120, ids past 2**63. Never a 5xx, on SQLite and PostgreSQL; a refused
field is named in Chinese, the input kept, and nothing is changed.

Before this test's fixes (issue 14), on PostgreSQL a NUL in the login name, a project title
(/start/project), a draft (暂存 of any task), an admin's user or org name, or a search of
/instances, / (我的待办) or /admin/users was a 500; on SQLite a 50 KB search of /instances was
a 500 ("LIKE pattern too complex"), an id past 2**63 in a form field (转办's to_user_id, …) was
a 500, and a text over 500 kB or a form of over 1,000 fields a 413 page with the input lost.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Org, ProcessInstance, TaskDraft, User
from app.services.grant.applications import apply_to_call
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import task_of

from tests.api.conftest import api  # noqa: F401 - the API client fixture

from .formdata import post_form, text
from .login import FreshContextClient, csrf_token

HOSTILE = settings(max_examples=20, deadline=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\t", "\n"])
VALUE = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=4), CONTROL), min_size=1, max_size=6).map("".join),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["科", "%", "_", "9", "\x00"]),
              st.integers(200, 30_000)),
    st.integers(-2**70, 2**70).map(str),
    st.sampled_from(["", "0", "-1", "2147483648", "9223372036854775808", "1e999", "NaN", "true",
                     "2023-02-30", "%_\\", "' OR 1=1 --", "../../etc/passwd"]),
)


def form_values(names: list[str]):
    """Some of ``names`` with hostile values (as a browser posts text)."""
    return st.fixed_dictionaries({}, optional={name: VALUE for name in names})


def never_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}\n{text(response)[:800]}"


@pytest.fixture
def application(world):
    """soc_smart_mfg has declared itself eligible: 填报申报书 is open."""
    return apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, ELIGIBLE,
                         world["users"]["soc_mfg_applicant"])


def task_url(instance, task_name: str) -> str:
    db.session.rollback()
    return f"/tasks/{task_of(instance, task_name).id}"


def state_of(instance_id: int) -> tuple:
    db.session.rollback()
    instance = db.session.get(ProcessInstance, instance_id)
    drafts = db.session.scalars(sa.select(TaskDraft.data)).all()
    return instance.lock_version, instance.current_step, drafts


# What broke before, one case each -----------------------------------------------------------

def test_a_nul_in_the_login_name_is_a_field_error(app, world):
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    token = csrf_token(text(client.get("/login")))
    response = client.post("/login", data={"username": "cd_applicant\x00", "password": "x" * 12,
                                           "csrf_token": token})
    assert response.status_code == 200
    assert "「用户名」含有不可见的控制字符" in text(response)
    long_name = client.post("/login", data={"username": "a" * 50_000, "password": "x" * 12,
                                            "csrf_token": token})
    assert "「用户名」不超过64个字符" in text(long_name)


def test_a_nul_in_a_project_title_is_a_field_error_with_the_input_kept(client, world):
    user = client("cd_applicant")
    orgs = world["orgs"]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance))
    response = post_form(user, f"/start/project?edition_id={world['edition'].id}", {
        "edition_id": world["edition"].id, "owner_org_id": orgs["ent_cloudwise"].id,
        "title": "视觉\x00引导", "project_type": "tech_transfer",
        "recommender_org_id": orgs["city_chengdu"].id}, action=None)
    assert response.status_code == 422
    assert "「项目名称」含有不可见的控制字符" in text(response)
    assert "视觉" in text(response)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)) == before


def test_a_nul_in_a_draft_is_refused_and_nothing_is_stored(client, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    before = state_of(application.instance.id)
    response = post_form(user, url, {"studio_name": "智造\x00工作室", "cover.project_name": "半成品"},
                         action="save_draft")
    assert response.status_code == 422
    html = text(response)
    assert "「科创工作室名称」含有不可见的控制字符" in html
    assert "半成品" in html  # the input is kept on the form
    assert state_of(application.instance.id) == before
    saved = post_form(user, url, {"cover.project_name": "半成品"}, action="save_draft")
    assert saved.status_code == 200, "an incomplete draft still saves"
    assert len(state_of(application.instance.id)[2]) == 1


def test_a_nul_in_a_submitted_field_is_refused_and_the_instance_untouched(client, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    before = state_of(application.instance.id)
    response = post_form(user, url, {"team.members.0.name": "张\x00三", "studio_name": "智造工作室"})
    assert response.status_code == 422
    assert "「姓名」含有不可见的控制字符" in text(response)
    assert state_of(application.instance.id) == before


def test_a_nul_in_an_admin_name_is_a_field_error(client, world):
    admin = client("admin")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    user = post_form(admin, "/admin/users/new", {"username": "zhao_yi", "display_name": "赵\x00一",
                                                 "password": "a-long-enough-pass"}, action=None)
    assert user.status_code == 422 and "「姓名」含有不可见的控制字符" in text(user)
    org = post_form(admin, "/admin/orgs/new", {"code": "soc_x", "name": "新\x00学会",
                                               "org_type": "society"}, action=None)
    assert org.status_code == 422 and "「机构名称」含有不可见的控制字符" in text(org)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    assert db.session.scalar(sa.select(Org).filter_by(code="soc_x")) is None


@pytest.mark.parametrize("username,url", [
    ("admin", "/instances?q=%00"), ("admin", "/instances?owner=a%00b"),
    ("cd_recommender", "/?process=%00"), ("cd_recommender", "/?sector=x%01"),
    ("admin", "/admin/users?q=%00"), ("admin", "/api/v1/instances?q=%00"),
])
def test_a_control_character_in_a_search_is_a_422_naming_it(client, username, url):
    response = client(username).get(url)
    assert response.status_code == 422, text(response)[:500]
    assert "含有不可见的控制字符" in text(response)


def test_a_50_kb_search_is_a_422_with_its_cap(client, application):
    response = client("admin").get("/instances?q=" + "科" * 50_000)
    assert response.status_code == 422
    assert "「关键词」不超过100字（当前50000字）" in text(response)
    api = client("admin").get("/api/v1/instances?q=" + "a" * 50_000)
    assert api.status_code == 422 and api.mimetype == "application/problem+json"


def test_like_wildcards_in_a_search_are_the_characters_typed(client, world):
    admin = client("admin")
    listed = re.compile(r'href="/admin/users/\d+"')
    assert listed.search(text(admin.get("/admin/users?q=cd_")))  # cd_applicant …
    assert not listed.search(text(admin.get("/admin/users?q=%25%25")))  # "%" is no wildcard
    assert not listed.search(text(admin.get("/admin/users?q=c__applicant")))  # "_" neither


def test_ids_past_the_database_integer_are_no_id(client, world, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    response = post_form(user, f"{url}/delegate", {"to_user_id": str(2**63), "reason": "请假"},
                         action=None)
    never_5xx(response, "delegate to 2**63")
    for path in ("/instances?city=9223372036854775808", "/?city=99999999999999999999999",
                 f"/editions/{world['edition'].id}/selection?city=9223372036854775808"):
        never_5xx(client("sel_innovation").get(path), path)


def test_a_600_kb_text_is_a_field_error_with_the_input_kept_not_a_413(client, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    before = state_of(application.instance.id)
    response = post_form(user, url, {"key_measures": "科" * 200_000}, action="save_draft")
    assert response.status_code == 422
    html = text(response)
    assert "不超过2000字（当前200000字）" in html
    assert "科" * 1000 in html  # what was typed is on the form again
    assert state_of(application.instance.id) == before


def test_a_team_of_120_is_read_whole_not_a_413(client, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    members = {}
    for row in range(120):
        members.update({f"team.members.{row}.name": f"成员{row}", f"team.members.{row}.age": "40",
                        f"team.members.{row}.title": "研究员", f"team.members.{row}.title_level": "正高",
                        f"team.members.{row}.employer": "某研究院",
                        f"team.members.{row}.duty": "技术服务" * 100,
                        f"team.members.{row}.is_lead": ["false", "true"] if row == 0 else "false"})
    response = post_form(user, url, members, action="save_draft")
    assert response.status_code == 200, text(response)[:500]  # 1,000+ parts: the draft is saved
    assert len(state_of(application.instance.id)[2]) == 1


def test_a_request_past_the_hard_limit_is_a_413_page_that_sends_back(app, client):
    app.config["MAX_FORM_PARTS"], limit = 50, app.config["MAX_FORM_PARTS"]
    try:
        user = client("cd_applicant")
        response = user.post("/account/tokens", data={f"f{n}": "x" for n in range(60)},
                             content_type="multipart/form-data")
        assert response.status_code == 413
        assert "data-history-back" in text(response) and "浏览器仍保留着您填写的内容" in text(response)
        api = user.post("/api/v1/account/tokens", data={f"f{n}": "x" for n in range(60)},
                        content_type="multipart/form-data")
        assert api.status_code == 413 and api.mimetype == "application/problem+json"
    finally:
        app.config["MAX_FORM_PARTS"] = limit


# Every form route, fed random values ---------------------------------------------------------

def routes(world, application) -> list[tuple[str, str, str, list[str], dict]]:
    """(user, method, url, fuzzed fields, fixed fields) for every form and search."""
    db.session.rollback()
    edition, call, orgs = world["edition"].id, world["grant_call"].id, world["orgs"]
    users = world["users"]
    task = task_url(application.instance, "submit_application")
    narrative = ["studio_name", "key_measures", "cover.project_name", "cover.contact_phone",
                 "budget.total_wan", "budget.lines.0.item", "budget.lines.0.amount_wan",
                 "team.members.0.name", "team.members.0.age", "team.members.0.is_lead",
                 "schedule.phases.0.start", "stamped_pdf_ref"]
    return [
        ("soc_mfg_applicant", "POST", task, narrative, {"_action": "save_draft"}),
        ("soc_mfg_applicant", "POST", task, narrative, {"_action": "submit"}),
        ("soc_mfg_applicant", "POST", f"{task}/delegate", ["to_user_id", "reason"], {}),
        ("soc_mfg_applicant", "POST", f"{task}/claim", ["next"], {}),
        ("cd_applicant", "POST", "/start/project",
         ["edition_id", "owner_org_id", "title", "project_type", "recommender_org_id"],
         {"edition_id": str(edition), "owner_org_id": str(orgs["ent_cloudwise"].id)}),
        ("soc_mfg_applicant", "POST", f"/start/grant/{call}", ["_society_org_id", "eligible"], {}),
        ("admin", "POST", "/admin/users/new", ["username", "display_name", "password"], {}),
        ("admin", "POST", "/admin/orgs/new", ["code", "name", "org_type", "parent_id", "city_id"], {}),
        ("admin", "POST", f"/admin/users/{users['my_recommender'].id}/roles", ["org_id", "role"], {}),
        ("admin", "POST", f"/admin/users/{users['my_recommender'].id}/password", ["password"], {}),
        ("admin", "POST", f"/admin/users/{users['my_recommender'].id}/active", ["active"], {}),
        ("admin", "POST", f"/admin/editions/{edition}",
         ["name", "collection_start", "quotas.opening", "sectors.0.code", "_action"], {}),
        ("admin", "POST", f"/admin/calls/{call}", ["title", "deadline", "criteria.0.code", "_action"], {}),
        ("admin", "POST", "/admin/calls/new", ["title", "kind", "_managing_org_id", "_action"], {}),
        ("admin", "POST", "/admin/editions/new", ["name", "number", "_action"], {}),
        ("cd_applicant", "POST", "/account/tokens", ["name", "days"], {}),
        ("sel_innovation", "POST", f"/editions/{edition}/selection/admit",
         ["project_ids", "admitted", "dept", "next"], {}),
        ("sel_innovation", "POST", f"/editions/{edition}/selection/place",
         ["project_id", "bucket", "sector", "dept"], {}),
        ("grant_officer", "POST", f"/calls/{call}/ranking", ["_action", "platform_score"], {}),
        ("sel_innovation", "POST", "/awards/open", ["edition_id"], {}),
        ("admin", "GET", "/instances", ["q", "owner", "status", "outcome", "city", "page"], {}),
        ("cd_recommender", "GET", "/", ["process", "task", "city", "sector", "due", "mine"], {}),
        ("admin", "GET", "/admin/users", ["q"], {}),
        ("sel_innovation", "GET", f"/editions/{edition}/selection",
         ["city", "type", "sector", "intent", "marked", "stage", "text", "sort", "page", "dept"], {}),
        ("cd_applicant", "GET", "/notifications", ["page"], {}),
        ("admin", "GET", "/api/v1/instances", ["q", "owner", "city", "page", "per_page"], {}),
        ("admin", "GET", "/api/v1/users", ["q", "page"], {}),
        ("cd_recommender", "GET", "/api/v1/tasks", ["process", "task", "city", "page"], {}),
    ]


def test_no_form_route_answers_random_values_with_a_5xx(client, world, application):
    clients, tokens, seen = {}, {}, {}
    for user, method, url, names, fixed in routes(world, application):
        if user not in clients:
            clients[user] = client(user)
            tokens[user] = csrf_token(text(clients[user].get("/account/tokens")))
        session, token = clients[user], tokens[user]

        @HOSTILE
        @given(values=form_values(names))
        def check(values):
            data = {**fixed, **values}
            if method == "GET":
                response = session.get(url, query_string=data)
            else:
                response = session.post(url, data={**data, "csrf_token": token},
                                        content_type="multipart/form-data")
            never_5xx(response, f"{method} {url} {_short(data)}")
            seen.setdefault(url, set()).add(response.status_code)
        check()
    # the values reached the views: not every request stopped at the CSRF check or the login
    assert not [url for url, statuses in seen.items() if statuses <= {400, 401}], seen


def _short(data: dict) -> dict:
    return {key: (value[:40] + f"…({len(value)})" if len(value) > 40 else value)
            for key, value in data.items()}


def test_the_api_draft_and_complete_answer_junk_json_with_a_4xx(api, application):
    machine = api("soc_mfg_applicant")
    task = task_url(application.instance, "submit_application").removeprefix("/tasks/")
    before = state_of(application.instance.id)
    junk = st.recursive(st.one_of(VALUE, st.integers(-2**80, 2**80), st.floats(), st.none(),
                                  st.booleans()),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.dictionaries(VALUE, inner, max_size=3)),
                        max_leaves=10)

    @HOSTILE
    @given(body=st.one_of(junk, st.fixed_dictionaries({}, optional={
        "studio_name": junk, "team": junk, "budget": junk, "cover": junk})))
    def check(body):
        for method, path in (("PUT", "draft"), ("POST", "complete")):
            response = machine.open(f"/api/v1/tasks/{task}/{path}", method=method, json=body)
            never_5xx(response, f"{method} {path} {str(body)[:200]}")
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"
    check()
    assert state_of(application.instance.id)[:2] == before[:2]  # never completed by junk


def test_a_nul_in_a_task_id_of_the_url_is_a_404(client):
    user = client("cd_applicant")
    assert user.get("/tasks/abc%00def").status_code == 404
    assert user.get("/api/v1/tasks/abc%00def").status_code in (401, 404)
