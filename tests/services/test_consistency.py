"""``grantflow check``: a healthy database passes; each kind of damage is named."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.cli import check_command
from app.extensions import db
from app.models import AuditEvent, ProcessInstance, Task, Timer
from app.services.shared.consistency import check_consistency
from tests.web.conftest import chengdu_project, upload_dir  # noqa: F401 - shared fixtures


def test_a_healthy_database_is_consistent(chengdu_project):  # noqa: F811
    report = check_consistency()
    assert report.ok, report.problems
    assert report.instances == 1 and report.open_tasks == 1 and report.completions == 1


def test_a_lost_task_is_named(chengdu_project):  # noqa: F811
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=chengdu_project.instance.id))
    db.session.delete(task)
    db.session.commit()
    problems = check_consistency().problems
    assert len(problems) == 1 and "缺少记录（丢失）" in problems[0] and task.id in problems[0]


def test_a_stale_task_and_timer_are_named(chengdu_project):  # noqa: F811
    instance = chengdu_project.instance
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=instance.id))
    db.session.add(Task(id="00000000-0000-0000-0000-000000000001", instance_id=instance.id,
                        task_name=task.task_name, title=task.title, role=task.role,
                        org_id=task.org_id, created_at=task.created_at))
    db.session.add(Timer(id="00000000-0000-0000-0000-000000000002", instance_id=instance.id,
                         timer_name="x", title="x", due_at=task.created_at + timedelta(days=1)))
    db.session.commit()
    problems = check_consistency().problems
    assert len(problems) == 2
    assert all("多出流程并未在等的" in p for p in problems)


def test_work_done_twice_is_named(chengdu_project):  # noqa: F811
    done = db.session.scalar(sa.select(AuditEvent).filter_by(kind="completed"))
    db.session.add(AuditEvent(instance_id=done.instance_id, at=done.at, actor_id=done.actor_id,
                              kind="completed", task_name=done.task_name, task_id=done.task_id))
    db.session.commit()
    problems = check_consistency().problems
    assert len(problems) == 1 and "重复办理" in problems[0]


def test_a_broken_saved_workflow_is_named_and_the_command_fails(app, chengdu_project):  # noqa: F811
    db.session.execute(sa.update(ProcessInstance).values(state='{"broken": true}'))
    db.session.commit()
    problems = check_consistency().problems
    assert len(problems) == 1 and "无法加载" in problems[0]
    result = app.test_cli_runner().invoke(check_command)
    assert result.exit_code == 1 and "发现 1 处问题" in result.output
