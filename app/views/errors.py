"""The one error handler: a refused use case or HTTP error becomes its page, or JSON under /api."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..services.shared.errors import (Conflict, InvalidInput, NotFound, PermissionDenied,
                                      ServiceError)

# status → (code in JSON, page title, message when the error brings none of its own)
ANSWERS = {
    400: ("bad_request", "请求无效", "请求无效或表单已过期，请返回重试。"),
    401: ("unauthorized", "请先登录", "请先登录。"),
    403: ("forbidden", "无权访问", "您没有执行此操作的权限。"),
    404: ("not_found", "页面不存在", "您访问的页面不存在，或您无权查看。"),
    409: ("conflict", "无法办理", "该事项已变化，请刷新后重试。"),
    413: ("too_large", "文件过大", "上传的文件超过大小限制。"),
    422: ("invalid_input", "输入有误", "输入有误，请修改后重试。"),
}
STATUS_OF = ((NotFound, 404), (PermissionDenied, 403), (Conflict, 409), (InvalidInput, 422))


def install(app: Flask) -> None:
    app.register_error_handler(ServiceError, service_error)
    for status in (400, 403, 404, 413):
        app.register_error_handler(status, http_error)


def status_of(error: ServiceError) -> int:
    """404 for anything out of scope, 403 refused, 409 a conflict, 422 refused input; any other
    refusal (the process model could not advance) is a conflict with the current state."""
    return next((status for kind, status in STATUS_OF if isinstance(error, kind)), 409)


def service_error(error: ServiceError):
    status = status_of(error)
    # 404: the same page as a missing id; 422: every field error is listed below the heading
    message = error.message if status in (403, 409) else None
    return answer(status, message, getattr(error, "errors", None))


def http_error(error: HTTPException):
    return answer(error.code or 500)


def answer(status: int, message: str | None = None, errors: dict | None = None):
    """The page — or under /api the JSON {"error", "message", "errors"} — for ``status``."""
    code, title, default = ANSWERS.get(status, ANSWERS[409])
    message, errors = message or default, errors or {}
    if request.path == "/api" or request.path.startswith("/api/"):
        return jsonify(error=code, message=message, errors=errors), status
    return render_template("errors/error.html", code=status, title=title, message=message,
                           errors=errors), status
