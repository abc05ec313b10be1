"""The settings services need, handed over by the web layer once (``create_app``), so no
service imports Flask: where uploads are stored, how reminders and e-mail go out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class MailSettings:
    server: str | None = None   # no e-mail while unset
    port: int = 25
    use_tls: bool = False       # STARTTLS
    username: str | None = None
    password: str | None = None
    sender: str = "grantflow@localhost"
    timeout: float = 10.0       # seconds for the SMTP connection


@dataclass(frozen=True)
class LoginGuardSettings:
    """Login lockout (services/shared/login_guard.py); our defaults, no seed fixes them."""
    max_failures: int = 5              # failures of one user name within the window lock it
    address_max_failures: int = 30     # failures from one client address hold it off
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class ServiceSettings:
    upload_dir: Path = Path("instance/uploads")
    reminder_days_before: int = 3
    secret_key: str = ""        # signs what a page hands back (a refused form's uploaded files)
    mail: MailSettings = field(default_factory=MailSettings)
    login_guard: LoginGuardSettings = field(default_factory=LoginGuardSettings)


_current = ServiceSettings()


def configure(settings: ServiceSettings) -> None:
    global _current
    _current = settings


def current() -> ServiceSettings:
    return _current


def from_config(config) -> ServiceSettings:
    """The services' part of a Flask config mapping."""
    return ServiceSettings(
        upload_dir=Path(config["UPLOAD_DIR"]),
        reminder_days_before=int(config.get("REMINDER_DAYS_BEFORE", 3)),
        secret_key=str(config.get("SECRET_KEY") or ""),
        mail=MailSettings(server=config.get("MAIL_SERVER") or None,
                          port=int(config.get("MAIL_PORT") or 25),
                          use_tls=bool(config.get("MAIL_USE_TLS")),
                          username=config.get("MAIL_USERNAME") or None,
                          password=config.get("MAIL_PASSWORD") or None,
                          sender=config.get("MAIL_FROM") or "grantflow@localhost",
                          timeout=float(config.get("MAIL_TIMEOUT") or 10)),
        login_guard=LoginGuardSettings(
            max_failures=int(config.get("LOGIN_MAX_FAILURES", 5)),
            address_max_failures=int(config.get("LOGIN_ADDRESS_MAX_FAILURES", 30)),
            window=timedelta(minutes=float(config.get("LOGIN_WINDOW_MINUTES", 15))),
            lock=timedelta(minutes=float(config.get("LOGIN_LOCK_MINUTES", 15)))))
