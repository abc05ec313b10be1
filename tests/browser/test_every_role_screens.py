"""Every role's main pages on a laptop (1440×900) and a phone (390×844), on the demo's data:
a full-page screenshot of each (tests/artifacts/screens/<role>-<page>-<width>.png, kept by CI
with the rest of tests/artifacts/ and git-ignored), axe-core on each with no serious or critical
violation, and no console error, failed request or error response while the page loads.

The demo (app.demo.scenario.load_demo, without the crowd) is loaded into a live server of this
module's own, so that every role has its inbox with a task, a task page, an instance page and
its special pages (selection board, ranking, figures, awards, exports, 系统管理) populated.
One browser context per role; both widths are visited in it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app import create_app
from app.extensions import db
from app.services.shared import workflow_cache
from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI

from tests.live import serving

from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}
NOW = datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI)  # where the demo's grant applications stand
# the process diagram (instance pages) is drawn after the load, from a fetch: drawn or failed
DIAGRAM_SETTLED = ("() => { const d = document.getElementById('diagram');"
                   " return !d || d.dataset.ready === 'true' || !d.textContent.includes('加载中'); }")
COUNTY_TITLE = "县域数字乡村综合服务平台"  # a project at 武侯区科协's 资格审查 (the demo's is past it)


@dataclass(frozen=True)
class Role:
    key: str           # file name part
    username: str
    extra: tuple[str, ...] = ()  # pages not in the menu, beyond inbox/task/instance


ROLES = [
    Role("applicant", "cd_applicant"),
    Role("city-recommender", "cd_recommender"),
    Role("county-recommender", "wh_recommender"),
    Role("selector-innovation", "sel_innovation"),
    Role("selector-societies", "sel_societies"),
    Role("expert", "expert_a"),
    Role("concierge", "cd_concierge"),
    Role("grant-officer", "grant_officer"),
    Role("finance", "finance_officer"),
    Role("society-applicant", "soc_mfg_applicant"),
    Role("admin", "admin", ("/admin/users", "/admin/orgs")),
]


@dataclass
class Watch:
    """What went wrong in the browser while a page loaded."""
    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error: {m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        # ERR_ABORTED: a request the next navigation cut off (the favicon, fetched after the
        # load), or one whose error response the "response" handler below reports already
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and self.problems.append(
            f"request failed: {r.method} {urlsplit(r.url).path} — {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"response {r.status}: {r.request.method} {urlsplit(r.url).path}"))


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A live server on the demo's data (no crowd), its clock at 2024-03-20 10:00."""
    from app.cli import upgrade_and_deploy
    from app.demo.scenario import load_demo
    from app.models import Org, Project, User
    from app.services.kechuang.projects import start_project
    from app.demo import samples
    from app.demo.acting import complete
    from app.demo.materials import with_materials

    root = tmp_path_factory.mktemp("demo-live")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'demo.sqlite'}",
                      "TESTING": True, "UPLOAD_DIR": root / "uploads"})
    clock = FrozenClock(NOW)
    # the restored-workflow cache is per process and keyed by instance id: the package's live
    # server has instances of the same ids in its own database
    workflow_cache.cache.clear()
    with app.app_context():
        upgrade_and_deploy()
        load_demo(projects_per_city=0)
        with using_clock(FrozenClock(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))):
            applicant = db.session.scalar(sa.select(User).filter_by(username="cd_applicant"))
            county = db.session.scalar(sa.select(Org).filter_by(code="county_wuhou"))
            unit = db.session.scalar(sa.select(Org).filter_by(code="ent_cloudwise"))
            edition = db.session.scalar(sa.select(Project).filter_by(title="川茶智能化精制生产线")).edition
            project = start_project(edition.id, unit.id, county.id, COUNTY_TITLE, "tech_transfer", applicant)
            raw = with_materials(project.instance, applicant, samples.submission(title=COUNTY_TITLE))
            complete(applicant, project.instance, "submit_project", raw)
        db.session.remove()

    with serving(app, clock, "grantflow-demo-server") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture(scope="module")
def screens(artifacts):
    directory = artifacts / "screens"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def page_name(path: str) -> str:
    """/ → inbox, /tasks/<id> → task, /instances/<id> → instance, /calls/3/ranking → calls-3-ranking."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return "inbox"
    if parts[0] in ("tasks", "instances") and len(parts) == 2:
        return parts[0][:-1]
    return "-".join(parts)


def main_pages(page) -> list[str]:
    """The role's pages: inbox, its first task, that task's instance, every menu entry."""
    paths = ["/"]
    page.goto("/")
    task = page.locator("a.task-link").first
    if task.count():
        paths.append(urlsplit(task.get_attribute("href")).path)
        page.goto(paths[-1])
        instance = page.locator("a[href^='/instances/']").first
        if instance.count():
            paths.append(urlsplit(instance.get_attribute("href")).path)
    page.goto("/")
    for href in page.locator("header a[href^='/']").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        path = urlsplit(href).path
        if path not in paths:
            paths.append(path)
    if not any(p.startswith("/instances/") for p in paths):  # no task: the first one it can see
        page.goto("/instances")
        instance = page.locator("main a[href^='/instances/']").first
        if instance.count():
            paths.append(urlsplit(instance.get_attribute("href")).path)
    return paths


def special_pages(page, paths: list[str]) -> list[str]:
    """One level below the menu: the first edition/call/round/export a list page links to."""
    found = []
    for path in paths:
        if path in ("/selection", "/ranking", "/figures", "/awards", "/exports"):
            page.goto(path)
            links = page.locator("main a[href^='/']").evaluate_all(
                "as => as.map(a => a.getAttribute('href'))")
            for href in links:
                target = urlsplit(href).path
                if (re.search(r"/\d+(/|$)", target) and not target.startswith(("/instances/", "/tasks/"))
                        and not re.search(r"\.(pdf|xlsx|docx|zip|json|csv)$|/download$", target)
                        and target not in paths and target not in found):
                    found.append(target)
                    break
    return found


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                        for node in violation["nodes"][:5])
    more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {targets}{more}"


@pytest.mark.parametrize("role", ROLES, ids=[r.key for r in ROLES])
def test_every_main_page_reads_on_a_laptop_and_a_phone(role, demo_server, browser, axe, screens):
    from app.demo.people import DEMO_PASSWORD
    context = browser.new_context(base_url=demo_server, locale="zh-CN", viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        watch = Watch()
        watch.attach(page)
        page.goto("/login")
        page.fill("#username", role.username)
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]:has-text('登录')")
        assert urlsplit(page.url).path == "/", f"{role.username} could not log in"
        paths = main_pages(page)
        paths += special_pages(page, paths) + list(role.extra)
        assert any(p.startswith("/instances/") for p in paths), f"{role.key} sees no instance: {paths}"

        report, minor = [], {}
        for path in paths:
            for viewport in (LAPTOP, PHONE):
                watch.problems.clear()
                page.set_viewport_size(viewport)
                response = page.goto(path, wait_until="load")
                page.wait_for_function(DIAGRAM_SETTLED)
                name = f"{role.key}-{page_name(path)}-{viewport['width']}"
                page.screenshot(path=str(screens / f"{name}.png"), full_page=True)
                problems = list(watch.problems)
                if response is None or response.status != 200:
                    problems.append(f"answered {response.status if response else None}")
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > viewport["width"]:  # a wide table scrolls in its own box, or becomes cards
                    problems.append(f"the page scrolls sideways ({wide} px wide)")
                violations = axe.run(page).response["violations"]
                problems += [describe(v) for v in violations if v["impact"] in SERIOUS]
                minor[name] = [describe(v) for v in violations if v["impact"] not in SERIOUS]
                if problems:
                    report.append(f"{name} ({path}):\n    " + "\n    ".join(problems))
        # moderate and minor findings, to read beside the screenshots (not a failure)
        (screens / f"{role.key}-axe-minor.json").write_text(
            json.dumps({k: v for k, v in minor.items() if v}, ensure_ascii=False, indent=1), encoding="utf-8")
        assert not report, f"{role.key} ({role.username}), {len(paths)} pages:\n" + "\n".join(report)
    finally:
        context.close()
