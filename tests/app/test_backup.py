"""``grantflow backup`` / ``grantflow restore``: every row of every table and every file comes
back as it was — into a fresh SQLite database, and (on the PostgreSQL pass) from PostgreSQL into
SQLite and back into PostgreSQL — and the restored app works on."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.cli import backup_command, restore_command
from app.extensions import db
from app.models import ProcessInstance, Task
from app.services.shared.api_tokens import create_token
from app.services.shared.backup import backup, restore
from app.services.shared.consistency import check_consistency
from app.services.shared.errors import Conflict, InvalidInput
from tests.jobs import run_jobs
from tests.services.steps import complete
from tests.web.conftest import chengdu_project, upload_dir  # noqa: F401 - shared fixtures
from tests.web.login import logged_in


@pytest.fixture
def rich(world, chengdu_project, upload_dir):  # noqa: F811
    """A project past 资格审查, with its uploaded materials, a token, notices and audit events."""
    users = world["users"]
    run_jobs()  # the notices' e-mail and any render a submission queued
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    create_token(users["cd_applicant"], "对接系统", 90)
    db.session.commit()
    return chengdu_project


def tables() -> dict[str, list[dict]]:
    return {table.name: [dict(row) for row in db.session.execute(
        sa.select(table).order_by(*table.primary_key.columns)).mappings()]
        for table in db.metadata.sorted_tables}


def files(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in directory.rglob("*") if p.is_file()}


@pytest.fixture
def fresh_sqlite(tmp_path):
    """Another app on an empty SQLite file (migrated, nothing deployed), for restoring into."""
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'restored.sqlite'}",
                        "UPLOAD_DIR": tmp_path / "restored-uploads"})
    yield other
    with other.app_context():
        db.engine.dispose()


def restore_with_cli(target, archive: Path):
    """``grantflow restore ARCHIVE`` run against ``target`` (an app context of its own: the CLI
    would otherwise use the test's app, which is current)."""
    with target.app_context():
        return target.test_cli_runner().invoke(restore_command, [str(archive)])


def test_a_backup_restores_every_row_and_file_into_an_empty_database_and_back(
        app, rich, upload_dir, fresh_sqlite, tmp_path):  # noqa: F811
    before, files_before = tables(), files(upload_dir)
    assert before["attachments"] and before["api_tokens"] and before["audit_events"] and files_before
    archive = tmp_path / "grantflow.tar.gz"
    summary = backup(archive, upload_dir)
    assert summary.rows == sum(map(len, before.values())) and summary.files == len(files_before)

    restored_uploads = tmp_path / "restored-uploads"
    result = restore_with_cli(fresh_sqlite, archive)
    assert result.exit_code == 0, result.output
    with fresh_sqlite.app_context():
        assert tables() == before  # every column of every row
        assert check_consistency().ok
        backup(tmp_path / "back.tar.gz", restored_uploads)  # and back: SQLite → the test's database
    assert files(restored_uploads) == files_before
    restore(tmp_path / "back.tar.gz", upload_dir, force=True)
    db.session.expire_all()
    assert tables() == before


def test_the_restored_app_works_on(app, rich, upload_dir, fresh_sqlite, tmp_path):  # noqa: F811
    archive = tmp_path / "grantflow.tar.gz"
    backup(archive, upload_dir)
    assert restore_with_cli(fresh_sqlite, archive).exit_code == 0
    with fresh_sqlite.app_context():
        task = db.session.scalar(sa.select(Task).filter_by(task_name="recommend_project"))
        version = db.session.get(ProcessInstance, task.instance_id).lock_version
        task_id, instance_id = task.id, task.instance_id
    browser = logged_in(fresh_sqlite, "cd_recommender")
    page = browser.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "视觉引导柔性装配" in page.get_data(as_text=True)
    answer = browser.post(f"/tasks/{task_id}", data={
        "csrf_token": _csrf(page), "_action": "submit", "recommend_outcome": "not_recommended",
        "reason": "需求方尚不明确，转常年服务。"})
    assert answer.status_code == 302
    with fresh_sqlite.app_context():
        assert db.session.get(ProcessInstance, instance_id).lock_version == version + 1
        assert check_consistency().ok


def _csrf(page) -> str:
    from tests.web.login import csrf_token
    return csrf_token(page.get_data(as_text=True))


def test_restore_into_the_same_database_replaces_it_and_ids_go_on(app, rich, upload_dir, world, tmp_path):  # noqa: F811
    """On PostgreSQL: the sequences follow the restored ids (a new row gets a fresh id)."""
    archive = tmp_path / "grantflow.tar.gz"
    backup(archive, upload_dir)
    before = tables()
    db.session.execute(sa.delete(Task))
    db.session.commit()
    with pytest.raises(Conflict, match="不是空的"):
        restore(archive, upload_dir)
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Task))  # untouched
    restore(archive, upload_dir, force=True)
    db.session.expire_all()
    assert tables() == before
    from app.services.kechuang.projects import start_project
    orgs, users = world["orgs"], world["users"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            "恢复后的新项目", "tech_transfer", users["cd_applicant"])
    assert project.instance.id > max(row["id"] for row in before["process_instances"])


def test_a_damaged_archive_is_refused_and_nothing_changes(app, rich, upload_dir, fresh_sqlite, tmp_path):  # noqa: F811
    archive = tmp_path / "grantflow.tar.gz"
    app.test_cli_runner().invoke(backup_command, [str(archive)])
    damaged = tmp_path / "damaged.tar.gz"
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    result = restore_with_cli(fresh_sqlite, damaged)
    assert result.exit_code != 0 and ("无法读取" in result.output or "校验失败" in result.output)
    with fresh_sqlite.app_context():
        assert not any(tables().values())
    with pytest.raises(InvalidInput, match="无法读取"):
        restore(tmp_path / "missing.tar.gz", upload_dir)
