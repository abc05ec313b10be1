"""Configuration from environment variables — the only place grantflow reads them."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'grantflow.sqlite'}")
    BPMN_DIR = Path(os.environ.get("GRANTFLOW_BPMN_DIR", PROJECT_ROOT / "bpmn"))
    SQLALCHEMY_RECORD_QUERIES = False
    # Demo only: the app's clock starts at this ISO moment (with offset) and runs on from there
    CLOCK_START = os.environ.get("GRANTFLOW_CLOCK_START") or None
    UPLOAD_DIR = Path(os.environ.get("GRANTFLOW_UPLOAD_DIR", PROJECT_ROOT / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # whole request; single uploads are checked tighter
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # valid for the session: long forms (申报书) take hours


def database_url_for_tests() -> str:
    """Tests use TEST_DATABASE_URL (PostgreSQL in CI) or a throwaway SQLite file."""
    return os.environ.get("TEST_DATABASE_URL", "")
