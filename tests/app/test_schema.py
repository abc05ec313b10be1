"""The Alembic migrations create exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_migrations_match_models(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_money_is_stored_exactly(world):
    from decimal import Decimal
    call = world["grant_call"]
    call.award_amount_wan = Decimal("30.1234")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(call), call.id).award_amount_wan == Decimal("30.1234")


def test_the_list_indexes_migration_goes_down_and_up_again(tmp_path):
    """0022 (the inbox's, 逾期督办's and the instance list's indexes) downgrades to 0021's
    indexes and upgrades back to the models' schema — on a database of its own."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade
    from app import create_app
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
                      "UPLOAD_DIR": tmp_path})
    with app.app_context():
        try:
            upgrade()
            downgrade(revision="0021")
            tasks = {index["name"]: index["column_names"] for index in sa.inspect(db.engine).get_indexes("tasks")}
            assert tasks["ix_tasks_due_at"] == ["due_at"] and "ix_tasks_overdue" not in tasks
            assert tasks["ix_tasks_offered"][-1] == "instance_id"
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": False})
                assert compare_metadata(context, db.metadata) == []
        finally:
            db.engine.dispose()


def test_open_tasks_get_their_projects_edition_when_0023_upgrades(tmp_path):
    """0023 copies each open task's project edition onto it (the inbox counts 遴选 per edition
    from its index), leaves other tasks without one, and goes down to 0022 and up again."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade
    from app import create_app
    from app.cli import upgrade_and_deploy
    from app.demo.reference import seed_reference_data
    from app.models import Task
    from tests.services.selection_rows import add_recommended
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
                      "UPLOAD_DIR": tmp_path})
    with app.app_context():
        try:
            upgrade_and_deploy()
            reference = seed_reference_data()
            city = reference["orgs"]["city_mianyang"]
            add_recommended(reference["edition"], city, city, "tech_transfer", 3)
            edition_id = reference["edition"].id
            db.session.close()
            downgrade(revision="0022")
            assert "edition_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("tasks")}
            with db.engine.begin() as connection:  # a task of no project (a grant's)
                connection.execute(sa.text(
                    "INSERT INTO tasks (id, instance_id, task_name, title, role, org_id, created_at) SELECT "
                    "'grant-task', instance_id, 'formal_review', '形式审查', 'grant_officer', org_id, created_at "
                    "FROM tasks LIMIT 1"))
                connection.execute(sa.text("DELETE FROM projects WHERE instance_id = "
                                           "(SELECT instance_id FROM tasks WHERE id = 'grant-task')"))
            upgrade()
            editions = dict(db.session.execute(sa.select(Task.id, Task.edition_id)).all())
            without_project = set(db.session.scalars(sa.text(
                "SELECT id FROM tasks WHERE instance_id NOT IN (SELECT instance_id FROM projects)")))
            assert "grant-task" in without_project and len(editions) == 4 and len(without_project) == 2
            assert editions == {task: None if task in without_project else edition_id for task in editions}
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": False})
                assert compare_metadata(context, db.metadata) == []
        finally:
            db.session.close()
            db.engine.dispose()
