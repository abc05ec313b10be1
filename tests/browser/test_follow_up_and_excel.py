"""登记跟踪记录 and 导出Excel in chromium: the concierge adds a record on the 跟踪服务 task page
(the task stays open), the records show on the task and instance pages at 1440 and 390 px;
the inbox offers 导出Excel."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ConferenceEdition, Org, Task, User

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _project_in_follow_up(live_server) -> tuple[str, int]:
    from app.demo.scenario import drive_project
    with live_server.context():
        world = {"orgs": {o.code: o for o in db.session.scalars(sa.select(Org))},
                 "users": {u.username: u for u in db.session.scalars(sa.select(User))},
                 "edition": db.session.scalar(sa.select(ConferenceEdition)
                                              .order_by(ConferenceEdition.number.desc()))}
        project = drive_project(world, "跟踪服务浏览器测试项目", until="follow_up_project")
        task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id,
                                                           task_name="follow_up_project"))
        db.session.commit()
        return task.id, project.instance_id


def test_a_record_added_in_the_browser(live_server, page_as, artifacts):
    task_id, instance_id = _project_in_follow_up(live_server)
    concierge = page_as("cd_concierge")
    concierge.set_viewport_size({"width": 1440, "height": 900})
    expect(concierge.locator("a.export-xlsx")).to_have_text("导出Excel")
    concierge.goto(f"/tasks/{task_id}")
    expect(concierge.locator("#follow-ups h2")).to_contain_text("跟踪记录（2条）")
    concierge.click("#follow-ups summary")
    concierge.fill("#follow-ups [name=occurred_on]", "2023-12-01")
    concierge.fill("#follow-ups [name=action]", "组织项目方与需求方视频会商")
    concierge.fill("#follow-ups [name=result]", "明确中试排期")
    with concierge.expect_navigation():
        concierge.click("#follow-ups button:has-text('登记')")
    expect(concierge.locator("#follow-ups h2")).to_contain_text("跟踪记录（3条）")
    expect(concierge.locator("form.task-form")).to_be_visible()  # the conclusion is still to give
    concierge.screenshot(path=str(artifacts / "follow-up-task-1440.png"), full_page=True)
    concierge.set_viewport_size(PHONE)
    concierge.screenshot(path=str(artifacts / "follow-up-task-390.png"), full_page=True)
    concierge.goto(f"/instances/{instance_id}")
    expect(concierge.locator("#follow-ups")).to_contain_text("组织项目方与需求方视频会商")
    concierge.locator("#follow-ups").screenshot(path=str(artifacts / "follow-up-instance-390.png"))
