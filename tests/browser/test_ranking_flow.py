"""排序与立项 in a browser: the officer enters the platform scores, previews (the cut line and the
tie-break read on the page), publishes, and the society reads its 评审得分构成 — at 1440 px and
on a phone (390 px), with screenshots in tests/artifacts/."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Org, User
from tests.browser.pages import own_call
from tests.conftest import SHANGHAI
from workflows.clock import FrozenClock, using_clock

PHONE = {"width": 390, "height": 844}


def _reviewed_pair(live_server):
    """Two applications scored by three reviewers (A: 90 · 84 · 60, B: 84 · 84 · 84) — of
    societies no other browser test applies with (the live server's database is shared)."""
    from tests.web.test_ranking_page import scored
    with live_server.context(), using_clock(FrozenClock(datetime(2024, 3, 20, 10, tzinfo=SHANGHAI))):
        world = {"grant_call": own_call("expert_team_ranking_browser", "排序测试"),
                 "orgs": {o.code: o for o in db.session.scalars(sa.select(Org))},
                 "users": {u.username: u for u in db.session.scalars(sa.select(User))}}
        call = world["grant_call"]
        call.awards_count, call.reserve_count = 1, 1
        a = scored(world, "soc_energy", "soc_energy_applicant",
                   [(28, 27, 18, 17), (25, 26, 16, 17), (20, 20, 10, 10)])
        b = scored(world, "soc_bio_health", "soc_bio_applicant", [(25, 26, 16, 17)] * 3)
        db.session.commit()
        return call.id, (a.id, a.instance_id), (b.id, b.instance_id)


def test_preview_publish_and_the_explained_score(live_server, page_as, artifacts):
    call_id, (a_id, a_instance), (b_id, _) = _reviewed_pair(live_server)
    officer = page_as("grant_officer")
    officer.set_viewport_size({"width": 1440, "height": 900})
    officer.click("nav >> text=排序与立项")
    officer.click(f"a[href='/calls/{call_id}/ranking']")
    officer.fill(f"[name='objective_scores.{a_id}']", "90")
    officer.fill(f"[name='objective_scores.{b_id}']", "76")
    officer.click("button[value=preview]")
    preview = officer.locator("#preview")
    expect(preview).to_contain_text("立项线")
    expect(preview).to_contain_text("按“专家评分高者优先”排在其前")
    officer.screenshot(path=str(artifacts / "ranking-preview-1440.png"), full_page=True)
    officer.set_viewport_size(PHONE)
    officer.screenshot(path=str(artifacts / "ranking-preview-390.png"), full_page=True)
    officer.set_viewport_size({"width": 1440, "height": 900})
    officer.click("button[value=publish]")
    expect(officer.locator("#published")).to_contain_text("候补名单")
    officer.screenshot(path=str(artifacts / "ranking-published-1440.png"), full_page=True)

    society = page_as("soc_energy_applicant")
    society.set_viewport_size(PHONE)
    society.goto(f"/instances/{a_instance}")
    breakdown = society.locator("#score-breakdown")
    expect(breakdown).to_contain_text("专家1：90分")
    expect(breakdown).to_contain_text("3名专家评分的平均分")
    expect(breakdown).to_contain_text("候补")
    breakdown.screenshot(path=str(artifacts / "score-breakdown-390.png"))
