"""系统管理 → 用户与机构 through the test client: logged in through the real /login form, CSRF
on every POST, admins only, Chinese errors beside the fields with the input kept."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Org, User

from .login import FreshContextClient, csrf_token, logged_in

PAGES = ("/admin/users", "/admin/users/new", "/admin/orgs", "/admin/orgs/new")


@pytest.fixture
def admin(app, world):
    return logged_in(app, "admin")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def refused(response) -> str:
    """A refused form: shown again (422) with the input kept and every error beside its field."""
    assert response.status_code == 422, response.status_code
    return response.get_data(as_text=True)


def submit(client, url: str, data: dict, form_page: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with the CSRF token of the page holding the form."""
    token = csrf_token(text(client.get(form_page or url)))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def fresh(model, ident):
    """The row as the requests left it (end the test's read snapshot first)."""
    db.session.rollback()
    return db.session.get(model, ident)


def errors_for(html: str, name: str) -> list[str]:
    return re.findall(rf'data-error-for="{name}">([^<]+)<', html)


def user_id(world, username: str) -> int:
    return world["users"][username].id


def test_anonymous_visitor_is_sent_to_login(app, world):
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_non_admin_gets_403_on_every_page_and_action(app, world):
    client = logged_in(app, "grant_officer")
    for url in PAGES + (f"/admin/users/{user_id(world, 'cd_applicant')}",):
        assert client.get(url).status_code == 403, url
    token = csrf_token(text(client.get("/")))
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "intruder",
                                                     "display_name": "某人", "password": "0123456789"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(User).filter_by(username="intruder")) is None


def test_users_list_shows_orgs_and_roles_and_searches(admin):
    html = text(admin.get("/admin/users"))
    assert 'data-username="cd_recommender"' in html
    assert "成都云智装备科技有限公司 · 项目方/申报单位经办人" in html
    found = text(admin.get("/admin/users", query_string={"q": "李思远"}))
    assert 'data-username="cd_applicant"' in found and 'data-username="cd_recommender"' not in found
    assert 'data-username="expert_a"' in text(admin.get("/admin/users", query_string={"q": "EXPERT"}))
    assert "没有找到与“无此人”相符的用户" in text(admin.get("/admin/users", query_string={"q": "无此人"}))


def test_create_user_then_they_can_log_in(app, admin):
    response = submit(admin, "/admin/users/new", {"username": "zhang_wei", "display_name": "张伟",
                                                  "password": "secret-pass-1"})
    assert response.status_code == 302
    html = text(admin.get(response.headers["Location"]))
    assert "已创建用户“张伟”，请为其添加角色。" in html and "该用户暂无角色" in html
    logged_in(app, "zhang_wei", "secret-pass-1")


def test_new_user_errors_beside_fields_with_input_kept(admin):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    html = refused(submit(admin, "/admin/users/new", {"username": "cd_applicant", "display_name": "张伟",
                                                   "password": "short"}))
    assert errors_for(html, "password") == ["「初始密码」应为10至128个字符"]
    assert 'value="张伟"' in html and 'value="cd_applicant"' in html and "short" not in html
    html = refused(submit(admin, "/admin/users/new", {"username": "cd_applicant", "display_name": "张伟",
                                                   "password": "long-enough-1"}))
    assert errors_for(html, "username") == ["用户名「cd_applicant」已被使用"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_post_without_csrf_token_is_refused(admin):
    response = admin.post("/admin/users/new", data={"username": "zhang_wei", "display_name": "张伟",
                                                    "password": "secret-pass-1"})
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).filter_by(username="zhang_wei")) is None


def test_add_a_role_then_remove_it(world, admin):
    target, office = user_id(world, "my_applicant"), world["orgs"]["dept_office"]
    page = f"/admin/users/{target}"
    response = submit(admin, f"{page}/roles", {"org_id": office.id, "role": "expert"}, page)
    assert response.status_code == 302
    html = text(admin.get(page))
    assert "已添加角色：省科协办公室 · 评审专家。" in html
    assert f'data-role="expert" data-org="{office.code}"' in html
    assignment = next(r for r in fresh(User, target).roles if r.role == "expert")
    response = submit(admin, f"/admin/roles/{assignment.id}/remove", {}, page, follow_redirects=True)
    html = text(response)
    assert "已移除角色：省科协办公室 · 评审专家。" in html and 'data-role="expert"' not in html
    assert [r.role for r in fresh(User, target).roles] == ["applicant"]


def test_role_in_the_wrong_org_is_refused_beside_the_field_with_choice_kept(world, admin):
    target, city = user_id(world, "my_applicant"), world["orgs"]["city_chengdu"]
    page = f"/admin/users/{target}"
    html = refused(submit(admin, f"{page}/roles", {"org_id": city.id, "role": "selector"}, page))
    assert errors_for(html, "org_id") == ["「遴选人」只能在省科协部门中担任，成都市科学技术协会是市（州）科协"]
    assert f'<option value="{city.id}" selected>' in html and '<option value="selector" selected>' in html
    html = refused(submit(admin, f"{page}/roles", {"org_id": "", "role": ""}, page))
    assert errors_for(html, "org_id") == ["「机构」为必填项"] and errors_for(html, "role") == ["「角色」为必填项"]
    assert len(fresh(User, target).roles) == 1


def test_deactivated_user_cannot_log_in_and_admin_cannot_deactivate_themself(app, world, admin):
    target = user_id(world, "cd_applicant")
    html = text(submit(admin, f"/admin/users/{target}/active", {"active": "0"}, f"/admin/users/{target}",
                       follow_redirects=True))
    assert "账号已停用，该用户不能再登录。" in html and "启用账号" in html
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    token = csrf_token(text(client.get("/login")))
    refused = client.post("/login", data={"username": "cd_applicant", "password": "grantflow-demo",
                                          "csrf_token": token})
    assert refused.status_code == 200 and "用户名或密码错误" in refused.get_data(as_text=True)
    me = user_id(world, "admin")
    html = text(submit(admin, f"/admin/users/{me}/active", {"active": "0"}, f"/admin/users/{me}",
                       follow_redirects=True))
    assert "不能停用自己的账号" in html and fresh(User, me).active


def test_admin_cannot_remove_their_own_last_admin_role(world, admin):
    me = world["users"]["admin"]
    page = f"/admin/users/{me.id}"
    html = text(submit(admin, f"/admin/roles/{me.roles[0].id}/remove", {}, page, follow_redirects=True,
                       headers={"Referer": f"http://localhost{page}"}))
    assert "不能移除自己唯一的「系统管理员」角色" in html
    assert [r.role for r in fresh(User, me.id).roles] == ["admin"]


def test_reset_password(app, world, admin):
    target = user_id(world, "cd_applicant")
    page = f"/admin/users/{target}"
    html = refused(submit(admin, f"{page}/password", {"password": "123"}, page))
    assert errors_for(html, "password") == ["「新密码」应为10至128个字符"]
    html = text(submit(admin, f"{page}/password", {"password": "renewed-pass-9"}, page,
                       follow_redirects=True))
    assert "已重置“李思远”的密码，请告知本人。" in html
    logged_in(app, "cd_applicant", "renewed-pass-9")


def test_org_tree_lists_types_in_order(admin):
    html = text(admin.get("/admin/orgs"))
    positions = [html.index(f'data-org-type="{t}"') for t in
                 ("province_association", "department", "city_association", "society", "member_unit",
                  "finance_department")]
    assert positions == sorted(positions)
    assert html.count('data-org="city_') == 21
    assert "四川省科学技术协会" in html and "成都市科学技术协会" in html  # parent and 市州 shown


def test_create_org_and_errors_beside_fields(world, admin):
    city = world["orgs"]["city_leshan"]
    html = refused(submit(admin, "/admin/orgs/new", {"code": "province", "name": "乐山示例科技有限公司",
                                                  "org_type": "member_unit", "parent_id": "",
                                                  "city_id": ""}))
    assert errors_for(html, "city_id") == ["高校、院所、企业和县（市、区）科协须选择「所属市州」"]
    assert 'value="乐山示例科技有限公司"' in html and '<option value="member_unit" selected>' in html
    html = refused(submit(admin, "/admin/orgs/new", {"code": "province", "name": "乐山示例科技有限公司",
                                                  "org_type": "member_unit", "parent_id": "",
                                                  "city_id": city.id}))
    assert errors_for(html, "code") == ["机构代码「province」已被使用"]
    response = submit(admin, "/admin/orgs/new", {"code": "ent_leshan_demo", "name": "乐山示例科技有限公司",
                                                 "org_type": "member_unit", "parent_id": "",
                                                 "city_id": city.id}, follow_redirects=True)
    html = text(response)
    assert "已创建机构“乐山示例科技有限公司”。" in html and 'data-org="ent_leshan_demo"' in html
    db.session.rollback()
    org = db.session.scalar(sa.select(Org).filter_by(code="ent_leshan_demo"))
    assert (org.org_type, org.city_id) == ("member_unit", city.id)
