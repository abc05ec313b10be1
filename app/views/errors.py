"""The one error handler: a refused use case or HTTP error becomes its page, or under /api an
``application/problem+json`` document (app/api/problems.py)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from forms.errors import flatten_messages

from ..services.shared.errors import (Conflict, InvalidInput, NotFound, PermissionDenied,
                                      ServiceError)

# status → (code for a machine, page title, message when the error brings none of its own)
ANSWERS = {
    400: ("bad_request", "请求无效", "请求无效或表单已过期，请返回重试。"),
    401: ("unauthorized", "请先登录", "请先登录。"),
    403: ("forbidden", "无权访问", "您没有执行此操作的权限。"),
    404: ("not_found", "页面不存在", "您访问的页面不存在，或您无权查看。"),
    405: ("method_not_allowed", "请求方法无效", "该地址不支持此请求方法。"),
    406: ("not_acceptable", "无法提供", "无法以所要求的格式答复。"),
    409: ("conflict", "无法办理", "该事项已变化，请刷新后重试。"),
    412: ("precondition_failed", "版本已变化", "该项目已被修改（If-Match 与当前版本不符），请重新读取后重试。"),
    413: ("too_large", "提交的内容过大",
          "提交的内容超过系统上限（单个文件或整个请求不超过20MB，单个文本字段不超过1MB，"
          "一张表单不超过10000项），本次未保存任何内容。请返回上一页——浏览器仍保留着您填写的内容——"
          "删减过长的文字或表格行、分次上传较大的文件后再提交。"),
    415: ("unsupported_media_type", "格式不支持", "请求体的格式不受支持，请发送 JSON。"),
    422: ("invalid_input", "输入有误", "输入有误，请修改后重试。"),
    428: ("precondition_required", "缺少版本条件", "此操作须带 If-Match 头。"),
    503: ("service_unavailable", "服务暂不可用", "数据库暂时无法访问，本次操作未能完成，请稍后重试。"),
}
RETRY_AFTER_SECONDS = "5"  # a database restart takes seconds
CONCURRENT_WRITE = "该事项已被他人同时办理，请刷新后重试"
log = logging.getLogger("grantflow.errors")
STATUS_OF = ((NotFound, 404), (PermissionDenied, 403), (Conflict, 409), (InvalidInput, 422))
HANDLED_STATUSES = (400, 401, 403, 404, 405, 406, 412, 413, 415, 422, 428)


def install(app: Flask) -> None:
    app.register_error_handler(ServiceError, service_error)
    for status in HANDLED_STATUSES:
        app.register_error_handler(status, http_error)
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, database_error)


def status_of(error: ServiceError) -> int:
    """404 for anything out of scope, 403 refused, 409 a conflict, 422 refused input; any other
    refusal (the process model could not advance) is a conflict with the current state."""
    return next((status for kind, status in STATUS_OF if isinstance(error, kind)), 409)


def service_error(error: ServiceError):
    status = status_of(error)
    # 404: the same page as a missing id; 422: every field error is listed below the heading
    message = error.message if status in (403, 409) else None
    return answer(status, message, getattr(error, "errors", None), code=error.code)


def http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}  # webargs (the API's arguments): their errors
    errors = _field_errors(data.get("messages")) if data.get("messages") else None
    return answer(error.code or 500, data.get("message"), errors, headers=data.get("headers"))


def database_error(error: DBAPIError):
    """The database refused or could not be reached: a deadlock or serialization failure lost
    to a concurrent writer is a conflict (409); a lost connection, a server shut down or
    starting is 503 with Retry-After — a page that needs no database, never a 500 traceback.
    The pool replaces the dead connections (pool_pre_ping), so the retry works once it is back."""
    _rollback_quietly()
    if _lost_to_concurrent_writer(error):
        return answer(409, CONCURRENT_WRITE)
    log.warning("database unavailable for %s %s: %s", request.method, request.path, error.orig)
    return answer(503, headers={"Retry-After": RETRY_AFTER_SECONDS})


def _lost_to_concurrent_writer(error: DBAPIError) -> bool:
    """PostgreSQL's class 40 (transaction rollback: deadlock, serialization failure)."""
    return str(getattr(error.orig, "sqlstate", "") or "").startswith("40")


def _rollback_quietly() -> None:
    from ..extensions import db
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone: nothing to roll back on it
        db.session.close()


def _field_errors(messages: dict) -> dict:
    """webargs' {location: {field: [messages]}} as {dotted path: [messages]}: the request
    body's fields by their names, a query or header argument as "query.page"."""
    errors: dict = {}
    for location, nested in messages.items():
        prefix = "" if location in ("json", "form", "files") else location
        errors.update(flatten_messages(nested, prefix))
    return errors


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def answer(status: int, message: str | None = None, errors: dict | None = None,
           code: str | None = None, headers: dict | None = None):
    """The page — or under /api the problem+json document — for ``status``."""
    default_code, title, default = ANSWERS.get(status, ANSWERS[409])
    message, errors = message or default, errors or {}
    if is_api_request():
        from ..api.problems import problem
        return problem(status, code if code and status != 404 else default_code, title, message,
                       errors, headers)
    if status == 503:
        return _unavailable_page(title, message), status, headers or {}
    return render_template("errors/error.html", code=status, title=title, message=message,
                           errors=errors), status, headers or {}


def _unavailable_page(title: str, message: str) -> str:
    """The database is unreachable: a page that reads nothing from it — rendered without the
    context processors (Flask-Login's would load the signed-in user from the database)."""
    return current_app.jinja_env.get_template("errors/unavailable.html").render(
        code=503, title=title, message=message, retry_url=request.url)
