"""E-mail of notifications (到期提醒, 逾期督办, 消息): one job per e-mail, enqueued with the
notification and sent by the worker through the SMTP server of ``settings.current().mail``;
a failed send is retried by the job queue with backoff. A worker that dies between sending
and recording it may send that e-mail twice (at least once, never lost)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

import sqlalchemy as sa

from workflows import clock

from ...extensions import db
from ...models import Notification, User
from ..shared import settings
from ..shared.settings import MailSettings
from ..shared.unit_of_work import transaction
from . import jobs

JOB_KIND = "notification_email"
MAX_ATTEMPTS = 8  # with the queue's backoff: retried through about an hour of SMTP outage
SUBJECT_PREFIX = "【天府科创】"


def mail_configured() -> bool:
    return bool(settings.current().mail.server)


def enqueue_emails(notification_ids: list[int]) -> int:
    """In the caller's transaction: one e-mail job per notification whose person has an
    address — none while no mail server is configured. Returns how many were enqueued."""
    if not settings.current().mail.server or not notification_ids:
        return 0
    ids = db.session.scalars(sa.select(Notification.id).join(User, User.id == Notification.user_id)
                             .where(Notification.id.in_(notification_ids),
                                    User.email.is_not(None), User.email != ""))
    count = 0
    for ident in ids:
        jobs.enqueue(JOB_KIND, {"notification_id": ident}, dedup_key=f"{JOB_KIND}:{ident}",
                     max_attempts=MAX_ATTEMPTS)
        count += 1
    return count


def send_email(job: jobs.Claimed) -> dict:
    """The job: e-mail one notification, unless it was e-mailed or read meanwhile (idempotent)."""
    notification = db.session.get(Notification, job.payload["notification_id"])
    if notification is None or notification.emailed_at or notification.read_at:
        return {"sent": False}
    address = db.session.get(User, notification.user_id).email
    mail = settings.current().mail
    if not address or not mail.server:
        return {"sent": False}
    with _smtp(mail) as smtp:
        smtp.send_message(_email(mail, notification, address))
    with transaction():
        notification.emailed_at = clock.now()
    return {"sent": True, "to": address}


def _smtp(mail: MailSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(mail.server, mail.port, timeout=mail.timeout)
    try:
        if mail.use_tls:
            smtp.starttls()
        if mail.username:
            smtp.login(mail.username, mail.password or "")
    except Exception:
        smtp.close()
        raise
    return smtp


def _email(mail: MailSettings, notification: Notification, address: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{SUBJECT_PREFIX}{notification.kind_label}：{notification.message}"[:200]
    message["From"] = mail.sender
    message["To"] = address
    message.set_content(f"{notification.message}\n\n请登录天府科创项目全流程管理系统办理。\n")
    return message
