"""Each cell tried over HTTP as the person of its column: through the page (a logged-in test
client, CSRF token and all) and through /api/v1 (an API token). An allowed write is tried with
an empty form so that it gets past the permission check and stops at the form's validation
(422 with the field errors) — it proves the server let the person in without moving the
instance on; a denied one must be refused before that and change nothing."""
from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from app.extensions import db

from .matrix import ALLOW, FORBIDDEN, HIDDEN

# tables whose rows a refused request must leave alone (all of them, by count; these by content)
WATCHED = {"process_instances": ("id", "version", "status", "current_step"),
           "tasks": ("id", "claimed_by_id", "candidate_user_id"),
           "task_drafts": ("task_id", "user_id", "data")}
# rows a request writes whoever makes it: a token's last use
UNWATCHED = {"api_tokens", "idempotent_requests"}


def snapshot() -> str:
    """A digest of every table's row count and of the watched rows' content."""
    db.session.rollback()  # read what the requests (their own sessions) committed
    parts = {}
    for table in db.metadata.sorted_tables:
        if table.name in UNWATCHED:
            continue
        parts[table.name] = db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        if table.name in WATCHED:
            columns = [table.c[name] for name in WATCHED[table.name] if name in table.c]
            rows = db.session.execute(sa.select(*columns).order_by(*columns[:2])).all()
            parts[table.name + ".rows"] = [list(map(str, row)) for row in rows]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def outcome(status: int, allowed_as: tuple[int, ...]) -> str:
    """The matrix's word for an HTTP status."""
    if status == 404:
        return HIDDEN
    if status == 403:
        return FORBIDDEN
    if status in allowed_as:
        return ALLOW
    return f"HTTP {status}"


def page_post(person, url: str, data: dict | None = None):
    return person.page.post(url, data={**(data or {}), "csrf_token": person.page.csrf})


def status(response) -> int:
    """The status of a response, its body (a file being sent) closed."""
    response.close()
    return response.status_code


# tasks -----------------------------------------------------------------------------------------

def task_view(person, task_id: str) -> tuple[str, str]:
    return (outcome(person.page.get(f"/tasks/{task_id}").status_code, (200,)),
            outcome(person.api.get(f"/api/v1/tasks/{task_id}").status_code, (200,)))


def task_complete(person, task_id: str) -> tuple[str, str]:
    page = page_post(person, f"/tasks/{task_id}", {"_action": "submit"})
    api = person.api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
    return outcome(page.status_code, (422,)), outcome(api.status_code, (422,))


def task_draft(person, task_id: str) -> tuple[str, str]:
    page = page_post(person, f"/tasks/{task_id}", {"_action": "save_draft"})
    api = person.api.put(f"/api/v1/tasks/{task_id}/draft", json={"data": {}})
    return outcome(page.status_code, (200, 302)), outcome(api.status_code, (200,))


def task_claim(person, task_id: str) -> tuple[str, str]:
    """认领 then 释放 (allowed: the task is back as it was), through each route."""
    page = [page_post(person, f"/tasks/{task_id}/{verb}").status_code for verb in ("claim", "unclaim")]
    api = [person.api.post(f"/api/v1/tasks/{task_id}/{verb}").status_code
           for verb in ("claim", "release")]
    return _same(page, (302,)), _same(api, (200,))


def _same(statuses: list[int], allowed_as: tuple[int, ...]) -> str:
    found = {outcome(status, allowed_as) for status in statuses}
    return found.pop() if len(found) == 1 else f"mixed {statuses}"


def task_delegate(person, task_id: str) -> tuple[str, str]:
    """转办 to oneself with a reason: allowed gets past the permission check and is refused as
    "not a colleague" (422; the page flashes it: 302)."""
    body = {"to_user_id": person.user_id, "reason": "权限矩阵测试"}
    page = page_post(person, f"/tasks/{task_id}/delegate", body)
    api = person.api.post(f"/api/v1/tasks/{task_id}/delegate", json=body)
    page_word = outcome(page.status_code, (302,))
    if page_word == ALLOW and "不能转办" in _flashed(person):
        page_word = FORBIDDEN  # the page flashes a 403's message on the page it came from
    return page_word, outcome(api.status_code, (422,))


def _flashed(person) -> str:
    return person.page.get("/").get_data(as_text=True)


TASK_ATTEMPTS = {"view": task_view, "complete": task_complete, "draft": task_draft,
                 "claim": task_claim, "delegate": task_delegate}


# instances -------------------------------------------------------------------------------------

def instance_view(person, instance_id: int) -> tuple[str, str]:
    page = [person.page.get(f"/instances/{instance_id}").status_code,
            person.page.get(f"/instances/{instance_id}/diagram.json").status_code]
    api = [person.api.get(f"/api/v1/instances/{instance_id}").status_code,
           person.api.get(f"/api/v1/instances/{instance_id}/diagram").status_code]
    return _same(page, (200,)), _same(api, (200,))


def attachment_download(person, attachment_id: int) -> tuple[str, str]:
    return (outcome(status(person.page.get(f"/attachments/{attachment_id}")), (200,)),
            outcome(status(person.api.get(f"/api/v1/attachments/{attachment_id}")), (200,)))
