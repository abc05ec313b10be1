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
