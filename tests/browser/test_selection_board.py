"""遴选工作台 in a browser: 创发部 admits a project with one click — the row and the quota line
change in place (no reload) — and a refused placement shows its reason on the row. Screenshots
at 1440 and 390 px wide."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ConferenceEdition, Org, User
from tests.services.selection_rows import add_recommended


@contextmanager
def board_world(live_server):
    """The edition routes 遴选 to 创发部 (as the reference data does; kept should an earlier test
    have changed it); 8 projects wait, 10 科技成果转化 projects already fill the opening."""
    with live_server.context():
        edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
        before = dict(edition.selection_departments)
        edition.selection_departments = {**before, "admission": "dept_innovation"}
        db.session.commit()
        city = db.session.scalar(sa.select(Org).filter_by(code="city_leshan"))
        dept = db.session.scalar(sa.select(Org).filter_by(code="dept_innovation"))
        selector = db.session.scalar(sa.select(User).filter_by(username="sel_innovation"))
        add_recommended(edition, city, city, "tech_challenge", 8, selector_org=dept,
                        title="乐山攻关项目")
        add_recommended(edition, city, city, "tech_transfer", 10, selector_org=dept,
                        admitted_by=selector, bucket="opening", title="乐山开幕项目")
        [late] = add_recommended(edition, city, city, "tech_transfer", 1, selector_org=dept,
                                 admitted_by=selector, title="乐山转化项目")
        edition_id = edition.id
    try:
        yield edition_id, late
    finally:
        with live_server.context():
            edition = db.session.get(ConferenceEdition, edition_id)
            edition.selection_departments = before
            db.session.commit()


def test_admit_in_place_and_a_refusal_on_its_row(live_server, page_as, artifacts):
    with board_world(live_server) as (edition_id, late):
        page = page_as("sel_innovation")
        page.goto(f"/editions/{edition_id}/selection?sort=title")
        admitted = page.locator("#quota-lines tr", has_text="遴选参会（总数下限）")
        # 11 admitted here, plus what other browser tests admitted in the shared database
        before = int(admitted.locator("td").nth(2).inner_text())
        assert before >= 11
        row = page.locator("tr", has_text="乐山攻关项目1").first
        page.evaluate("window.__stayed = true")
        row.get_by_role("button", name="遴选参会").click()
        expect(page.locator("tr", has_text="乐山攻关项目1").first).to_contain_text("已遴选参会")
        expect(admitted.locator("td").nth(2)).to_have_text(str(before + 1))
        assert page.evaluate("window.__stayed") is True  # updated in place, not reloaded
        full = page.locator(f"#project-{late}")
        full.get_by_role("button", name="选入开幕式发布").click()
        expect(full.locator(".refusal")).to_have_text("开幕式发布的科技成果转化项目已满10项")
        for width, height in ((1440, 1000), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(artifacts / f"selection-board-{width}.png"), full_page=True)
