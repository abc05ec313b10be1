"""Browser tests: Playwright's Python package drives Debian's chromium (headless, launched by
path — Playwright never downloads a browser here) against the real app served on 127.0.0.1.

The live server has its own SQLite file, seeded once per package with the reference data and
the invented people, and runs at 2023-12-01 09:00 北京时间 — before the 科创会 deadlines — through
``workflows.clock.set_default_clock`` (a server thread has no ``using_clock`` of its own).
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from app import create_app
from app.extensions import db
from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI
from tests.live import serving

START = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts/, git-ignored
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000  # a missing page fails in seconds, not Playwright's default 30 s
expect.set_options(timeout=TIMEOUT_MS)  # and expect() waits as long as actions do (default 5 s)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def chromium_path() -> str | None:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if os.path.exists(found) else None


def _skip_or_fail(reason: str):
    """Locally a missing browser skips with the reason; in CI it is a failure (.ci/run installs it)."""
    if in_ci():
        pytest.fail(f"{reason} — CI must run the browser tests (scripts/install.sh with GRANTFLOW_BROWSER=1)",
                    pytrace=False)
    pytest.skip(f"{reason}; install it with `GRANTFLOW_BROWSER=1 bash scripts/install.sh` "
                "(Debian: apt-get install chromium fonts-noto-cjk)")


@dataclass
class LiveServer:
    app: object
    url: str
    clock: FrozenClock  # the server's "now": a test that moves it sets it back (package-wide)

    @contextmanager
    def context(self):
        """The server's app context in the test thread, e.g. to look an id up in its database."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def scalar(self, statement):
        with self.context():
            return db.session.scalar(statement)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    from app.cli import upgrade_and_deploy
    from app.demo.people import seed_people
    from app.demo.reference import seed_reference_data

    root = tmp_path_factory.mktemp("live")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.sqlite'}",
                      "TESTING": True, "UPLOAD_DIR": root / "uploads"})
    clock = FrozenClock(START)
    with app.app_context(), using_clock(clock):
        upgrade_and_deploy()
        world = seed_reference_data()
        seed_people(world["orgs"])
        db.session.remove()

    with serving(app, clock, "grantflow-live-server") as base_url:  # requests see 2023-12-01 09:00
        yield LiveServer(app, base_url, clock)


@pytest.fixture(scope="package")
def browser():
    executable = chromium_path()
    if executable is None:
        _skip_or_fail("chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page_as(browser, live_server):
    """``page_as("cd_applicant")``: a page in a fresh browser context (own cookies), logged in
    through the real /login form, standing on the inbox."""
    from app.demo.people import DEMO_PASSWORD
    contexts = []

    def login(username: str, password: str = DEMO_PASSWORD):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]:has-text('登录')")
        assert page.url == f"{live_server.url}/", \
            f"{username} could not log in: {page.locator('.flash, .field-error').all_inner_texts()}"
        return page

    yield login
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

