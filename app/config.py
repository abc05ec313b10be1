"""Configuration from environment variables — the only place grantflow reads them."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRET_KEYS = ("", "dev-only-change-me")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


class Config:
    # Unset (or the old placeholder): create_app uses a random key for this process and warns
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'grantflow.sqlite'}")
    BPMN_DIR = Path(os.environ.get("GRANTFLOW_BPMN_DIR", PROJECT_ROOT / "bpmn"))
    SQLALCHEMY_RECORD_QUERIES = False
    # Demo only: the app's clock starts at this ISO moment (with offset) and runs on from there
    CLOCK_START = os.environ.get("GRANTFLOW_CLOCK_START") or None
    UPLOAD_DIR = Path(os.environ.get("GRANTFLOW_UPLOAD_DIR", PROJECT_ROOT / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # whole request; single uploads are checked tighter
    # Werkzeug's form limits (defaults 500 kB per field, 1,000 parts) sized for the largest real
    # 申报书, measured by scripts/measure_forms.py with every table at its row limit (200 rows,
    # forms/fields.py MAX_ROWS) and every text at its 字 limit in 3-byte characters: 3,635 parts,
    # 1.7 MB in all, the largest field 6 kB (a 2000字 text). A real one — a team of 120 — is
    # about 1,200 parts. Within these limits every excess is a field error of the form's schema
    # (a 422 with the input kept: too many rows, too many 字); only a request far past anything
    # typed (a pasted file of over 1 MiB in one field, over 10,000 parts) is the 413 page, which
    # sends the person back to the page the browser still holds (views/errors.py).
    MAX_FORM_MEMORY_SIZE = 1024 * 1024  # one text field: 170 times the largest real one
    MAX_FORM_PARTS = 10_000             # fields and files of one form: 2.75 times the largest
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Behind HTTPS set SESSION_COOKIE_SECURE=1: cookies are then never sent over plain HTTP
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # 到期提醒: remind this many days before a task's due date, and again on the day
    REMINDER_DAYS_BEFORE = int(os.environ.get("GRANTFLOW_REMINDER_DAYS_BEFORE", "3"))
    # Reminder e-mail through SMTP; none is sent while MAIL_SERVER is unset
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")  # STARTTLS
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "grantflow@localhost")
    WTF_CSRF_TIME_LIMIT = None  # valid for the session: long forms (申报书) take hours
    # How often the timer sweep runs (app/scheduler.py), in seconds
    TIMER_SWEEP_SECONDS = float(os.environ.get("GRANTFLOW_TIMER_SWEEP_SECONDS", "30"))
    # How often the worker looks for due background jobs (exports, 申报书 renders, e-mail)
    JOB_POLL_SECONDS = float(os.environ.get("GRANTFLOW_JOB_POLL_SECONDS", "2"))
    # Processes `grantflow worker` runs (each sweeps timers and runs jobs — 申报书 renders are
    # CPU-bound): "auto" = one per core, or a number
    WORKER_PROCESSES = os.environ.get("GRANTFLOW_WORKER_PROCESSES", "auto")
    # Run the worker (timer sweep and background jobs) inside this process: set only by
    # `grantflow run` (the dev server), never for web workers (production runs `grantflow
    # worker`) nor tests
    SCHEDULER_IN_PROCESS = False
    # Build the documents' fonts in a background thread when the app starts and they are
    # missing (`grantflow fonts` does it in the foreground); GRANTFLOW_PREPARE_FONTS=0 turns it off
    PREPARE_FONTS = os.environ.get("GRANTFLOW_PREPARE_FONTS", "1").lower() not in ("0", "false", "no")


def database_url_for_tests() -> str:
    """Tests use TEST_DATABASE_URL (PostgreSQL in CI) or a throwaway SQLite file."""
    return os.environ.get("TEST_DATABASE_URL", "")
