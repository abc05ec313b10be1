"""Conditional changes of an instance: its ``ETag`` (id and lock version) and ``If-Match``.

A client sends back the ETag it read; if the instance changed since, the change is refused
with 412 and nothing happens. The instance is read here, before the use case, and the use case
writes with ``UPDATE … WHERE lock_version = <this read>`` (steps/saving.py) — so a change
landing between this check and the commit is a 409, never a silent overwrite."""
from __future__ import annotations

from flask import request
from werkzeug.exceptions import PreconditionFailed

from ..extensions import db
from ..models import ProcessInstance, Task

IF_MATCH_DOC = {"in": "header", "name": "If-Match", "required": False,
                "schema": {"type": "string"},
                "description": "实例的 ETag（读取实例或事项时返回）；实例已变化则 412，不做任何改动"}


def etag_of(instance: ProcessInstance) -> str:
    return f'"i{instance.id}-v{instance.lock_version}"'


def etag_header(instance: ProcessInstance) -> dict:
    return {"ETag": etag_of(instance)}


def check_if_match(instance: ProcessInstance) -> None:
    """412 when the request's If-Match names another version of ``instance``."""
    check_if_match_tag(etag_of(instance))


def check_if_match_tag(current: str) -> None:
    """412 when the request's If-Match names none of ``current`` (no header, or "*": no
    condition) — for an instance, or a call's settings version."""
    wanted = request.headers.get("If-Match")
    if wanted is None or wanted.strip() == "*":
        return
    if current not in {tag.strip().removeprefix("W/") for tag in wanted.split(",")}:
        raise PreconditionFailed()


def check_task_if_match(task_id: str) -> None:
    """If-Match against the instance of a task (a task that is gone is the use case's answer:
    handled meanwhile, or not found)."""
    if request.headers.get("If-Match") is None:
        return
    task = db.session.get(Task, task_id)
    if task is None:
        return
    check_if_match(task.instance)

