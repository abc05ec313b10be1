"""Who calls the API: a bearer token (``Authorization: Bearer gf_…``, app/services/shared/
api_tokens.py) or the browser's login session. Every /api/v1 operation but the public ones
needs one of them (401 otherwise); a write over the session also needs the CSRF token, as a
page's form does (``X-CSRFToken``) — a token is not sent by a browser on its own, so needs none."""
from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..extensions import csrf, login_manager
from ..services.shared import api_tokens
from ..views.errors import answer
from . import PREFIX

PUBLIC = (f"{PREFIX}/openapi.json", f"{PREFIX}/docs", f"{PREFIX}/health")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return (secret.strip() or None) if scheme.lower() == "bearer" else None


def token_user():
    """The user of the request's bearer token (None without one, or with a dead one)."""
    if "api_token_user" not in g:
        secret = bearer_secret() if request.path.startswith("/api/") else None
        g.api_token_user = api_tokens.user_for_secret(secret) if secret else None
    return g.api_token_user


def install(app: Flask) -> None:
    login_manager.request_loader(lambda _request: token_user())
    app.before_request(api_caller_known)


def api_caller_known():
    path = request.path
    if not path.startswith(PREFIX + "/") or path.startswith(PUBLIC):
        return None
    if bearer_secret() is not None and token_user() is None:
        return answer(401, "API令牌无效、已过期或已吊销。", code="invalid_token", headers={
            "WWW-Authenticate": 'Bearer realm="grantflow", error="invalid_token"'})
    if not current_user.is_authenticated:
        return answer(401, "请先登录，或在请求头 Authorization 中带上API令牌（Bearer）。",
                      headers={"WWW-Authenticate": 'Bearer realm="grantflow"'})
    if request.method not in SAFE_METHODS and bearer_secret() is None:
        try:
            csrf.protect()  # the session's writes: the page's CSRF token, in X-CSRFToken
        except CSRFError:
            return answer(400, "通过登录会话写入时须在请求头 X-CSRFToken 中带上页面的CSRF令牌；"
                               "外部系统请使用API令牌。", code="csrf_failed")
    return None
