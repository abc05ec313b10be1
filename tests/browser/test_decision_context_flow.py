"""Decision context in a browser: the applicant of a returned project reads the 退回意见 on the
task page; the recommender reads the 退回 and the later 推荐 in the 流程记录; the grant officer
reads every expert's scores and the expert score on the application's page — at 1440 px and
390 px, screenshots in tests/artifacts/."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo.materials import with_materials
from app.demo.samples import recommendation, submission
from app.extensions import db
from app.models import ConferenceEdition, Org, User
from app.services.kechuang.projects import start_project
from tests.browser.pages import own_call
from tests.conftest import SHANGHAI
from tests.services.steps import complete, task_of
from workflows.clock import FrozenClock, using_clock

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
COMMENT = "请补充成果证明材料的盖章页，并核对天府科技云发布编号。"


def _world():
    return {"orgs": {o.code: o for o in db.session.scalars(sa.select(Org))},
            "users": {u.username: u for u in db.session.scalars(sa.select(User))}}


def _returned_project(live_server) -> tuple[str, int]:
    """A 成都 project returned by 资格审查 with a comment: (its task id, its instance id)."""
    with live_server.context(), using_clock(live_server.clock):
        world = _world()
        users, orgs = world["users"], world["orgs"]
        edition = db.session.scalar(sa.select(ConferenceEdition).order_by(ConferenceEdition.number.desc()))
        project = start_project(edition.id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                                "退回后重新提交的浏览器测试项目", "tech_transfer", users["cd_applicant"])
        raw = with_materials(project.instance, users["cd_applicant"], submission(title=project.title))
        complete(users["cd_applicant"], project.instance, "submit_project", raw)
        complete(users["cd_recommender"], project.instance, "check_exclusions",
                 {"exclusion_outcome": "returned", "violated_rules": [], "comment": COMMENT})
        db.session.commit()
        return task_of(project.instance, "submit_project").id, project.instance_id


def test_returned_task_and_history_show_the_comment(live_server, page_as, artifacts):
    task_id, instance_id = _returned_project(live_server)
    applicant = page_as("cd_applicant")
    applicant.set_viewport_size({"width": 1440, "height": 900})
    applicant.goto(f"/tasks/{task_id}")
    notice = applicant.locator("[data-returned=true]")
    expect(notice).to_contain_text(COMMENT)
    expect(notice).to_contain_text("资格审查")
    applicant.screenshot(path=str(artifacts / "returned-task-1440.png"))
    applicant.set_viewport_size(PHONE)
    applicant.screenshot(path=str(artifacts / "returned-task-390.png"))

    with live_server.context(), using_clock(live_server.clock):
        users = _world()["users"]
        from app.models import ProcessInstance
        instance = db.session.get(ProcessInstance, instance_id)
        complete(users["cd_applicant"], instance, "submit_project",
                 with_materials(instance, users["cd_applicant"], submission(title=instance.title)))
        complete(users["cd_recommender"], instance, "check_exclusions",
                 {"exclusion_outcome": "eligible", "violated_rules": []})
        complete(users["cd_recommender"], instance, "recommend_project",
                 recommendation(users["cd_concierge"].id, reason="补充材料后符合推荐条件。"))
        db.session.commit()
    recommender = page_as("cd_recommender")
    recommender.set_viewport_size({"width": 1440, "height": 900})
    recommender.goto(f"/instances/{instance_id}")
    history = recommender.locator("#history")
    expect(history).to_contain_text(COMMENT)
    expect(history).to_contain_text("推荐理由：补充材料后符合推荐条件。")
    expect(recommender.locator("#entered")).to_contain_text("此前提交（1次）")
    history.screenshot(path=str(artifacts / "history-with-return-1440.png"))


def test_officer_reads_every_review_on_the_application(live_server, page_as, artifacts):
    from tests.web.test_ranking_page import scored
    with live_server.context(), using_clock(FrozenClock(datetime(2024, 3, 20, 10, tzinfo=SHANGHAI))):
        world = _world() | {"grant_call": own_call("expert_team_context_browser", "评审查看测试")}
        application = scored(world, "soc_hydrogen", "soc_h2_applicant",
                             [(28, 27, 18, 17), (25, 26, 16, 17), (20, 20, 10, 10)])
        db.session.commit()
        instance_id = application.instance_id
    officer = page_as("grant_officer")
    officer.set_viewport_size({"width": 1440, "height": 900})
    officer.goto(f"/instances/{instance_id}")
    reviews = officer.locator("#reviews")
    expect(reviews).to_contain_text("满分30分")
    expect(reviews).to_contain_text("专家得分（平均分）78分")
    reviews.screenshot(path=str(artifacts / "instance-reviews-1440.png"))
    officer.set_viewport_size(PHONE)
    reviews.screenshot(path=str(artifacts / "instance-reviews-390.png"))


def test_a_refused_review_names_every_error_at_once(live_server, page_as, artifacts):
    from app.demo.samples import REVIEWERS
    from tests.services.grant_steps import ACCEPT, apply
    with live_server.context(), using_clock(FrozenClock(datetime(2024, 3, 20, 10, tzinfo=SHANGHAI))):
        world = _world() | {"grant_call": own_call("expert_team_context_refused", "退回测试")}
        users = world["users"]
        application = apply(world, "soc_drone", "soc_drone_applicant")
        complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
        complete(users["grant_officer"], application.instance, "assign_reviewers",
                 {"reviewers": [users[name].id for name in REVIEWERS]})
        db.session.commit()
        task_id = task_of(application.instance, "review_application").id
    expert = page_as("expert_a")
    expert.set_viewport_size({"width": 1440, "height": 900})
    expert.goto(f"/tasks/{task_id}")
    expert.fill("[name='scores.measures']", "35")
    expert.fill("[name='scores.goals']", "-1")
    expert.click("button[name=_action][value=submit]")
    errors = expert.locator("main")
    expect(errors).to_contain_text("「重点工作内容及具体举措」满分30分，不能超过30分")
    expect(errors).to_contain_text("「项目目标及预期成效」不能小于0")
    expect(errors).to_contain_text("「评审意见」为必填项")
    expect(errors).to_contain_text("「实施条件及保障措施」未评分")
    expert.screenshot(path=str(artifacts / "review-refused-once-1440.png"), full_page=True)
