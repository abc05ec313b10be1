"""workflows/serialization.py: specs stored once, instance state saved without them."""
import json
from datetime import date
from decimal import Decimal

import pytest

from workflows import engine
from workflows.serialization import serializer

from .helpers import ELIGIBLE, complete, grant_at_review, real_bundle, specs_of, start

pytestmark = pytest.mark.usefixtures("clock")


def round_trip(workflow, key="expert_team_grant"):
    return engine.restore(engine.dump(workflow), *specs_of(key))


def test_mid_way_state_round_trips_with_the_same_ready_tasks_and_data():
    workflow = grant_at_review(["u1", "u2"])
    restored = round_trip(workflow)
    assert [(t.id, t.name, t.role, t.data) for t in engine.ready_tasks(restored)] == [
        (t.id, t.name, t.role, t.data) for t in engine.ready_tasks(workflow)]
    assert engine.process_data(restored) == engine.process_data(workflow)


def test_restored_workflow_carries_on_with_its_scripts():
    restored = round_trip(grant_at_review(["u1", "u2"]))
    for task, total in zip(engine.ready_tasks(restored), (80, 91)):
        engine.complete(restored, task.id, {"review": {"reviewer": task.data["reviewer"], "total": total}})
    assert engine.waits_for_message(restored, "ranking_published")
    assert engine.process_data(restored)["expert_score"] == 85.5


def test_waiting_timers_survive_the_round_trip():
    workflow = start("kechuang_project")
    assert engine.waiting_timers(round_trip(workflow, "kechuang_project")) == engine.waiting_timers(workflow)


def test_decimal_and_date_values_survive_as_such():
    workflow = start("expert_team_grant")
    values = {"amount": Decimal("12.30"), "on": date(2024, 3, 1),
              "nested": {"rows": [Decimal("0.1"), date(2024, 12, 31)]}}
    complete(workflow, "declare_eligibility", **ELIGIBLE, **values)
    [task] = engine.ready_tasks(round_trip(workflow))
    for name, value in values.items():
        assert task.data[name] == value
    assert type(task.data["amount"]) is Decimal and str(task.data["amount"]) == "12.30"
    assert type(task.data["on"]) is date
    assert [type(v) for v in task.data["nested"]["rows"]] == [Decimal, date]


def test_decimal_in_the_start_data_survives():
    workflow = start("expert_team_grant", award_amount_wan=Decimal("20.5"))
    [task] = engine.ready_tasks(round_trip(workflow))
    assert task.data["award_amount_wan"] == Decimal("20.5")
    assert type(task.data["award_amount_wan"]) is Decimal


def test_state_json_does_not_embed_the_spec():
    state_json = engine.dump(start("kechuang_project"))
    spec_json = real_bundle()["kechuang_project"].spec_json
    state = json.loads(state_json)
    assert "spec" not in state and "subprocess_specs" not in state
    assert '"task_specs"' in spec_json and '"task_specs"' not in state_json
    assert len(state_json) < len(spec_json) / 2


def test_spec_round_trip_keeps_the_task_specs():
    spec, subprocess_specs = specs_of("expert_team_grant")
    again, again_subs = serializer.spec_from_json(serializer.spec_to_json(spec, subprocess_specs))
    assert again.name == "expert_team_grant"
    assert set(again.task_specs) == set(spec.task_specs)
    assert {"review_application", "compute_expert_score", "end_refunded"} <= set(again.task_specs)
    assert set(again_subs) == set(subprocess_specs)


def test_spec_json_is_stable_through_a_round_trip():
    spec_json = real_bundle()["expert_team_grant"].spec_json
    assert serializer.spec_to_json(*serializer.spec_from_json(spec_json)) == spec_json
