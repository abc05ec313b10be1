"""A gunicorn web worker killed (SIGKILL) in the middle of a task completion: the instance is
fully before or fully after, never half; gunicorn puts a new worker in its place; the person's
retry works — through the page, and through the API with an Idempotency-Key (done once)."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Task
from app.services.shared import api_tokens
from tests.services.steps import open_tasks, snapshot

from .conftest import browser_login, csrf_token
from .processes import needs_postgres

pytestmark = [pytest.mark.postgres, needs_postgres]
ELIGIBLE = {"exclusion_outcome": "eligible"}


def check_task_id(project) -> str:
    db.session.rollback()
    return db.session.scalar(sa.select(Task.id).filter_by(instance_id=project.instance_id,
                                                          task_name="check_exclusions"))


def completions(task_id: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        task_id=task_id, kind="completed"))


def in_background(send) -> dict:
    """Send a request from a thread (it blocks while its worker is paused); its outcome."""
    outcome: dict = {}

    def run():
        try:
            outcome["answer"] = send()
        except requests.RequestException as error:
            outcome["error"] = error
    outcome["thread"] = threading.Thread(target=run, daemon=True)
    outcome["thread"].start()
    return outcome


def kill_while_paused(server, pauses, point: str, send) -> tuple[dict, float]:
    """Arm ``point``, send the request, SIGKILL the worker that stopped there; the request's
    outcome and the seconds until gunicorn serves with a fresh worker again."""
    pauses.arm(point)
    outcome = in_background(send)
    pid = pauses.wait_paused(point)
    assert pid in server.worker_pids()
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    outcome["thread"].join(timeout=20)
    server.wait_respawned(pid)
    return outcome, time.monotonic() - killed


def test_a_worker_killed_before_its_commit_leaves_the_instance_before(
        served, pauses, chengdu_project):
    server = served(workers=2)
    task_id = check_task_id(chengdu_project)
    before = snapshot(chengdu_project.instance)
    browser = browser_login(server, "cd_recommender")
    url = server.url(f"/tasks/{task_id}")
    token = csrf_token(browser.get(url, timeout=10).text)
    form = {**ELIGIBLE, "_action": "submit", "csrf_token": token}
    outcome, respawn = kill_while_paused(
        server, pauses, "commit-instance",
        lambda: browser.post(url, data=form, allow_redirects=False, timeout=30))
    assert "error" in outcome  # the connection died with the worker: no answer at all
    assert snapshot(chengdu_project.instance) == before  # fully before: nothing half-written
    assert completions(task_id) == 0
    started = time.monotonic()
    retry = browser.post(url, data=form, allow_redirects=False, timeout=30)  # same page, again
    retried = time.monotonic() - started
    assert retry.status_code == 302, retry.text[-500:]
    assert completions(task_id) == 1
    assert open_tasks(chengdu_project.instance) == ["recommend_project"]
    print(f"web worker killed before commit: respawned and serving in {respawn:.2f} s; "
          f"the retry took {retried:.2f} s")


def test_a_worker_killed_after_its_commit_leaves_the_instance_after(
        served, pauses, chengdu_project):
    server = served(workers=2)
    task_id = check_task_id(chengdu_project)
    browser = browser_login(server, "cd_recommender")
    url = server.url(f"/tasks/{task_id}")
    token = csrf_token(browser.get(url, timeout=10).text)
    form = {**ELIGIBLE, "_action": "submit", "csrf_token": token}
    outcome, respawn = kill_while_paused(
        server, pauses, "committed-instance",
        lambda: browser.post(url, data=form, allow_redirects=False, timeout=30))
    assert "error" in outcome
    assert completions(task_id) == 1  # fully after: the commit was whole
    assert open_tasks(chengdu_project.instance) == ["recommend_project"]
    retry = browser.post(url, data=form, allow_redirects=False, timeout=30)
    assert retry.status_code == 409 and "无需再次办理" in retry.text  # told, not done twice
    assert completions(task_id) == 1
    print(f"web worker killed after commit: respawned and serving in {respawn:.2f} s")


def api_token(world, username: str) -> str:
    made = api_tokens.create_token(world["users"][username], "故障测试令牌", 90)
    db.session.commit()
    return made.secret


def test_an_api_retry_with_its_idempotency_key_completes_exactly_once(
        served, pauses, world, chengdu_project):
    """Killed before the commit: nothing was kept, so the retry does the work — once."""
    server = served(workers=2)
    task_id = check_task_id(chengdu_project)
    send = api_sender(server, world, task_id, "fault-before-commit")
    outcome, respawn = kill_while_paused(server, pauses, "commit-instance", send)
    assert "error" in outcome and completions(task_id) == 0
    started = time.monotonic()
    retry = send()
    retried = time.monotonic() - started
    assert retry.status_code == 200, retry.text
    assert retry.json()["next_tasks"][0]["task_name"] == "recommend_project"
    assert completions(task_id) == 1
    again = send()  # the answer is kept: replayed from now on
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json() and completions(task_id) == 1
    print(f"API worker killed before commit: respawned in {respawn:.2f} s; the retry answered "
          f"in {retried:.2f} s")


def test_an_api_retry_after_a_kill_between_commit_and_answer_is_told_never_redone(
        served, pauses, world, chengdu_project):
    """Killed after the commit, before the answer was stored: the key's row was committed with
    the change, so the work is done; a retry is told so (first "in progress", then, once no
    live request can still be answering, "interrupted") — and never completes it again."""
    server = served(workers=2, GRANTFLOW_TEST_IDEMPOTENCY_LEASE_SECONDS="2")
    task_id = check_task_id(chengdu_project)
    send = api_sender(server, world, task_id, "fault-after-commit")
    outcome, respawn = kill_while_paused(server, pauses, "committed-instance", send)
    assert "error" in outcome and completions(task_id) == 1
    started = time.monotonic()
    retry = wait_for_answer(send)
    told = time.monotonic() - started
    assert retry.status_code == 409 and retry.json()["code"] == "idempotency_interrupted"
    assert "不会再执行" in retry.json()["detail"]
    assert completions(task_id) == 1
    assert open_tasks(chengdu_project.instance) == ["recommend_project"]
    print(f"API worker killed after commit: respawned in {respawn:.2f} s; the retry was told "
          f"after {told:.2f} s")


def api_sender(server, world, task_id: str, key: str):
    headers = {"Authorization": f"Bearer {api_token(world, 'cd_recommender')}",
               "Idempotency-Key": key}
    url = server.url(f"/api/v1/tasks/{task_id}/complete")
    return lambda: requests.post(url, json={"data": ELIGIBLE}, headers=headers, timeout=30)


def wait_for_answer(send, timeout: float = 15):
    """Retry as a client does on 409 idempotency_in_progress (with its Retry-After)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = send()
        if answer.status_code != 409 or answer.json().get("code") != "idempotency_in_progress" \
                or time.monotonic() > deadline:
            return answer
        time.sleep(float(answer.headers.get("Retry-After", "1")))
