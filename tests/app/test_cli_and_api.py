"""The command line and the minimal API: what the README promises works."""
from __future__ import annotations

import sqlalchemy as sa

from app.cli import demo_command, fire_timers_command
from app.demo.scenario import GRANT_STEPS, PROJECT_STEPS
from app.extensions import db
from app.models import ProcessInstance, Task


def test_demo_loads_instances_at_every_project_step_and_prints_logins(ctx):
    result = ctx.test_cli_runner().invoke(demo_command)
    assert result.exit_code == 0, result.output
    assert "演示账号" in result.output and "cd_recommender" in result.output
    open_steps = set(db.session.scalars(sa.select(Task.task_name)))
    assert set(PROJECT_STEPS[:-1]) <= open_steps
    assert {"submit_application", "review_application"} <= open_steps
    outcomes = set(db.session.scalars(sa.select(ProcessInstance.outcome)))
    assert {"landed", "completed"} <= outcomes
    assert "end" in GRANT_STEPS


def test_fire_timers_command_reports_count(ctx):
    result = ctx.test_cli_runner().invoke(fire_timers_command)
    assert result.exit_code == 0 and "0 个流程实例" in result.output


def test_api_health_and_definitions(ctx):
    client = ctx.test_client()
    assert client.get("/").status_code == 302  # the inbox, which wants a login first
    assert client.get("/api/health").get_json() == {"status": "ok"}
    keys = {(d["process_key"], d["version"]) for d in client.get("/api/definitions").get_json()}
    assert {("kechuang_project", 1), ("expert_team_grant", 1)} <= keys
