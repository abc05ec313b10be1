"""PostgreSQL restarted while people use the app (gunicorn, 2 workers): during the outage every
request gets a clean 503 — a Chinese page, or problem+json under /api — never a 500; once the
database is back, the same workers serve again with no manual step (no restart of the app)."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Task
from app.services.shared import api_tokens

from .conftest import browser_login, csrf_token
from .processes import Postgres, needs_postgres

pytestmark = [pytest.mark.postgres, needs_postgres]
OUTAGE_SECONDS = 2.0


@dataclass
class Traffic:
    """Requests sent in a loop from threads, each answer noted with when it came."""
    answers: list = field(default_factory=list)  # (monotonic time, kind, status, body)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, kind: str, send) -> threading.Thread:
        def loop():
            while not self.stop.is_set():
                try:
                    answer = send()
                    self.answers.append((time.monotonic(), kind, answer.status_code, answer))
                except requests.RequestException as error:
                    self.answers.append((time.monotonic(), kind, None, error))
                time.sleep(0.05)
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread


def test_requests_during_a_postgres_restart_get_503_and_the_app_recovers_by_itself(
        served, world, chengdu_project):
    server = served(workers=2)
    browser = browser_login(server, "cd_recommender")
    token = api_tokens.create_token(world["users"]["cd_recommender"], "故障测试令牌", 90).secret
    db.session.commit()
    api_headers = {"Authorization": f"Bearer {token}"}
    assert browser.get(server.url("/"), timeout=10).status_code == 200
    postgres = Postgres(os.environ["TEST_DATABASE_URL"])
    db.session.close()  # the test's own connection goes back to the pool (it dies with the restart)

    traffic = Traffic()
    threads = [traffic.run("page", lambda: browser.get(server.url("/"), timeout=10)),
               traffic.run("api", lambda: requests.get(server.url("/api/v1/tasks"),
                                                       headers=api_headers, timeout=10))]
    time.sleep(0.5)
    down = time.monotonic()
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    postgres.start()
    up = time.monotonic()
    time.sleep(2.0)
    traffic.stop.set()
    for thread in threads:
        thread.join(timeout=15)

    statuses = {(kind, status) for _, kind, status, _ in traffic.answers}
    assert all(status in (200, 503) for _, status in statuses), statuses  # never a 500
    during = [a for a in traffic.answers if down < a[0] < up]
    assert {kind for _, kind, status, _ in during if status == 503} == {"page", "api"}
    page = next(a[3] for a in during if a[1] == "page" and a[2] == 503)
    assert "数据库暂时无法访问" in page.text and "Traceback" not in page.text
    assert page.headers["Retry-After"]
    problem = next(a[3] for a in during if a[1] == "api" and a[2] == 503)
    assert problem.headers["Content-Type"].startswith("application/problem+json")
    assert problem.json()["code"] == "service_unavailable"
    recovered = {kind: min(t for t, k, status, _ in traffic.answers if k == kind and t > up
                           and status == 200) - up for kind in ("page", "api")}
    after = [a for a in traffic.answers if a[0] > up + max(recovered.values())]
    assert after and all(status == 200 for _, _, status, _ in after)

    # and writing works again: the task is completed, once
    url = server.url(f"/tasks/{check_task_id(chengdu_project)}")
    form = {"exclusion_outcome": "eligible", "_action": "submit",
            "csrf_token": csrf_token(browser.get(url, timeout=10).text)}
    assert browser.post(url, data=form, allow_redirects=False, timeout=10).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        instance_id=chengdu_project.instance_id, kind="completed",
        task_name="check_exclusions")) == 1
    print(f"PostgreSQL down {up - down:.2f} s (stop, {OUTAGE_SECONDS} s, start): "
          f"{sum(1 for a in during if a[2] == 503)} answers 503 meanwhile, "
          f"{len(traffic.answers)} requests in all, none 500; first 200 after it was back: "
          f"page {recovered['page']:.2f} s, API {recovered['api']:.2f} s")


def test_a_fast_restart_is_invisible_after_it(served, world):
    """``pg_ctl restart -m fast`` cuts every pooled connection: the next requests still work."""
    server = served(workers=2)
    browser = browser_login(server, "cd_recommender")
    for _ in range(4):  # a connection in each worker's pool
        assert browser.get(server.url("/"), timeout=10).status_code == 200
    db.session.close()
    seconds = Postgres(os.environ["TEST_DATABASE_URL"]).restart()
    answers = [browser.get(server.url("/"), timeout=10).status_code for _ in range(6)]
    assert answers == [200] * 6, answers
    print(f"pg_ctl restart -m fast took {seconds:.2f} s; the next 6 requests: {answers}")


def check_task_id(project) -> str:
    db.session.rollback()
    return db.session.scalar(sa.select(Task.id).filter_by(instance_id=project.instance_id,
                                                          task_name="check_exclusions"))
