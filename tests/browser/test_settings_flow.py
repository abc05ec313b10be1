"""届次与申报指南 in chromium: the admin opens a grant call, adds a 评审标准 row, presses 预览 and
sees the timeline (nothing saved), at 1440 and 390 px; screenshots kept."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ConferenceEdition, GrantCall

pytestmark = pytest.mark.browser


def test_a_call_previewed_in_the_browser(live_server, page_as, artifacts):
    with live_server.context():
        call_id = db.session.scalar(sa.select(GrantCall.id).order_by(GrantCall.id))
        edition_id = db.session.scalar(sa.select(ConferenceEdition.id))
    admin = page_as("admin")
    admin.set_viewport_size({"width": 1440, "height": 900})
    admin.goto("/admin")
    admin.click("text=届次与申报指南")
    expect(admin.locator("h1")).to_have_text("届次与申报指南")
    admin.goto(f"/admin/calls/{call_id}")
    expect(admin.locator("#timeline li")).to_have_count(8)
    table = admin.locator("fieldset:has(legend:has-text('评审标准')), .table:has-text('评审标准')").first
    table.locator("button.add-row").click()
    rows = table.locator("tr.row")
    last = rows.nth(rows.count() - 1)
    last.locator("input").nth(0).fill("extra")
    last.locator("input").nth(1).fill("推广应用前景")
    last.locator("input").nth(2).fill("10")
    admin.fill("[name=publicity_working_days]", "7")
    admin.click("button:has-text('预览')")
    expect(admin.locator("#timeline")).to_contain_text("评审截止后7个工作日")
    expect(admin.locator("[name='review_criteria.%d.label']" % (rows.count() - 1))).to_have_value("推广应用前景")
    admin.screenshot(path=str(artifacts / "settings-call-preview-1440.png"), full_page=True)
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.goto(f"/admin/editions/{edition_id}")
    expect(admin.locator("#timeline li")).to_have_count(6)
    admin.screenshot(path=str(artifacts / "settings-edition-390.png"), full_page=True)
