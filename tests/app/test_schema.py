"""The Alembic migrations create exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models.types import for_database


def differences(connection) -> list:
    """What the models declare and the database lacks or has besides (Alembic autogenerate),
    the database's own indexes only (a trigram index is PostgreSQL's)."""
    context = MigrationContext.configure(connection, opts={
        "compare_type": False, "include_object": for_database(connection.dialect.name)})
    return compare_metadata(context, db.metadata)


def test_migrations_match_models(ctx):
    with db.engine.connect() as connection:
        assert differences(connection) == []


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
                assert differences(connection) == []
        finally:
            db.engine.dispose()


def test_the_inbox_index_takes_the_edition_after_the_task_name_and_back(tmp_path):
    """0025 puts edition_id right after task_name in the inbox index (the tally's GROUP BY
    streams in its order) and puts it back at the end going down to 0024."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade
    from app import create_app
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
                      "UPLOAD_DIR": tmp_path})

    def offered() -> list[str]:
        return next(index["column_names"] for index in sa.inspect(db.engine).get_indexes("tasks")
                    if index["name"] == "ix_tasks_offered")
    with app.app_context():
        try:
            upgrade()
            assert offered()[:5] == ["role", "org_id", "task_name", "edition_id", "due_at"]
            downgrade(revision="0024")
            assert offered()[3] == "due_at" and offered()[-1] == "edition_id"
            upgrade()
            with db.engine.connect() as connection:
                assert differences(connection) == []
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
                assert differences(connection) == []
        finally:
            db.session.close()
            db.engine.dispose()


TRIGRAM_INDEXES = {"ix_process_instances_business_key_trgm", "ix_process_instances_title_trgm",
                   "ix_orgs_name_trgm"}


def test_the_search_indexes_migration_goes_down_and_up_again(app, tmp_path):
    """0024 (the instance search's trigram indexes) creates them on PostgreSQL only, drops them
    going down to 0023 and creates them again — on a database of its own, of the test run's
    kind (on PostgreSQL a new database beside the tests', dropped afterwards)."""
    import uuid
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade
    from app import create_app
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    postgresql = url.get_backend_name() == "postgresql"
    if postgresql:
        name = f"grantflow_m{uuid.uuid4().hex[:12]}"
        with app.app_context(), db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f"CREATE DATABASE {name}")
        url = url.set(database=name)
    else:
        url = sa.make_url(f"sqlite:///{tmp_path / 'm.sqlite'}")
    migrated = create_app({"TESTING": True, "UPLOAD_DIR": tmp_path,
                           "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)})

    def trigram_indexes() -> set[str]:
        inspector = sa.inspect(db.engine)
        found = {index["name"]: index for table in ("process_instances", "orgs")
                 for index in inspector.get_indexes(table)}
        trigram = {name for name, index in found.items()
                   if index.get("dialect_options", {}).get("postgresql_using") == "gin"}
        # written at once, never into a pending list the searches read through
        assert all(found[name]["dialect_options"].get("postgresql_with") == {"fastupdate": "off"}
                   for name in trigram)
        return trigram

    expected = TRIGRAM_INDEXES if postgresql else set()
    try:
        with migrated.app_context():
            try:
                upgrade()
                assert trigram_indexes() == expected
                downgrade(revision="0023")
                assert trigram_indexes() == set()
                upgrade()
                assert trigram_indexes() == expected
                with db.engine.connect() as connection:
                    assert differences(connection) == []
            finally:
                db.engine.dispose()
    finally:
        if postgresql:
            with app.app_context(), db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
