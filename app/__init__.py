"""grantflow web application: create_app() wires config, database, blueprints and commands."""
from __future__ import annotations

import logging

from flask import Flask

from .config import PLACEHOLDER_SECRET_KEYS, Config
from .extensions import csrf, db, login_manager, migrate
from .models.types import json_dumps


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    _ensure_secret_key(app)
    _engine_options(app)
    _ensure_sqlite_dir(app)
    _install_clock(app)
    db.init_app(app)
    _configure_services(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())))
    login_manager.init_app(app)
    csrf.init_app(app)
    from .views import register_views
    register_views(app)
    from .cli import register_commands
    register_commands(app)
    from .scheduler import start_in_process
    start_in_process(app)  # only when SCHEDULER_IN_PROCESS (the dev server), never under TESTING
    _prepare_fonts(app)
    return app


def _engine_options(app: Flask) -> None:
    """On a database server (PostgreSQL), every pooled connection is checked before use and
    replaced when the server closed it (a restart, a failover, an idle timeout): after the
    database comes back, the next request works — no restart of the app. SQLite has no server."""
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("json_serializer", json_dumps)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", 3600)  # below any firewall's idle cut-off


def _configure_services(app: Flask) -> None:
    """Hand the services their settings (they never read Flask's config themselves)."""
    from .services.shared import settings
    settings.configure(settings.from_config(app.config))


def _prepare_fonts(app: Flask) -> None:
    """Build the documents' fonts in the background at first start, then warm a renderer
    (PREPARE_FONTS; never under TESTING): until the fonts exist, PDFs render with the system
    fonts — right, only slower."""
    if app.config.get("PREPARE_FONTS") and not app.config.get("TESTING"):
        from reports.fonts import prepare_in_background
        from reports.render import warm_up
        prepare_in_background(then=warm_up)


def _ensure_secret_key(app: Flask) -> None:
    """Never sign sessions with a known key: without SECRET_KEY (or with the old placeholder)
    this process gets a random one — sessions then end when it restarts and are not shared
    between workers, so production must set SECRET_KEY."""
    if (app.config.get("SECRET_KEY") or "") in PLACEHOLDER_SECRET_KEYS:
        import secrets
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        if not app.config.get("TESTING"):
            logging.getLogger("grantflow").warning(
                "SECRET_KEY is not set: using a random key for this process (logins end on "
                "restart and are not shared between workers). Set SECRET_KEY in production.")


def _install_clock(app: Flask) -> None:
    """A demo may run "as of" its data's dates (GRANTFLOW_CLOCK_START); otherwise real time."""
    if app.config.get("CLOCK_START"):
        from datetime import datetime
        from workflows.clock import ShiftedClock, set_default_clock
        set_default_clock(ShiftedClock(datetime.fromisoformat(app.config["CLOCK_START"])))


def _tune_sqlite(engine) -> None:
    """SQLite as a real store: enforce foreign keys; WAL with synchronous=NORMAL so a commit is
    not an fsync (durable across crashes of the app, not of the OS — as SQLite documents)."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of pages kept per connection (SQLite's default is 2 MB): a province's task
            # and instance indexes stay in the process, not re-read from the file every request
            cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()


def _migrations_dir() -> str:
    from pathlib import Path
    return str(Path(__file__).resolve().parent / "migrations")


def _ensure_sqlite_dir(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
