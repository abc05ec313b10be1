"""系统管理 · 用户与机构 over the API, driven as an integrator would: an admin creates a user,
gives them a role and the user works with a token of their own; anyone else gets 403 (as the
pages answer); invalid input is 422 with Chinese per-field errors and nothing created."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Org, RoleAssignment, User
from app.services.shared import api_tokens
from tests.web.login import csrf_token, logged_in

from .conftest import api_client

NEW_USER = {"username": "api_new_officer", "display_name": "邵明远", "password": "Tianfu-2024-xyz"}


def count(model, **where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_an_admin_creates_a_user_and_gives_them_a_role(ctx, world, api):
    admin = api("admin")
    created = admin.post("/api/v1/users", json=NEW_USER)
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["username"] == "api_new_officer" and user["active"] is True and user["roles"] == []
    assert "password" not in user and created.headers["Location"].endswith(f"/api/v1/users/{user['id']}")

    city = world["orgs"]["city_chengdu"].id
    role = admin.post(f"/api/v1/users/{user['id']}/roles", json={"org_id": city, "role": "recommender"})
    assert role.status_code == 201, role.get_json()
    assert role.get_json()["role_label"] == "推荐单位审核人" and role.get_json()["org_id"] == city
    shown = admin.get(created.headers["Location"]).get_json()
    assert [(r["role"], r["org_id"]) for r in shown["roles"]] == [("recommender", city)]

    again = admin.post(f"/api/v1/users/{user['id']}/roles", json={"org_id": city, "role": "recommender"})
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"

    # the new user logs in with the password set over the API and works under the new role
    made = api_tokens.create_token(db.session.get(User, user["id"]), "新用户的令牌", 30)
    me = api_client(ctx, made.secret).get("/api/v1/me").get_json()
    assert [r["role"] for r in me["roles"]] == ["recommender"]
    assert logged_in(ctx, "api_new_officer", NEW_USER["password"]).get("/").status_code == 200


def test_a_non_admin_is_refused_everything_as_on_the_pages(ctx, world, api):
    officer = api("grant_officer")
    someone = world["users"]["cd_applicant"].id
    answers = [officer.get("/api/v1/users"), officer.get(f"/api/v1/users/{someone}"),
               officer.post("/api/v1/users", json=NEW_USER),
               officer.patch(f"/api/v1/users/{someone}", json={"active": False}),
               officer.post(f"/api/v1/users/{someone}/password", json={"password": "x" * 12}),
               officer.post(f"/api/v1/users/{someone}/roles", json={"org_id": 1, "role": "admin"}),
               officer.get("/api/v1/orgs"),
               officer.post("/api/v1/orgs", json={"code": "x_org", "name": "某机构", "org_type": "society"})]
    assert [a.status_code for a in answers] == [403] * len(answers)
    assert {a.get_json()["code"] for a in answers} == {"forbidden"}
    assert count(User, username="api_new_officer") == 0
    assert count(RoleAssignment, user_id=someone) == 1
    assert db.session.get(User, someone).active
    page = logged_in(ctx, "grant_officer").get("/admin/users")
    assert page.status_code == 403  # the page answers the same


def test_invalid_input_is_422_in_chinese_per_field_and_creates_nothing(ctx, world, api):
    admin = api("admin")
    bad = admin.post("/api/v1/users", json={"username": "9x", "display_name": "", "password": "short"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    errors = bad.get_json()["errors"]
    assert set(errors) == {"username", "display_name", "password"}
    assert "「姓名」为必填项" in errors["display_name"] and "「初始密码」应为10至128个字符" in errors["password"]
    padded = admin.post("/api/v1/users", json={**NEW_USER, "password": " Tianfu-2024-xyz "})
    assert padded.get_json()["errors"] == {"password": ["「初始密码」首尾不能有空格"]}
    taken = admin.post("/api/v1/users", json={**NEW_USER, "username": "cd_applicant"})
    assert taken.get_json()["errors"] == {"username": ["用户名「cd_applicant」已被使用"]}
    unknown = admin.post("/api/v1/users", json={**NEW_USER, "is_admin": True})
    assert unknown.status_code == 422 and "is_admin" in unknown.get_json()["errors"]
    not_object = admin.post("/api/v1/users", json=["api_new_officer"])
    assert not_object.status_code == 422 and not_object.get_json()["errors"]["_schema"]
    assert count(User, username="api_new_officer") == 0

    applicant = world["users"]["cd_applicant"].id
    wrong_place = admin.post(f"/api/v1/users/{applicant}/roles",
                             json={"org_id": world["orgs"]["city_chengdu"].id, "role": "selector"})
    assert wrong_place.status_code == 422
    assert wrong_place.get_json()["errors"]["org_id"] == ["「遴选人」只能在省科协部门中担任，成都市科学技术协会是市（州）科协"]
    no_role = admin.post(f"/api/v1/users/{applicant}/roles", json={"org_id": 999999})
    assert set(no_role.get_json()["errors"]) >= {"role"}
    assert count(RoleAssignment, user_id=applicant) == 1

    org = admin.post("/api/v1/orgs", json={"code": "ent_new", "name": "某新企业", "org_type": "member_unit"})
    assert org.status_code == 422
    assert org.get_json()["errors"]["city_id"] == ["高校、院所、企业和县（市、区）科协须选择「所属市州」"]
    assert count(Org, code="ent_new") == 0


def test_deactivate_reset_password_and_remove_a_role(ctx, world, api):
    admin = api("admin")
    target = world["users"]["cd_recommender"]
    their_token = api_tokens.create_token(target, "推荐单位对接", 90).secret
    assert api_client(ctx, their_token).get("/api/v1/me").status_code == 200

    off = admin.patch(f"/api/v1/users/{target.id}", json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert api_client(ctx, their_token).get("/api/v1/me").status_code == 401  # a stopped account's token is dead
    on = admin.patch(f"/api/v1/users/{target.id}", json={"active": True})
    assert on.get_json()["active"] is True
    assert admin.patch(f"/api/v1/users/{target.id}", json={"active": "maybe"}).get_json()["errors"] == {
        "active": ["「启用」应为“是”或“否”"]}

    me = world["users"]["admin"].id
    self_stop = admin.patch(f"/api/v1/users/{me}", json={"active": False})
    assert self_stop.status_code == 403 and self_stop.get_json()["detail"] == "不能停用自己的账号"

    reset = admin.post(f"/api/v1/users/{target.id}/password", json={"password": "Neue-Passwort-42"})
    assert reset.status_code == 204
    assert logged_in(ctx, "cd_recommender", "Neue-Passwort-42").get("/").status_code == 200
    short = admin.post(f"/api/v1/users/{target.id}/password", json={"password": "kurz"})
    assert short.status_code == 422 and short.get_json()["errors"]["password"] == ["「新密码」应为10至128个字符"]

    assignment = target.roles[0].id
    other = world["users"]["cd_applicant"].id
    assert admin.delete(f"/api/v1/users/{other}/roles/{assignment}").status_code == 404
    assert admin.delete(f"/api/v1/users/{target.id}/roles/{assignment}").status_code == 204
    assert admin.get(f"/api/v1/users/{target.id}").get_json()["roles"] == []
    assert admin.delete(f"/api/v1/users/{target.id}/roles/{assignment}").status_code == 404
    own_admin = world["users"]["admin"].roles[0].id
    last = admin.delete(f"/api/v1/users/{me}/roles/{own_admin}")
    assert last.status_code == 403 and "唯一的「系统管理员」角色" in last.get_json()["detail"]


def test_lists_are_paged_and_searchable(ctx, world, api):
    admin = api("admin")
    first = admin.get("/api/v1/users?per_page=2")
    body = first.get_json()
    assert first.status_code == 200 and len(body["items"]) == 2 and body["total"] == count(User)
    assert 'rel="next"' in first.headers["Link"]
    names = [u["username"] for u in body["items"]]
    assert names == sorted(names)
    found = admin.get("/api/v1/users", query_string={"q": "cd_"}).get_json()["items"]
    assert found and all("cd_" in u["username"] or "cd_" in u["display_name"] for u in found)
    assert admin.get("/api/v1/users?per_page=500").get_json()["errors"] == {
        "query.per_page": ["「每页条数」应为1至100之间的整数"]}
    orgs = admin.get("/api/v1/orgs", query_string={"org_type": "city_association", "per_page": 100}).get_json()
    assert orgs["items"] and {o["org_type_label"] for o in orgs["items"]} == {"市（州）科协"}
    chengdu = next(o for o in orgs["items"] if o["id"] == world["orgs"]["city_chengdu"].id)
    assert chengdu["assignments"] >= 1


def test_an_admin_creates_an_org_once_even_when_retried(ctx, world, api):
    admin = api("admin")
    body = {"code": "soc_alpine_flora", "name": "高山植物学会", "org_type": "society"}
    headers = {"Idempotency-Key": "org-create-1"}
    first = admin.post("/api/v1/orgs", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = admin.post("/api/v1/orgs", json=body, headers=headers)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert count(Org, code="soc_alpine_flora") == 1
    duplicate = admin.post("/api/v1/orgs", json=body)
    assert duplicate.get_json()["errors"]["code"] == ["机构代码「soc_alpine_flora」已被使用"]


def test_a_session_write_needs_csrf_and_the_paths_are_in_the_contract(ctx, world):
    admin = logged_in(ctx, "admin")
    refused = admin.post("/api/v1/users", json=NEW_USER)
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf_failed"
    token = csrf_token(admin.get("/admin/users/new").get_data(as_text=True))
    assert admin.post("/api/v1/users", json=NEW_USER, headers={"X-CSRFToken": token}).status_code == 201
    paths = admin.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/users", "/api/v1/users/{user_id}", "/api/v1/users/{user_id}/password",
                 "/api/v1/users/{user_id}/roles", "/api/v1/users/{user_id}/roles/{assignment_id}",
                 "/api/v1/orgs"):
        assert path in paths, path
    body = paths["/api/v1/users"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/NewUser")
