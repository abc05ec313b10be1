"""服务状态与当前用户: /api/v1/health (public) and /api/v1/me."""
from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from workflows.processes import ROLE_LABELS

from ..extensions import db
from . import PREFIX

blp = Blueprint("api_meta", __name__, url_prefix=PREFIX, description="服务状态与当前用户")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class RoleSchema(Schema):
    role = fields.String(required=True, metadata={"description": "角色代码", "example": "recommender"})
    role_label = fields.String(required=True, metadata={"description": "角色名称", "example": "推荐单位"})
    org_id = fields.Integer(required=True)
    org_name = fields.String(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    roles = fields.List(fields.Nested(RoleSchema), required=True)


def role_json(assignment) -> dict:
    return {"role": assignment.role, "role_label": ROLE_LABELS.get(assignment.role, assignment.role),
            "org_id": assignment.org_id, "org_name": assignment.org.name}


@blp.get("/health")
@blp.doc(security=[], summary="服务状态（无需认证）")
@blp.response(200, HealthSchema)
def health():
    db.session.execute(sa.select(1))
    return {"status": "ok"}


@blp.get("/me")
@blp.doc(summary="当前用户：账号与各机构中的角色")
@blp.response(200, MeSchema)
def me():
    user = current_user
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "email": user.email, "roles": [role_json(r) for r in user.roles]}
