"""Regression tests from the service-layer correctness review."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ProcessInstance
from app.services.shared import workflow_cache
from app.services.shared.errors import Conflict, InvalidInput, PermissionDenied
from app.services.reading.inbox import delegate_task
from app.services.grant.ranking import publish_ranking
from tests.conftest import SHANGHAI

from .grant_steps import ACCEPT, apply, reviewed
from .steps import complete, open_tasks, snapshot, task_of
from app.services.steps.catalog import catalog


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    return world


def test_second_ranking_of_a_call_ranks_after_the_first(grant_world):
    """A second publication (a late application) must not fund it at rank 1 again, beyond the
    call's award count: it ranks after those already ranked."""
    u, call = grant_world["users"], grant_world["grant_call"]
    call.awards_count, call.reserve_count = 1, 0
    first = reviewed(grant_world)
    publish_ranking(call.id, {first.id: "90"}, u["grant_officer"])
    late = reviewed(grant_world, "soc_agri_tech", "soc_agri_applicant", totals=(20, 20, 10, 10))
    publish_ranking(call.id, {late.id: "50"}, u["grant_officer"])
    assert (first.rank, first.ranking_result) == (1, "funded")
    assert (late.rank, late.ranking_result) == (2, "not_funded")
    assert late.instance.outcome == "not_funded"
    with pytest.raises(Conflict):  # nothing left to rank
        publish_ranking(call.id, {late.id: "50"}, u["grant_officer"])


def _assigned(grant_world):
    u = grant_world["users"]
    application = apply(grant_world)
    complete_as = u["grant_officer"]
    complete(complete_as, application.instance, "formal_review", ACCEPT)
    complete(complete_as, application.instance, "assign_reviewers",
             {"reviewers": [u["expert_a"].id, u["expert_b"].id, u["expert_c"].id]})
    return application


def test_review_not_delegated_to_an_expert_already_reviewing_it(grant_world):
    u = grant_world["users"]
    application = _assigned(grant_world)
    task = task_of(application.instance, "review_application", u["expert_a"])
    assert task.candidate_user_id == u["expert_a"].id
    with pytest.raises((InvalidInput, PermissionDenied)):
        delegate_task(task.id, u["expert_a"], u["expert_b"].id, "出差")
    db.session.expire_all()
    assert task_of(application.instance, "review_application", u["expert_a"]).candidate_user_id \
        == u["expert_a"].id


def test_review_not_delegated_to_a_conflicted_expert(grant_world):
    u = grant_world["users"]
    application = _assigned(grant_world)
    task = task_of(application.instance, "review_application", u["expert_a"])
    with pytest.raises((InvalidInput, PermissionDenied)):
        delegate_task(task.id, u["expert_a"], u["expert_d"].id, "出差")


def test_lock_version_after_submit_matches_database_and_cache(grant_world):
    application = apply(grant_world)  # _after_submit sets instance.title after save_instance
    instance = application.instance
    in_db = db.session.execute(sa.select(ProcessInstance.lock_version)
                               .where(ProcessInstance.id == instance.id)).scalar_one()
    assert instance.lock_version == in_db
    assert workflow_cache.cache.take(instance) is not None
    assert open_tasks(instance) == ["formal_review"]


def test_expert_score_is_rounded_half_up_in_decimal(grant_world):
    """The mean of 80.00 and 80.01 is 80.005: 80.01 half-up (as the combined score rounds),
    not the 80.0 float rounding of the script gives."""
    from decimal import Decimal

    from tests.factories import review

    u, call = grant_world["users"], grant_world["grant_call"]
    call.min_reviewers = 2
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(u["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [u["expert_a"].id, u["expert_b"].id]})
    for name, budget in (("expert_a", "15"), ("expert_b", "15.01")):
        complete(u[name], application.instance, "review_application",
                 review({"measures": 25, "goals": 25, "conditions": 15, "budget": budget}))
    publish_ranking(call.id, {application.id: "80"}, u["grant_officer"])
    assert application.expert_score == Decimal("80.01")
    assert application.combined_score == Decimal("80.01")


def test_hook_failing_after_save_leaves_instance_cache_and_projections_as_they_were(
        grant_world, monkeypatch):
    from app.models import InstanceViewer
    from dataclasses import replace

    u = grant_world["users"]
    application = apply(grant_world)
    instance = application.instance

    def viewers():
        return sorted(db.session.execute(sa.select(InstanceViewer.org_id, InstanceViewer.user_id)
                                         .filter_by(instance_id=instance.id)).all(),
                      key=repr)

    before, seen = snapshot(instance), viewers()

    def boom(*args):
        raise RuntimeError("hook failed after the save")
    grant = catalog().process("expert_team_grant")
    steps = tuple(replace(step, after=boom) if step.task == "formal_review" else step
                  for step in grant.steps)
    with catalog().using(replace(grant, steps=steps)), pytest.raises(RuntimeError):
        complete(u["grant_officer"], instance, "formal_review", ACCEPT)
    assert snapshot(instance) == before and viewers() == seen
    complete(u["grant_officer"], instance, "formal_review", ACCEPT)
    assert open_tasks(instance) == ["assign_reviewers"]
    in_db = db.session.execute(sa.select(ProcessInstance.lock_version)
                               .where(ProcessInstance.id == instance.id)).scalar_one()
    assert instance.lock_version == in_db


def test_release_twice_and_upheld_objection_without_reserve_left(grant_world, clock):
    from app.services.grant.ranking import release_reserves
    from app.services.background.timers import fire_due_timers

    u, call = grant_world["users"], grant_world["grant_call"]
    call.awards_count, call.reserve_count = 1, 1
    first = reviewed(grant_world)
    second = reviewed(grant_world, "soc_agri_tech", "soc_agri_applicant", totals=(20, 20, 10, 10))
    publish_ranking(call.id, {first.id: "90", second.id: "80"}, u["grant_officer"])
    assert release_reserves(call.id, u["grant_officer"]) == 1
    assert release_reserves(call.id, u["grant_officer"]) == 0
    clock.set(datetime(2024, 4, 30, tzinfo=SHANGHAI))
    fire_due_timers()
    complete(u["grant_officer"], first.instance, "conclude_publicity",
             {"publicity_outcome": "objection_upheld",
              "objections": [{"received_on": "2024-04-22", "summary": "不实", "handling": "属实"}]})
    assert first.instance.outcome == "objection_upheld"
    assert second.instance.outcome == "not_funded" and second.ranking_result == "not_funded"
