"""Fixtures of the fault tests: real gunicorn / worker processes on the test database."""
from __future__ import annotations

import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from tests.web.conftest import chengdu_project, upload_dir  # noqa: F401 - shared fixtures
from workflows.clock import system_clock

from .processes import Gunicorn, Pauses

DEMO_MOMENT = datetime(2023, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the frozen clock's
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1) or match.group(2)


def browser_login(server: Gunicorn, username: str) -> requests.Session:
    """A person's browser: logged in through the served /login form."""
    browser = requests.Session()
    token = csrf_token(browser.get(server.url("/login"), timeout=10).text)
    answer = browser.post(server.url("/login"), data={
        "username": username, "password": DEMO_PASSWORD, "csrf_token": token},
        allow_redirects=False, timeout=10)
    assert answer.status_code == 302, f"login of {username} failed: {answer.status_code}"
    return browser


def clock_env() -> dict[str, str]:
    """Every process of a test runs from the tests' frozen moment, on one clock."""
    return {"GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS":
            str((DEMO_MOMENT - system_clock()).total_seconds())}


@pytest.fixture
def pauses(tmp_path) -> Pauses:
    return Pauses(tmp_path / "pauses")


@pytest.fixture
def served(ctx, tmp_path, upload_dir, pauses):  # noqa: F811 - the shared fixture
    """``served(workers=2)``: gunicorn serving the hooked app on the test database, as of the
    tests' frozen moment, with the test's upload directory; stopped after the test."""
    servers, clock = [], clock_env()

    def serve(workers: int = 2, **env) -> Gunicorn:
        db.session.commit()  # what the test made is visible to the server
        server = Gunicorn(os.environ["TEST_DATABASE_URL"], tmp_path, workers=workers,
                          app="tests.faults.hooked:create_app()",
                          GRANTFLOW_UPLOAD_DIR=str(upload_dir), **clock, **pauses.env, **env)
        servers.append(server)
        return server.start()
    yield serve
    for server in servers:
        server.stop()
        print(server.output()[-2000:])
