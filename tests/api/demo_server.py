"""The demo (no crowd) on a SQLite file of its own, served on 127.0.0.1 at a frozen "now" —
for the API's contract run and for the API guide's commands (docs/api.md)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from app import create_app
from app.extensions import db
from app.services.shared import workflow_cache
from tests.live import serving
from workflows.clock import FrozenClock


@contextmanager
def demo_served(tmp_path_factory, now: datetime):
    """Yields (base URL, app); the database file is app.config["SQLALCHEMY_DATABASE_URI"]."""
    from app.cli import upgrade_and_deploy
    from app.demo.scenario import load_demo

    root = tmp_path_factory.mktemp("demo-api")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'demo.sqlite'}",
                      "TESTING": True, "UPLOAD_DIR": root / "uploads"})
    workflow_cache.cache.clear()  # keyed by instance id: other databases of this process
    with app.app_context():
        upgrade_and_deploy()
        load_demo(projects_per_city=0)
        db.session.remove()
    with serving(app, FrozenClock(now), "grantflow-demo-api") as base_url:
        yield base_url, app
