"""Accounts administration: users, passwords, role assignments and organisations (admins only)."""
from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from workflows import clock
from workflows.processes import ROLE_LABELS

from ...extensions import db
from ...models import ORG_TYPES, Org, RoleAssignment, User
from . import visibility
from .common import get_or_404, validated
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .unit_of_work import transaction

ANY_ORG = None
# Where each role may be held: org types, or ANY_ORG (评审专家 and 系统管理员 serve anywhere).
ROLE_ORG_TYPES: dict[str, tuple[str, ...] | None] = {
    "applicant": ("member_unit", "society", "financial_institution"),
    "recommender": ("city_association", "county_association", "society", "department",
                    "partner_association"),  # 兄弟省市科协 recommend to the province
    "selector": ("department",),
    "grant_officer": ("department",),
    "finance_officer": ("finance_department",),
    "finance_reviewer": ("finance_department",),
    "concierge": ("province_association", "department", "city_association",
                  "county_association", "society", "partner_association"),
    "expert": ANY_ORG,
    "admin": ANY_ORG,
}


def is_admin(user: User) -> bool:
    return bool(user.active and visibility.is_admin(user))


def check_admin(user: User) -> None:
    if not is_admin(user):
        raise PermissionDenied("仅系统管理员可以管理用户、机构和角色")


def create_user(raw: dict, admin: User) -> User:
    """A new active user with a hashed initial password (and no roles yet)."""
    with transaction():
        check_admin(admin)
        _check_untrimmed(raw, "password", "初始密码")
        data = validated("new_user", raw)
        if db.session.scalar(sa.select(User.id).filter_by(username=data["username"])):
            raise InvalidInput({"username": [f"用户名「{data['username']}」已被使用"]})
        user = User(username=data["username"], display_name=data["display_name"],
                    password_hash=generate_password_hash(data["password"]), created_at=clock.now())
        db.session.add(user)
    return user


def set_active(user_id: int, active: bool, admin: User) -> User:
    """Activate or deactivate an account (a deactivated user can no longer log in)."""
    with transaction():
        check_admin(admin)
        user = get_or_404(User, user_id, "用户不存在")
        if user.id == admin.id and not active:
            raise PermissionDenied("不能停用自己的账号")
        user.active = active
    return user


def reset_password(user_id: int, new_password: str, admin: User) -> User:
    with transaction():
        check_admin(admin)
        user = get_or_404(User, user_id, "用户不存在")
        _check_untrimmed({"password": new_password}, "password", "新密码")
        data = validated("password_reset", {"password": new_password})
        user.password_hash = generate_password_hash(data["password"])
    return user


def assign_role(user_id: int, org_id, role, admin: User) -> RoleAssignment:
    """Give ``user_id`` the role ``role`` in the org ``org_id``, where that role may be held."""
    with transaction():
        check_admin(admin)
        user = get_or_404(User, user_id, "用户不存在")
        data = validated("role_assignment", {"org_id": org_id, "role": role})
        org = db.session.get(Org, data["org_id"])
        if org is None:
            raise InvalidInput({"org_id": ["「机构」不存在"]})
        _check_place(data["role"], org)
        if user.holds(data["role"], org.id):
            raise Conflict(f"{user.display_name}已在{org.name}担任「{ROLE_LABELS[data['role']]}」")
        assignment = RoleAssignment(user_id=user.id, org_id=org.id, role=data["role"])
        db.session.add(assignment)
        user.roles.append(assignment)
    return assignment


def remove_role(assignment_id: int, admin: User, user_id: int | None = None) -> RoleAssignment:
    """Take a role away (of ``user_id``'s, when given: another user's is "not found"); returns
    the removed assignment (for the message)."""
    with transaction():
        check_admin(admin)
        assignment = get_or_404(RoleAssignment, assignment_id, "角色分配不存在")
        if user_id is not None and assignment.user_id != user_id:
            raise NotFound("角色分配不存在")
        if assignment.user_id == admin.id and assignment.role == "admin" and _admin_roles(admin) <= 1:
            raise PermissionDenied("不能移除自己唯一的「系统管理员」角色")
        user = assignment.user
        db.session.delete(assignment)
        db.session.flush()
        db.session.expire(user, ["roles"])  # reloaded without the removed role when next read
    return assignment


def create_org(raw: dict, admin: User) -> Org:
    """A new organisation: unique code, a known type, an existing parent, a 市州 where needed."""
    with transaction():
        check_admin(admin)
        data = validated("new_org", raw)
        _check_new_org(data)
        org = Org(code=data["code"], name=data["name"], org_type=data["org_type"],
                  parent_id=data["parent_id"], city_id=data["city_id"])
        db.session.add(org)
    return org


def allowed_org_types(role: str) -> str:
    """The Chinese names of the org types where ``role`` may be held."""
    types = ROLE_ORG_TYPES[role]
    return "任何机构" if types is ANY_ORG else "、".join(ORG_TYPES[t] for t in types)


def _admin_roles(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment)
                             .filter_by(user_id=user.id, role="admin"))


def _check_place(role: str, org: Org) -> None:
    types = ROLE_ORG_TYPES[role]
    if types is not ANY_ORG and org.org_type not in types:
        raise InvalidInput({"org_id": [
            f"「{ROLE_LABELS[role]}」只能在{allowed_org_types(role)}中担任，"
            f"{org.name}是{ORG_TYPES.get(org.org_type, org.org_type)}"]})


def _check_new_org(data: dict) -> None:
    errors: dict[str, list[str]] = {}
    if data["org_type"] not in ORG_TYPES:
        errors["org_type"] = [f"「机构类型」的取值无效，可选：{'、'.join(ORG_TYPES.values())}"]
    if db.session.scalar(sa.select(Org.id).filter_by(code=data["code"])):
        errors["code"] = [f"机构代码「{data['code']}」已被使用"]
    if data["parent_id"] is not None and db.session.get(Org, data["parent_id"]) is None:
        errors["parent_id"] = ["「上级机构」不存在"]
    if data["city_id"] is not None:
        city = db.session.get(Org, data["city_id"])
        if city is None or city.org_type != "city_association":
            errors["city_id"] = ["「所属市州」须为一个市（州）科协"]
    if errors:
        raise InvalidInput(errors)


def _check_untrimmed(raw: dict, key: str, label: str) -> None:
    """Forms strip text; a password must be used exactly as typed, so refuse edge spaces."""
    value = raw.get(key)
    if isinstance(value, str) and value != value.strip():
        raise InvalidInput({key: [f"「{label}」首尾不能有空格"]})
