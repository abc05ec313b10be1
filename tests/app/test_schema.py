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
