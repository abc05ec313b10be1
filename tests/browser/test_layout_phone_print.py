"""The layout as a person meets it (issue 12, item 7): on a phone (390×844) the header is one
row with a 菜单 button, the inbox is a list of cards and no page scrolls sideways; the process
diagram has working 放大 / 缩小 / 适应窗口 buttons and legible labels; printing leaves the
menu and buttons out and keeps the whole diagram."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db

from .pages import wait_for_diagram

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


def started_project(live_server, title: str) -> tuple[int, int]:
    """A 科创项目 started by cd_applicant through app.services: (instance id, its task id)."""
    from app.models import ConferenceEdition, Org, User
    from app.services.kechuang.projects import start_project
    from app.services.shared.common import open_task
    with live_server.context():
        orgs = {o.code: o.id for o in db.session.scalars(sa.select(Org))}
        edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
        user = db.session.scalar(sa.select(User).filter_by(username="cd_applicant"))
        instance_id = start_project(edition.id, orgs["ent_cloudwise"], orgs["city_chengdu"], title,
                                    "tech_transfer", user).instance_id
        task_id = open_task(instance_id, "submit_project").id
        _unread_notice(user, instance_id)
        return instance_id, task_id


def _unread_notice(user, instance_id: int) -> None:
    """Twelve unread 消息, so that the 菜单 button carries a two-digit count (a demo applicant
    has 11): the widest the header gets."""
    from app.models import Notification
    from workflows import clock
    db.session.add_all(Notification(user_id=user.id, instance_id=instance_id, task_id=None,
                                    kind="recommended", message="您的项目已获推荐。",
                                    created_at=clock.now()) for _ in range(12))
    db.session.commit()


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_on_a_phone_the_header_is_one_row_and_the_inbox_cards(live_server, page_as, artifacts):
    instance_id, task_id = started_project(live_server, "窄屏卡片里的柔性装配")
    page = page_as("cd_applicant")
    page.set_viewport_size(PHONE)
    page.goto("/")
    header = page.locator("header.topbar")
    toggle = page.locator("button.menu-toggle")
    assert toggle.is_visible() and not page.locator("nav.mainnav").is_visible()
    assert toggle.locator(".badge").is_visible()  # the unread count rides on the button
    brand = page.locator("header.topbar .brand").bounding_box()
    assert abs(toggle.bounding_box()["y"] - brand["y"]) < brand["height"]  # on the brand's row
    assert header.bounding_box()["height"] < 70  # brand and 菜单 side by side, no wrapped nav
    row = page.locator("tr[data-task-name=submit_project]", has_text="窄屏卡片里的柔性装配")
    assert row.evaluate("e => getComputedStyle(e).display") == "block"  # a card, not a table row
    assert page.locator("table.inbox thead").bounding_box()["height"] <= 1  # for screen readers only
    card = row.inner_text()
    for part in ("提交科创项目", "窄屏卡片里的柔性装配", "项目方/申报单位经办人", "2023年12月15日", "办理"):
        assert part in card, (part, card)
    due_label = row.locator("td.task-due").evaluate("e => getComputedStyle(e, '::before').content")
    assert "截止" in due_label  # each line of the card says what it is
    assert row.bounding_box()["width"] <= PHONE["width"]
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "layout-inbox-phone.png"), full_page=True)

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav = page.locator("nav.mainnav")
    assert nav.is_visible() and nav.get_by_role("link", name="发起申报").is_visible()
    assert page.locator(".who .clock").inner_text().startswith("北京时间 ")
    page.screenshot(path=str(artifacts / "layout-menu-phone.png"))
    page.keyboard.press("Escape")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"

    for url in (f"/tasks/{task_id}", f"/instances/{instance_id}", "/instances", "/start"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page_width(page) <= PHONE["width"], url
    page.goto(f"/instances/{instance_id}")
    wait_for_diagram(page)
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "layout-instance-phone.png"), full_page=True)


def zoom_shown(page) -> int:
    return int(re.search(r"(\d+)%", page.locator(".diagram-zoom").inner_text()).group(1))


def test_the_diagram_is_legible_and_zooms(live_server, page_as, artifacts):
    instance_id, _ = started_project(live_server, "可缩放流程图的柔性装配")
    page = page_as("cd_applicant")
    page.set_viewport_size(LAPTOP)
    page.goto(f"/instances/{instance_id}")
    wait_for_diagram(page)
    tools = page.get_by_role("toolbar", name="流程图缩放")
    start = zoom_shown(page)
    assert start >= 70  # not shrunk to the page width (labels were ~4 px)
    label = page.locator("#diagram .djs-shape .djs-label tspan").first
    assert label.bounding_box()["height"] >= 9
    tools.get_by_role("button", name="放大流程图").click()
    bigger = zoom_shown(page)
    tools.get_by_role("button", name="缩小流程图").click()
    tools.get_by_role("button", name="缩小流程图").click()
    smaller = zoom_shown(page)
    assert bigger > start > smaller
    tools.get_by_role("button", name="流程图适应窗口大小").click()
    assert zoom_shown(page) != smaller
    transform = page.locator("#diagram .viewport").get_attribute("transform")
    assert transform and "matrix" in transform
    page.screenshot(path=str(artifacts / "layout-diagram-laptop.png"), full_page=True)


def test_printing_leaves_out_the_menu_and_keeps_the_whole_diagram(live_server, page_as, artifacts):
    instance_id, task_id = started_project(live_server, "打印版的柔性装配")
    page = page_as("cd_applicant")
    page.goto(f"/instances/{instance_id}")
    wait_for_diagram(page)
    page.wait_for_selector("img.diagram-print", state="attached")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator("nav.mainnav").is_visible()
    assert not page.locator(".diagram-tools").is_visible()
    printed = page.locator("img.diagram-print")
    assert printed.is_visible() and not page.locator("#diagram").is_visible()
    box = printed.bounding_box()
    assert box["width"] <= page.viewport_size["width"] and box["height"] > 100
    assert printed.evaluate("img => img.complete && img.naturalWidth > 0")
    page.pdf(path=str(artifacts / "layout-instance-print.pdf"))
    page.screenshot(path=str(artifacts / "layout-instance-print.png"), full_page=True)
    for url in ("/", f"/tasks/{task_id}", "/instances"):
        page.goto(url)
        assert not page.locator("header.topbar").is_visible(), url
        assert not page.locator("button:visible").count(), url
