"""随机抽取评审专家: the draw is recorded with its seed and pool and replays to the same experts;
a conflicted expert is never drawn; a count below the minimum (or above the pool) is refused."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from app.services.shared.errors import InvalidInput
from tests.conftest import SHANGHAI
from workflows.reviewer_draw import draw_record, replay_draw, replays

from .grant_steps import ACCEPT, apply
from .steps import complete, open_tasks


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    return world


def test_replay_reproduces_a_draw_from_its_record():
    record = draw_record([9, 3, 7, 5, 1], 3, seed=20240320)
    assert record["pool"] == [1, 3, 5, 7, 9] and len(set(record["drawn"])) == 3
    assert replay_draw(20240320, [1, 3, 5, 7, 9], 3) == record["drawn"]
    assert replay_draw(20240320, [9, 7, 5, 3, 1], 3) == record["drawn"]  # the pool's order is moot
    assert replays(record) and not replays({**record, "drawn": record["drawn"][::-1]})


def _assigned_by_draw(world, count):
    users = world["users"]
    application = apply(world)  # 四川省智能制造学会: expert_d is one of its members
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [], "draw_count": count})
    return application


def _recorded(application) -> dict:
    data = db.session.scalar(sa.select(AuditEvent.data).where(
        AuditEvent.instance_id == application.instance_id,
        AuditEvent.task_name == "assign_reviewers"))
    return data["process_data"]


def test_the_recorded_draw_replays_and_never_draws_a_conflicted_expert(grant_world):
    users = grant_world["users"]
    application = _assigned_by_draw(grant_world, 3)
    recorded = _recorded(application)
    draw = recorded["reviewer_draw"]
    assert users["expert_d"].id not in draw["pool"] and users["expert_d"].id not in draw["drawn"]
    assert replay_draw(int(draw["seed"]), draw["pool"], 3) == draw["drawn"] == recorded["reviewers"]
    assert open_tasks(application.instance) == ["review_application"] * 3


def test_a_draw_below_the_minimum_or_beyond_the_pool_is_refused(grant_world):
    users = grant_world["users"]
    application = apply(grant_world)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    for count, message in ((2, "「随机抽取人数」不少于3名（当前2名）"),
                           (4, "「随机抽取人数」不能多于无利益冲突的专家人数3名（当前4名）")):
        with pytest.raises(InvalidInput) as refused:
            complete(users["grant_officer"], application.instance, "assign_reviewers",
                     {"reviewers": [], "draw_count": count})
        assert refused.value.errors["draw_count"] == [message]
    assert open_tasks(application.instance) == ["assign_reviewers"]
