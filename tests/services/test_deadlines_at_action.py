"""A deadline holds at the moment of action, whatever the timer sweep's timing: one second
before it the action goes through; at its end (the next 00:00 in Shanghai) and one second after,
the action is refused naming the deadline, and the instance ends as its timer says."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.demo import samples
from app.demo.scenario import drive_project
from app.services.kechuang.projects import start_project
from app.services.reading.inbox import claim_task
from app.services.shared.errors import Conflict
from app.services.steps.deadlines import LateAction
from tests.conftest import SHANGHAI
from tests.services.steps import audit_kinds, complete, open_tasks, task_of

EXCLUSIONS_OK = {"exclusion_outcome": "eligible", "violated_rules": []}
FOLLOW_UP_LANDED = {"follow_up_outcome": "landed", "landed_on": "2024-06-30",
                    "landing_evidence": "技术许可合同已履行，产线投产。"}


def midnight_after(year, month, day) -> datetime:
    return datetime(year, month, day, tzinfo=SHANGHAI) + timedelta(days=1)


# (the step, who does it, the input, the deadline's day, the outcome when it has passed)
DEADLINES = [
    ("submit_project", "cd_applicant", lambda u: samples.submission(), (2023, 12, 15), "not_submitted"),
    ("check_exclusions", "cd_recommender", lambda u: EXCLUSIONS_OK, (2023, 12, 15), "not_recommended"),
    ("recommend_project", "cd_recommender",
     lambda u: samples.recommendation(u["cd_concierge"].id), (2023, 12, 15), "not_recommended"),
    ("select_project", "sel_innovation", lambda u: samples.selection(bucket="pitch_sessions", sector=None),
     (2023, 12, 20), "not_selected"),
    ("follow_up_project", "cd_concierge", lambda u: FOLLOW_UP_LANDED, (2024, 12, 31),
     "returned_to_service"),
]


@pytest.mark.parametrize("early_by", [timedelta(seconds=1), timedelta(milliseconds=500)],
                         ids=["1s", "half a second"])
@pytest.mark.parametrize("step, actor, raw, day, outcome", DEADLINES, ids=[d[0] for d in DEADLINES])
def test_before_the_deadline_ends_the_action_goes_through(world, clock, step, actor, raw, day,
                                                          outcome, early_by):
    users = world["users"]
    project = drive_project(world, "期限前办理的项目", until=step)
    clock.set(midnight_after(*day) - early_by)
    complete(users[actor], project.instance, step, raw(users))
    assert project.instance.outcome != outcome and "timer" not in audit_kinds(project.instance)


@pytest.mark.parametrize("late_by", [timedelta(0), timedelta(seconds=1)], ids=["at", "after"])
@pytest.mark.parametrize("step, actor, raw, day, outcome", DEADLINES, ids=[d[0] for d in DEADLINES])
def test_at_and_after_the_deadline_the_action_is_refused_and_the_deadline_applies(
        world, clock, step, actor, raw, day, outcome, late_by):
    users = world["users"]
    project = drive_project(world, "期限后才办理的项目", until=step)
    task = task_of(project.instance, step)
    clock.set(midnight_after(*day) + late_by)  # no sweep has run since
    with pytest.raises(LateAction) as refused:
        complete(users[actor], project.instance, step, raw(users))
    assert f"「{task.title}」已于{day[0]}年{day[1]:02d}月{day[2]:02d}日截止" in refused.value.message
    assert project.instance.outcome == outcome and open_tasks(project.instance) == []
    assert audit_kinds(project.instance)[-1] == "timer"  # the deadline's effect was kept


def test_a_late_claim_is_refused_too(world, clock):
    project = drive_project(world, "逾期认领的项目", until="recommend_project")
    task = task_of(project.instance, "recommend_project")
    clock.set(midnight_after(2023, 12, 15))
    with pytest.raises(LateAction, match="已按期限办结：未推荐"):
        claim_task(task.id, world["users"]["cd_recommender"])
    assert project.instance.outcome == "not_recommended"


def test_a_timer_that_does_not_close_the_task_lets_the_action_through(world, clock):
    """The conference's end makes 推介洽谈 overdue (a due date, no timer): it may still be done."""
    users = world["users"]
    project = drive_project(world, "会后补录推介的项目", until="pitch_project")
    clock.set(midnight_after(2024, 1, 19) + timedelta(days=3))
    complete(users["cd_concierge"], project.instance, "pitch_project", samples.PITCH)
    assert open_tasks(project.instance) == ["sign_project"]


def test_a_project_may_be_started_until_the_collection_day_ends(world, clock):
    users, orgs = world["users"], world["orgs"]

    def start():
        return start_project(world["edition"].id, orgs["ent_cloudwise"].id,
                             orgs["city_chengdu"].id, "最后时刻申报的项目", "tech_transfer",
                             users["cd_applicant"])
    clock.set(midnight_after(2023, 12, 15) - timedelta(milliseconds=500))
    assert start().instance.status == "running"
    clock.set(midnight_after(2023, 12, 15))
    with pytest.raises(Conflict, match="已于2023年12月15日截止"):
        start()
