"""API令牌: my tokens (never their secrets) and revoking one. Tokens are created in the UI only
(「API令牌」 page), where the secret is shown once to the person who asked for it."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..services.shared import api_tokens as service
from . import PREFIX, paging

blp = Blueprint("api_tokens", __name__, url_prefix=f"{PREFIX}/tokens",
                description="API令牌：查看本人的令牌（不含令牌本身）与吊销令牌。"
                            "令牌只能在网页「API令牌」页面创建，创建时只显示一次。")


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "令牌名称", "example": "单位财务系统对接"})
    prefix = fields.String(required=True, metadata={"description": "令牌的前几个字符，用于辨认", "example": "gf_Xa3kq9P"})
    created_at = fields.DateTime(required=True, metadata={"description": "创建时间"})
    expires_at = fields.DateTime(required=True, metadata={"description": "有效期至"})
    last_used_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "最后使用时间（约每10分钟记录一次）"})
    revoked_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "吊销时间"})
    state = fields.String(required=True, metadata={"description": "状态代码：active, expired, revoked",
                                                   "enum": list(service.STATE_LABELS)})
    state_label = fields.String(required=True, metadata={"description": "状态：有效、已过期、已吊销"})


def token_json(token) -> dict:
    state = service.state_of(token)
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at, "expires_at": token.expires_at,
            "last_used_at": token.last_used_at, "revoked_at": token.revoked_at,
            "state": state, "state_label": service.STATE_LABELS[state]}


@blp.get("")
@blp.doc(summary="我的API令牌（由新到旧，不含令牌本身）")
@blp.arguments(paging.PageArgs, location="query")
@blp.response(200, paging.page_schema(TokenSchema))
def list_tokens(args):
    page = paging.page_of(service.tokens_of(current_user), args, token_json)
    return page, 200, paging.link_header(page)


@blp.delete("/<int:token_id>")
@blp.doc(summary="吊销令牌", description="吊销本人的令牌（系统管理员可吊销任何人的令牌）；"
         "吊销后使用它的请求一律 401 invalid_token。重复吊销无妨。吊销当前请求所用的令牌也可以。"
         "创建令牌请在网页「API令牌」页面进行。")
@blp.response(200, TokenSchema)
@blp.alt_response(404, response="NOT_FOUND")
def revoke(token_id: int):
    return token_json(service.revoke_token(token_id, current_user))
