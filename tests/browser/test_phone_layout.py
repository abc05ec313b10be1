"""On a phone (390 px) the 申报书 stays as wide as the screen: its wide tables (经费预算, 成员)
scroll inside their own box instead of widening the whole page — a fieldset grows to its widest
content unless told otherwise (it did: 828 px)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": False,
            "notified": False}


def eligible_application(live_server, society_code: str, username: str) -> str:
    """申报资格自查 done through app.services: the 填报申报书 task's id."""
    from app.models import GrantCall, Org, User
    from app.services.grant.applications import start_application
    from app.services.shared.common import open_task
    from app.services.steps.instances import complete_task
    with live_server.context():
        call = db.session.scalar(sa.select(GrantCall).filter_by(program_code="expert_team", year=2024))
        society = db.session.scalar(sa.select(Org).filter_by(code=society_code))
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        instance_id = start_application(call.id, society.id, user).instance_id
        complete_task(open_task(instance_id, "declare_eligibility").id, ELIGIBLE, user)
        return open_task(instance_id, "submit_application").id


def test_the_application_form_fits_a_phone_and_its_tables_scroll(live_server, page_as, artifacts):
    task_id = eligible_application(live_server, "soc_tea_science", "soc_tea_applicant")
    page = page_as("soc_tea_applicant")
    page.set_viewport_size(PHONE)
    page.goto(f"/tasks/{task_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    boxes = page.eval_on_selector_all(
        ".table-scroll", "els => els.map(e => [e.scrollWidth, e.clientWidth])")
    assert boxes and all(width <= PHONE["width"] for _, width in boxes)
    assert any(inner > outer for inner, outer in boxes)  # the table scrolls inside its box
    page.screenshot(path=str(artifacts / "application-phone.png"), full_page=True)
