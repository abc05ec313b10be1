"""The REST API /api/v1: flask-smorest blueprints over the same services as the pages — the
same permission and org-scope checks, the same forms (``forms/``), the same error handler
(``views/errors.py``, answering ``application/problem+json`` here). OpenAPI 3 at
/api/v1/openapi.json, Swagger UI at /api/v1/docs (served from app/static/vendor, no CDN).

Each area is one module with one ``blp``; ``install`` registers them all."""
from __future__ import annotations

import http
from importlib import import_module

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from . import problems

PREFIX = "/api/v1"
# the areas, each a module of this package with a ``blp`` (flask_smorest.Blueprint)
AREAS = ("meta", "definitions", "documents", "selection", "ranking", "figures", "kpis", "awards",
         "admin", "settings", "tokens", "instances", "notifications", "tasks")

DESCRIPTION = """grantflow 的 JSON 接口：网页能做的事，这里都能做，规则相同（同一处判断权限与机构范围）。

* 认证：在「API令牌」页面创建令牌，请求头 `Authorization: Bearer gf_…`；或浏览器登录会话（写操作须带 `X-CSRFToken`）。
* 错误：`application/problem+json`，含机器可读的 `code`、中文 `detail` 与各字段的 `errors`；超出权限范围的对象一律 404。
* 分页：`page`、`per_page`（最多 100）；响应含 `total`、`pages` 与 `Link` 头。
* 并发：实例的 `ETag`，改动时可带 `If-Match`（不符 → 412）；发起与提交可带 `Idempotency-Key`（重试只执行一次）。
"""


class GrantflowApi(Api):
    """flask-smorest's Api without its app-wide HTTPException handler: the app's one error
    handler (views/errors.py) answers every error, as problem+json under /api."""

    ERROR_SCHEMA = problems.ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        """Every error response (one per status, and each operation's ``default``) is a
        Problem, as ``application/problem+json``."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（problem+json）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = GrantflowApi()


def install(app: Flask) -> None:
    app.config.update(
        API_TITLE="grantflow API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX, OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None, "persistAuthorization": True},
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/", "description": "本系统"}],
            "security": [{"bearerToken": []}, {"sessionCookie": []}],
            "components": {"securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "API令牌（gf_ 开头），在「API令牌」页面创建"},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                                  "description": "浏览器登录会话；写操作另须 X-CSRFToken 头"}}},
        })
    app.json.ensure_ascii = False  # Chinese as it is, for people reading answers (curl, logs)
    api.init_app(app)
    from . import auth, form_docs
    form_docs.install(api)  # the forms' validators in the contract (pattern, length, choices)
    from ..extensions import csrf
    for area in AREAS:
        blueprint = import_module(f"{__name__}.{area}").blp
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # a token needs none; a session's writes are checked in auth
    from .tasks import register_form_schemas
    register_form_schemas(api.spec)  # each step's form, named by a task's form_schema
    auth.install(app)
