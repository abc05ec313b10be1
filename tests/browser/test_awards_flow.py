"""评选表扬 in the browser: 创发部 opens the 3rd edition's round, 成都市科协 recommends its best
科服保姆 from the ranking, 创发部 approves; the pages fit a phone (wide tables scroll in their
box). Screenshots at 1440 and 390 px go to tests/artifacts/."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def test_open_nominate_approve(live_server, page_as, artifacts):
    from app.extensions import db
    from app.models import User
    from tests.awards.records import service_fixture
    with live_server.context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        service_fixture(users)

    decider = page_as("sel_innovation")
    decider.click("nav.mainnav >> text=评选表扬")
    decider.click("button:has-text('开启')")
    expect(decider.locator(".flash")).to_contain_text("评选已开启")
    expect(decider.locator("#allocation")).to_contain_text("各类保姆分配名额合计与方案总数一致")
    round_url = decider.url

    city = page_as("cd_recommender")
    city.goto(round_url + "/ranking")
    row = city.locator("tr[data-user=cd_concierge]")
    expect(row).to_contain_text("17.50")
    expect(city.locator("tr[data-user=my_concierge]")).to_have_count(0)
    row.locator("button:has-text('推荐百优')").click()
    expect(city.locator(".flash")).to_contain_text("已推荐为百优“科服保姆”")
    city.set_viewport_size(DESKTOP)
    city.screenshot(path=str(artifacts / "awards-ranking-1440.png"), full_page=True)
    city.set_viewport_size(PHONE)
    assert city.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    city.screenshot(path=str(artifacts / "awards-ranking-390.png"), full_page=True)

    decider.goto(round_url)
    decider.locator("button:has-text('确定')").click()
    expect(decider.locator(".flash")).to_contain_text("已确定周晓岚为百优“科服保姆”")
    decider.set_viewport_size(DESKTOP)
    decider.screenshot(path=str(artifacts / "awards-round-1440.png"), full_page=True)
    decider.set_viewport_size(PHONE)
    assert decider.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    decider.screenshot(path=str(artifacts / "awards-round-390.png"), full_page=True)
    for name in ("honours", "settings"):
        decider.goto(f"{round_url}/{name}")
        assert decider.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        decider.screenshot(path=str(artifacts / f"awards-{name}-390.png"), full_page=True)
        decider.set_viewport_size(DESKTOP)
        decider.screenshot(path=str(artifacts / f"awards-{name}-1440.png"), full_page=True)
        decider.set_viewport_size(PHONE)
