"""The permissions matrix's world, built once for the package (tests/permissions/world.py),
and one logged-in page client and one API-token client per person, made on first use."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.services.shared import workflow_cache
from tests.conftest import wipe_data
from tests.uploads import use_upload_dir
from workflows.clock import FrozenClock, using_clock

from . import world as permission_world
from .people import People


@pytest.fixture(scope="package")
def pw(app, tmp_path_factory):
    """The matrix's world; wiped (deployed definitions kept) when the package is done."""
    with app.app_context(), pytest.MonkeyPatch.context() as monkeypatch:
        use_upload_dir(monkeypatch, tmp_path_factory.mktemp("permission-uploads"))
        frozen = FrozenClock(permission_world.DEMO_NOW)
        with using_clock(frozen):
            built = permission_world.build(frozen)
            frozen.set(permission_world.DEMO_NOW)
            built.people = People(app, built)
            yield built
        wipe_data()
        db.session.remove()
        workflow_cache.cache.clear()
