"""Errors of the API as RFC 9457 ``application/problem+json``: ``type``, ``title``, ``status``,
``detail`` (Chinese, for the person), ``code`` (for the machine) and ``errors`` (field path →
Chinese messages, for invalid input)."""
from __future__ import annotations

from flask import Response, json
from marshmallow import Schema, fields

MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    body = {"type": f"urn:grantflow:problem:{code}", "title": title, "status": status,
            "detail": detail, "code": code, "errors": errors or {}}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ProblemSchema(Schema):
    type = fields.String(required=True, metadata={"description": "urn:grantflow:problem:<code>"})
    title = fields.String(required=True, metadata={"description": "错误类别（中文）"})
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "说明（中文）"})
    code = fields.String(required=True, metadata={
        "description": "机器可读：not_found, forbidden, unauthorized, conflict, task_handled, "
                       "invalid_input, precondition_failed, idempotency_key_reused, "
                       "idempotency_in_progress, idempotency_interrupted, bad_request, too_large, "
                       "service_unavailable …"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         required=True, metadata={"description": "字段路径 → 中文错误信息"})


RESPONSE_NAMES = {403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                  412: "PRECONDITION_FAILED", 422: "UNPROCESSABLE_ENTITY"}


def refusals(blp, *statuses: int):
    """Document the refusals an operation may answer (each a Problem): ``@refusals(blp, 403, 404)``."""
    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=RESPONSE_NAMES[status])(view)
        return view
    return decorate
