"""系统管理 · 用户与机构 over the API: accounts, passwords, role assignments and organisations —
the same use cases as the pages (services/shared/people.py, directory.py), the same forms
(forms/people_forms.py) and the same one admin check (people.check_admin: 403 for anyone else)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from forms import people_forms
from forms.base import FormSchema
from workflows.processes import ROLE_LABELS

from ..models import ORG_TYPES
from ..services.shared import directory, people
from . import PREFIX, idempotency, paging
from .bodies import form_body

blp = Blueprint("api_admin", __name__, url_prefix=PREFIX,
                description="系统管理 · 用户与机构（仅系统管理员）：用户、密码、角色分配与机构")


@blp.before_request
def admins_only():
    """The pages' one check (admin_people.admins_only asks the same function): 403 otherwise."""
    people.check_admin(current_user)


# Schemas ----------------------------------------------------------------------------------------

class AssignmentSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "角色分配的编号（移除时用）"})
    role = fields.String(required=True, metadata={"description": "角色代码", "enum": list(ROLE_LABELS)})
    role_label = fields.String(required=True, metadata={"description": "角色名称", "example": "推荐单位"})
    org_id = fields.Integer(required=True)
    org_name = fields.String(required=True)


class UserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True, metadata={"description": "用户名（登录名）"})
    display_name = fields.String(required=True, metadata={"description": "姓名"})
    email = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True, metadata={"description": "是否启用；停用的账号不能登录，其令牌失效"})
    created_at = fields.DateTime(required=True, allow_none=True)
    roles = fields.List(fields.Nested(AssignmentSchema), required=True)


class OrgSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "机构代码"})
    name = fields.String(required=True, metadata={"description": "机构名称"})
    org_type = fields.String(required=True, metadata={"description": "机构类型代码"})
    org_type_label = fields.String(required=True, metadata={"description": "机构类型", "example": "市（州）科协"})
    parent_id = fields.Integer(required=True, allow_none=True, metadata={"description": "上级机构"})
    city_id = fields.Integer(required=True, allow_none=True, metadata={"description": "所属市州"})
    assignments = fields.Integer(required=True, metadata={"description": "在此机构担任的角色数"})


class UserFilterSchema(paging.PageArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=100, error="「搜索」不能超过100个字"),
                      metadata={"label": "搜索", "description": "用户名或姓名中包含的文字"})


class OrgFilterSchema(paging.PageArgs):
    org_type = fields.String(load_default=None, validate=validate.OneOf(
        list(ORG_TYPES), error=f"「机构类型」的取值无效，可选：{'、'.join(ORG_TYPES)}"),
        metadata={"label": "机构类型", "description": "只列出这一类型的机构"})


class ActiveSchema(FormSchema):
    active = fields.Boolean(required=True, metadata={
        "label": "启用", "description": "true 启用；false 停用（不能停用自己）"})


def assignment_json(assignment) -> dict:
    return {"id": assignment.id, "role": assignment.role,
            "role_label": ROLE_LABELS.get(assignment.role, assignment.role),
            "org_id": assignment.org_id, "org_name": assignment.org.name}


def user_json(user) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "email": user.email, "active": user.active, "created_at": user.created_at,
            "roles": [assignment_json(r) for r in user.roles]}


def org_json(org, counts) -> dict:
    return {"id": org.id, "code": org.code, "name": org.name, "org_type": org.org_type,
            "org_type_label": ORG_TYPES.get(org.org_type, org.org_type),
            "parent_id": org.parent_id, "city_id": org.city_id, "assignments": counts[org.id]}


def user_location(user) -> dict:
    return {"Location": url_for("api_admin.get_user", user_id=user.id)}


# Users --------------------------------------------------------------------------------------------

@blp.get("/users")
@blp.doc(summary="用户（按用户名排序；可搜索用户名或姓名）")
@blp.arguments(UserFilterSchema, location="query")
@blp.response(200, paging.page_schema(UserSchema))
@blp.alt_response(403, response="FORBIDDEN")
def list_users(args):
    page = paging.page_of(directory.find_users(current_user, args["q"]), args)
    page = paging.Page([user_json(u) for u in page.items], page.page, page.per_page, page.total)
    return page, 200, paging.link_header(page)


@blp.post("/users")
@idempotency.idempotent
@blp.doc(summary="新建用户", description="新用户启用、暂无角色；初始密码首尾不能有空格。",
         parameters=[idempotency.HEADER_DOC])
@form_body(blp, people_forms.NewUserSchema)
@blp.response(201, UserSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_user(body):
    user = people.create_user(body, current_user)
    return user_json(user), 201, user_location(user)


@blp.get("/users/<int:user_id>")
@blp.doc(summary="一个用户及其角色")
@blp.response(200, UserSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_user(user_id: int):
    return user_json(directory.get_user(user_id, current_user))


@blp.patch("/users/<int:user_id>")
@blp.doc(summary="启用或停用账号", description="停用后该用户不能登录，其API令牌也不再有效；不能停用自己（403）。")
@blp.arguments(ActiveSchema, location="json")
@blp.response(200, UserSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def set_active(args, user_id: int):
    return user_json(people.set_active(user_id, args["active"], current_user))


@blp.post("/users/<int:user_id>/password")
@blp.doc(summary="重置密码", description="设置新密码（不少于10个字符，首尾不能有空格），请另行告知本人。")
@form_body(blp, people_forms.PasswordResetSchema)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def reset_password(body, user_id: int):
    password = body.get("password")
    people.reset_password(user_id, password if isinstance(password, str) else "", current_user)
    return "", 204


@blp.post("/users/<int:user_id>/roles")
@blp.doc(summary="添加角色", description="在一个机构中担任一个角色；角色只能在规定类型的机构中担任（422），"
         "已担任的角色 409。")
@form_body(blp, people_forms.RoleAssignmentSchema)
@blp.response(201, AssignmentSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def add_role(body, user_id: int):
    assignment = people.assign_role(user_id, body.get("org_id"), body.get("role"), current_user)
    return assignment_json(assignment), 201, user_location(assignment.user)


@blp.delete("/users/<int:user_id>/roles/<int:assignment_id>")
@blp.doc(summary="移除角色", description="不能移除自己唯一的「系统管理员」角色（403）。")
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def remove_role(user_id: int, assignment_id: int):
    people.remove_role(assignment_id, current_user, user_id=user_id)
    return "", 204


# Organisations --------------------------------------------------------------------------------------

@blp.get("/orgs")
@blp.doc(summary="机构（按类型：省科协 → 部门 → 市州 → …）")
@blp.arguments(OrgFilterSchema, location="query")
@blp.response(200, paging.page_schema(OrgSchema))
@blp.alt_response(403, response="FORBIDDEN")
def list_orgs(args):
    counts = directory.people_per_org()
    orgs = [org_json(org, counts) for group in directory.org_groups(current_user) for org in group.orgs
            if args["org_type"] in (None, org.org_type)]
    page = paging.page_of(orgs, args)
    return page, 200, paging.link_header(page)


@blp.post("/orgs")
@idempotency.idempotent
@blp.doc(summary="新建机构", description="机构代码唯一且创建后不可修改；高校、院所、企业和县（市、区）科协须有所属市州。",
         parameters=[idempotency.HEADER_DOC])
@form_body(blp, people_forms.NewOrgSchema)
@blp.response(201, OrgSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_org(body):
    org = people.create_org(body, current_user)
    return org_json(org, directory.people_per_org())
