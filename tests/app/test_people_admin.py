"""Accounts administration services: users, passwords, roles where they may be held, orgs."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import Org, User
from app.services.shared import people
from app.services.shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied

NEW_USER = {"username": "zhang_wei", "display_name": "张伟", "password": "secret-pass-1"}


@pytest.fixture
def admin(world):
    return world["users"]["admin"]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def messages(refusal) -> list[str]:
    return [m for msgs in refusal.value.errors.values() for m in msgs]


def test_create_user_hashes_the_password_and_starts_active(admin):
    user = people.create_user(NEW_USER, admin)
    assert (user.username, user.display_name, user.active, user.roles) == ("zhang_wei", "张伟", True, [])
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "secret-pass-1")


def test_username_must_be_unique(admin):
    with pytest.raises(InvalidInput) as refused:
        people.create_user({**NEW_USER, "username": "cd_applicant"}, admin)
    assert refused.value.errors == {"username": ["用户名「cd_applicant」已被使用"]}


@pytest.mark.parametrize("changes, field, words", [
    ({"password": "short"}, "password", "「初始密码」应为10至128个字符"),
    ({"password": " padded-password "}, "password", "「初始密码」首尾不能有空格"),
    ({"display_name": ""}, "display_name", "「姓名」为必填项"),
    ({"username": "9lives"}, "username", "「用户名」格式不正确"),
])
def test_new_user_input_refused_in_chinese_and_nothing_written(admin, changes, field, words):
    before = count(User)
    with pytest.raises(InvalidInput) as refused:
        people.create_user({**NEW_USER, **changes}, admin)
    assert any(words in m for m in refused.value.errors[field]), refused.value.errors
    assert count(User) == before


def test_non_admin_is_refused_by_every_use_case(world):
    officer, target = world["users"]["grant_officer"], world["users"]["cd_applicant"]
    calls = [lambda: people.create_user(NEW_USER, officer),
             lambda: people.set_active(target.id, False, officer),
             lambda: people.reset_password(target.id, "another-pass-1", officer),
             lambda: people.assign_role(target.id, world["orgs"]["ent_greenfield"].id, "applicant", officer),
             lambda: people.remove_role(target.roles[0].id, officer),
             lambda: people.create_org({"code": "x_org", "name": "某机构", "org_type": "society"}, officer)]
    for call in calls:
        with pytest.raises(PermissionDenied, match="仅系统管理员可以管理用户、机构和角色"):
            call()
    assert target.active and len(target.roles) == 1


def test_a_deactivated_admin_is_refused(world, admin):
    admin.active = False
    with pytest.raises(PermissionDenied):
        people.create_user(NEW_USER, admin)


def test_deactivate_and_reactivate(world, admin):
    target = world["users"]["cd_applicant"]
    assert people.set_active(target.id, False, admin).active is False
    assert target.is_active is False  # Flask-Login refuses the login
    assert people.set_active(target.id, True, admin).active is True


def test_admin_cannot_deactivate_themself(admin):
    with pytest.raises(PermissionDenied, match="不能停用自己的账号"):
        people.set_active(admin.id, False, admin)
    assert db.session.get(User, admin.id).active


def test_unknown_user_is_not_found(admin):
    with pytest.raises(NotFound, match="用户不存在"):
        people.set_active(99999, False, admin)


def test_reset_password(world, admin):
    target = world["users"]["cd_applicant"]
    people.reset_password(target.id, "brand-new-pass", admin)
    assert check_password_hash(db.session.get(User, target.id).password_hash, "brand-new-pass")
    with pytest.raises(InvalidInput) as refused:
        people.reset_password(target.id, "123", admin)
    assert messages(refused) == ["「新密码」应为10至128个字符"]


@pytest.mark.parametrize("role, org_code", [
    ("applicant", "ent_cloudwise"), ("applicant", "soc_energy"), ("recommender", "city_mianyang"),
    ("recommender", "soc_energy"), ("recommender", "dept_societies"), ("selector", "dept_office"),
    ("grant_officer", "dept_innovation"), ("finance_officer", "finance"),
    ("concierge", "province"), ("concierge", "soc_energy"), ("concierge", "city_chengdu"),
    ("expert", "uni_southwest"), ("expert", "finance"), ("admin", "dept_office"),
])
def test_role_may_be_held_where_the_rules_allow(world, admin, role, org_code):
    target = world["users"]["my_applicant"]
    assignment = people.assign_role(target.id, world["orgs"][org_code].id, role, admin)
    assert (assignment.role, assignment.org_id) == (role, world["orgs"][org_code].id)
    assert db.session.get(User, target.id).holds(role, world["orgs"][org_code].id)


@pytest.mark.parametrize("role, org_code, message", [
    ("applicant", "city_chengdu",
     "「项目方/申报单位经办人」只能在高校、院所、企业、省级学会、金融创投机构中担任，成都市科学技术协会是市（州）科协"),
    ("recommender", "ent_cloudwise", "「推荐单位审核人」只能在市（州）科协、县（市、区）科协、省级学会、省科协部门、兄弟省市科协中担任"),
    ("selector", "city_chengdu", "「遴选人」只能在省科协部门中担任"),
    ("grant_officer", "soc_energy", "「项目管理员」只能在省科协部门中担任"),
    ("finance_officer", "dept_office", "「财政经办人」只能在财政厅中担任"),
    ("concierge", "ent_cloudwise", "「科服保姆」只能在省科协、省科协部门、市（州）科协、县（市、区）科协、省级学会、兄弟省市科协中担任"),
])
def test_role_refused_where_it_may_not_be_held(world, admin, role, org_code, message):
    target = world["users"]["my_applicant"]
    with pytest.raises(InvalidInput) as refused:
        people.assign_role(target.id, world["orgs"][org_code].id, role, admin)
    assert messages(refused)[0].startswith(message)
    assert len(db.session.get(User, target.id).roles) == 1


def test_unknown_role_missing_org_and_duplicate_refused(world, admin):
    target, org = world["users"]["my_applicant"], world["orgs"]["ent_greenfield"]
    with pytest.raises(InvalidInput) as refused:
        people.assign_role(target.id, org.id, "boss", admin)
    assert messages(refused)[0].startswith("「角色」的取值无效")
    with pytest.raises(InvalidInput) as refused:
        people.assign_role(target.id, 99999, "expert", admin)
    assert refused.value.errors == {"org_id": ["「机构」不存在"]}
    with pytest.raises(InvalidInput) as refused:
        people.assign_role(target.id, "", "expert", admin)
    assert refused.value.errors == {"org_id": ["「机构」为必填项"]}
    with pytest.raises(Conflict, match="王雨桐已在绵阳绿野农业科技有限公司担任「项目方/申报单位经办人」"):
        people.assign_role(target.id, org.id, "applicant", admin)


def test_remove_role(world, admin):
    target = world["users"]["expert_d"]
    expert_role = next(r for r in target.roles if r.role == "expert")
    removed = people.remove_role(expert_role.id, admin)
    assert removed.role == "expert"
    assert [r.role for r in db.session.get(User, target.id).roles] == ["applicant"]
    with pytest.raises(NotFound, match="角色分配不存在"):
        people.remove_role(expert_role.id, admin)


def test_admin_cannot_remove_their_own_last_admin_role(world, admin):
    only = admin.roles[0]
    with pytest.raises(PermissionDenied, match="不能移除自己唯一的「系统管理员」角色"):
        people.remove_role(only.id, admin)
    second = people.assign_role(admin.id, world["orgs"]["dept_office"].id, "admin", admin)
    people.remove_role(only.id, admin)  # another admin role remains
    assert [r.id for r in db.session.get(User, admin.id).roles] == [second.id]
    with pytest.raises(PermissionDenied):
        people.remove_role(second.id, admin)


def test_admin_may_remove_another_admins_role(world, admin):
    other = people.create_user(NEW_USER, admin)
    role = people.assign_role(other.id, world["orgs"]["province"].id, "admin", admin)
    people.remove_role(role.id, admin)
    assert db.session.get(User, other.id).roles == []


def test_create_org(world, admin):
    chengdu = world["orgs"]["city_chengdu"].id
    org = people.create_org({"code": "ent_pandatech", "name": "成都熊猫智能科技有限公司",
                             "org_type": "member_unit", "parent_id": "", "city_id": str(chengdu)}, admin)
    assert (org.org_type, org.city_id, org.parent_id) == ("member_unit", chengdu, None)
    county = people.create_org({"code": "county_pixian", "name": "示例县科学技术协会",
                                "org_type": "county_association",
                                "parent_id": world["orgs"]["city_chengdu"].id,
                                "city_id": world["orgs"]["city_chengdu"].id}, admin)
    assert county.parent.code == "city_chengdu"


@pytest.mark.parametrize("changes, errors", [
    ({"code": "province"}, {"code": ["机构代码「province」已被使用"]}),
    ({"org_type": "club"}, {"org_type": ["「机构类型」的取值无效，可选：省科协、省科协部门、市（州）科协、"
                                         "县（市、区）科协、省级学会、高校、院所、企业、财政厅、金融创投机构、兄弟省市科协"]}),
    ({"org_type": "member_unit"}, {"city_id": ["高校、院所、企业和县（市、区）科协须选择「所属市州」"]}),
    ({"parent_id": 99999}, {"parent_id": ["「上级机构」不存在"]}),
    ({"code": "Bad Code"}, {"code": ["「机构代码」格式不正确：只能包含小写字母、数字和下划线，且以字母开头"]}),
    ({"name": ""}, {"name": ["「机构名称」为必填项"]}),
])
def test_new_org_refused_in_chinese_and_nothing_written(world, admin, changes, errors):
    before = count(Org)
    raw = {"code": "soc_new_one", "name": "四川省示例学会", "org_type": "society",
           "parent_id": world["orgs"]["province"].id, **changes}
    with pytest.raises(InvalidInput) as refused:
        people.create_org(raw, admin)
    assert refused.value.errors == errors
    assert count(Org) == before


def test_city_must_be_a_city_association(world, admin):
    with pytest.raises(InvalidInput) as refused:
        people.create_org({"code": "ent_x", "name": "某公司", "org_type": "member_unit",
                           "city_id": world["orgs"]["soc_energy"].id}, admin)
    assert refused.value.errors == {"city_id": ["「所属市州」须为一个市（州）科协"]}


def test_every_role_has_a_placement_rule_over_known_org_types():
    from app.models import ORG_TYPES
    from workflows.processes import ROLE_LABELS
    assert set(people.ROLE_ORG_TYPES) == set(ROLE_LABELS)
    for types in people.ROLE_ORG_TYPES.values():
        assert types is None or set(types) <= set(ORG_TYPES)
    assert people.allowed_org_types("expert") == "任何机构"
