"""A JSON body handed to the service as sent: documented with the page's form schema (forms/),
validated by the service that validates the page's form — so the API and the page refuse the
same input with the same Chinese per-field errors, and nothing is checked twice or differently
(a form schema trims text; a password must reach the service untrimmed to be refused)."""
from __future__ import annotations

from functools import wraps

from flask import request
from marshmallow import Schema

from ..services.shared.errors import InvalidInput


def form_body(blp, schema: type[Schema] | Schema, description: str = ""):
    """Pass the request's JSON object to the view as its first argument; document ``schema``
    as the request body."""
    body_doc = {"required": True, "content": {"application/json": {"schema": schema}}}
    if description:
        body_doc["description"] = description

    def decorate(view):
        @wraps(view)
        def with_body(*args, **kwargs):
            return view(json_object(), *args, **kwargs)
        return blp.doc(requestBody=body_doc)(with_body)
    return decorate


def json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput({"_schema": ["请求体应为 JSON 对象（Content-Type: application/json）"]})
    return body
