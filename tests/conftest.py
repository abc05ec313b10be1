"""Shared fixtures: one database per test session (SQLite file, or PostgreSQL through
TEST_DATABASE_URL), emptied after every test; a frozen clock; the reference world."""
from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.services.shared import workflow_cache
from workflows.clock import FrozenClock, using_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEEP_TABLES = {"process_definitions", "alembic_version"}


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or \
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    # submitted 申报书 are frozen as PDFs: stored in a throwaway UPLOAD_DIR, with fonts prepared once
    prepare_fonts()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_DIR": tmp_path_factory.mktemp("uploads")})
    with app.app_context():
        _drop_everything()
        from app.cli import upgrade_and_deploy
        upgrade_and_deploy()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter does


def prepare_fonts() -> None:
    """The documents' TrueType fonts (a no-op once built): without them every PDF takes seconds."""
    from reports import fonts
    fonts.prepare_all()


def _drop_everything():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def ctx(app):
    """An app context whose data is wiped (but deployed definitions kept) afterwards."""
    with app.app_context():
        yield app
        wipe_data()
        db.session.remove()
        workflow_cache.cache.clear()


def wipe_data() -> None:
    """Delete every row a test may have written; deployed definitions (v1) stay."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEEP_TABLES:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def clock():
    """Time stands still at 2023-12-01 09:00 Shanghai until a test moves it."""
    frozen = FrozenClock(datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI))
    with using_clock(frozen):
        yield frozen


@pytest.fixture
def world(ctx, clock):
    """Organisations, calls of the seeds and one invented user per role."""
    from app.demo.people import seed_people
    from app.demo.reference import seed_reference_data
    data = seed_reference_data()
    data["users"] = seed_people(data["orgs"])
    return data
