"""The command line and the minimal API: what the README promises works."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.cli import (demo_command, fire_timers_command, run_jobs_command, scheduler_command,
                     worker_command)
from app.demo.people import PEOPLE
from app.demo.scenario import GRANT_STEPS, PROJECT_STEPS
from app.extensions import db
from app.models import GrantApplication, ProcessInstance, Task
from app.services.documents import documents
from app.services.steps.saving import load_workflow
from tests.jobs import job_statuses
from workflows import engine


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


def grant_open_steps() -> set[str]:
    return set(db.session.scalars(sa.select(Task.task_name).join(
        ProcessInstance, Task.instance_id == ProcessInstance.id).where(
        ProcessInstance.process_key == "expert_team_grant")))


def waiting_for(message: str) -> list[GrantApplication]:
    running = db.session.scalars(sa.select(GrantApplication).join(
        ProcessInstance, GrantApplication.instance_id == ProcessInstance.id).where(
        ProcessInstance.status == "running"))
    return [a for a in running if engine.waits_for_message(load_workflow(a.instance), message)]


def test_demo_has_a_grant_application_at_every_step(ctx):
    result = ctx.test_cli_runner().invoke(demo_command)
    assert result.exit_code == 0, result.output
    user_steps = set(GRANT_STEPS) - {"ranking", "end"}
    assert user_steps | {"rectify", "refund"} <= grant_open_steps()
    assert [a.ranking_result for a in waiting_for("ranking_published")] == [None]  # at "ranking"
    assert [a.ranking_result for a in waiting_for("reserve_promoted")] == ["reserve"]
    grant_outcomes = set(db.session.scalars(sa.select(GrantApplication.outcome)))
    assert {"completed", "ineligible"} <= grant_outcomes
    assert_summary_readable(result.output)
    # the demo ran the jobs a worker would: every submitted 申报书 is frozen
    submitted = db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.submitted_at.is_not(None))).all()
    assert submitted and all(documents.frozen_versions(a.instance_id, "application")
                             for a in submitted)
    assert set(job_statuses(documents.FREEZE_JOB)) == {"done"}


def assert_summary_readable(output: str) -> None:
    """The login URL first, then the instances, then every login under its Chinese role."""
    assert output.index("登录地址：http://127.0.0.1:5000/login") < output.index("演示数据已载入")
    logins = output[output.index("演示账号"):]
    assert logins.index("系统管理员（admin）") > logins.index("评审专家（expert）")
    for username, _, _ in PEOPLE:
        assert re.search(rf"^    {username} ", logins, re.MULTILINE), username


def test_fire_timers_command_reports_count(ctx):
    result = ctx.test_cli_runner().invoke(fire_timers_command)
    assert result.exit_code == 0 and "0 个流程实例" in result.output


def test_api_health_and_definitions(ctx):
    client = ctx.test_client()
    assert client.get("/").status_code == 302  # the inbox, which wants a login first
    assert client.get("/api/health").get_json() == {"status": "ok"}
    keys = {(d["process_key"], d["version"]) for d in client.get("/api/definitions").get_json()}
    assert {("kechuang_project", 1), ("expert_team_grant", 1)} <= keys


def test_worker_is_also_called_scheduler_and_run_jobs_reports_count(ctx):
    assert (worker_command.name, scheduler_command.name) == ("worker", "scheduler")
    assert scheduler_command.callback is worker_command.callback
    result = ctx.test_cli_runner().invoke(run_jobs_command)
    assert result.exit_code == 0 and "已执行 0 个后台任务" in result.output


def test_api_token_command_prints_a_secret_that_authenticates_once_shown(ctx, world):
    from app.cli import api_token_command
    from app.models import ApiToken
    result = ctx.test_cli_runner().invoke(api_token_command, ["cd_applicant", "--days", "30"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("gf_")
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.name == "命令行创建" and secret not in (stored.token_hash, stored.prefix)
    me = ctx.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json()["username"] == "cd_applicant"
    refused = ctx.test_cli_runner().invoke(api_token_command, ["cd_applicant", "--days", "7"])
    assert refused.exit_code != 0 and "有效期" in refused.output
    unknown = ctx.test_cli_runner().invoke(api_token_command, ["nobody"])
    assert unknown.exit_code != 0 and "不存在" in unknown.output
