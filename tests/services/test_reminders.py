"""到期提醒与逾期督办: reminders N days before and on the day (once each, however often the
sweep runs), escalation of an overdue city task to 创发部 (its 逾期 view), e-mail via SMTP
as a job per e-mail that the worker sends and retries."""
from __future__ import annotations

import email
import socket
import smtplib
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from email import policy

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, ProcessInstance, User
from app.scheduler import run_sweep
from app.services.background import mail
from app.services.background.reminders import (mark_all_read, overdue_escalated,
                                               send_due_reminders, unread_notifications)
from app.services.shared import settings
from app.services.shared.settings import MailSettings
from app.services.kechuang.projects import start_project
from tests.conftest import SHANGHAI
from tests.factories import submission
from app.models.notices import REMINDER_KINDS
from tests.jobs import job_statuses, run_jobs
from tests.smtp_sink import SmtpSink
from tests.web.login import logged_in

from .steps import complete


@pytest.fixture
def chengdu(world, people):
    """A 成都 project submitted: 成都科协's 资格审查 is due 2023-12-15 (推荐截止)."""
    project = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                            world["orgs"]["city_chengdu"].id, "视觉引导柔性装配", "tech_transfer",
                            people["cd_applicant"])
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    return project


def sent(kind=None):
    """The reminders and escalations sent (not the 消息 of decisions and new tasks)."""
    query = sa.select(User.username, Notification.kind).join(User, User.id == Notification.user_id)
    query = query.where(Notification.kind == kind if kind else Notification.kind.in_(REMINDER_KINDS))
    return sorted(db.session.execute(query).all())


def test_reminded_n_days_before_and_on_the_day_once_each(chengdu, people, clock):
    assert send_due_reminders() == 0  # 12-01: due 12-15, not yet within 3 days
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1
    assert sent() == [("cd_recommender", "reminder_before")]
    message = unread_notifications(people["cd_recommender"])[0].message
    assert "2023年12月15日到期" in message
    assert send_due_reminders() == 0  # the same sweep again: nothing new
    clock.set(datetime(2023, 12, 14, 18, tzinfo=SHANGHAI))
    assert send_due_reminders() == 0
    clock.set(datetime(2023, 12, 15, 8, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert sent() == [("cd_recommender", "due_today"), ("cd_recommender", "reminder_before")]
    assert "今天" in unread_notifications(people["cd_recommender"])[0].message
    assert unread_notifications(people["my_recommender"]) == []


def test_claimed_task_reminds_only_the_claimer(chengdu, people, clock, world):
    from app.models import RoleAssignment
    from app.services.reading.inbox import claim_task
    from .steps import task_of
    second = User(username="cd_recommender2", display_name="成都第二审核人", created_at=clock())
    db.session.add(second)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=second.id, org_id=world["orgs"]["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 2  # both may do it while nobody has claimed it
    claim_task(task_of(chengdu.instance, "check_exclusions").id, second)
    clock.set(datetime(2023, 12, 15, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1
    assert sent("due_today") == [("cd_recommender2", "due_today")]


def test_overdue_city_task_escalates_to_innovation_department(ctx, chengdu, people, clock):
    clock.set(datetime(2023, 12, 17, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert sent() == [("sel_innovation", "overdue_escalated")]
    note = unread_notifications(people["sel_innovation"])[0]
    assert note.message.startswith("成都市科学技术协会的「") and "逾期" in note.message
    rows = overdue_escalated(people["sel_innovation"])
    assert [(r.task.task_name, r.org.code, r.days_overdue) for r in rows] == \
        [("check_exclusions", "city_chengdu", 2)]
    assert overdue_escalated(people["my_recommender"]) == []
    assert overdue_escalated(people["cd_recommender"]) == []  # not its own supervisor
    assert overdue_escalated(people["sel_societies"]) == []

    supervisor = logged_in(ctx, "sel_innovation").get("/overdue").get_data(as_text=True)
    assert "视觉引导柔性装配" in supervisor and "成都市科学技术协会" in supervisor and "2天" in supervisor
    mianyang = logged_in(ctx, "my_recommender").get("/overdue").get_data(as_text=True)
    assert "视觉引导柔性装配" not in mianyang and "暂无逾期督办事项" in mianyang
    # the supervisor may open the instance it is told about
    assert logged_in(ctx, "sel_innovation").get(f"/instances/{chengdu.instance_id}").status_code == 200


def test_overdue_society_application_escalates_to_societies_department(world, people, clock):
    from app.services.grant.applications import start_application
    from .grant_steps import ELIGIBLE
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                    people["soc_mfg_applicant"])
    complete(people["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    clock.set(datetime(2024, 4, 3, 9, tzinfo=SHANGHAI))  # 申报截止 2024-04-02
    send_due_reminders()
    assert ("sel_societies", "overdue_escalated") in sent()
    assert ("grant_officer", "overdue_escalated") in sent()
    assert [r.org.code for r in overdue_escalated(people["grant_officer"])] == ["soc_smart_mfg"]
    assert overdue_escalated(people["sel_innovation"]) == []


@contextmanager
def mail_server(host: str | None, port: int = 25, sender: str = "noreply@example.org"):
    """The services' mail settings (as create_app hands them over) for the block."""
    before = settings.current()
    settings.configure(replace(before, mail=MailSettings(server=host, port=port, sender=sender,
                                                         timeout=2)))
    try:
        yield
    finally:
        settings.configure(before)


def test_email_through_smtp(chengdu, people, clock, ctx):
    people["cd_recommender"].email = "chen@example.org"
    db.session.commit()
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    with SmtpSink() as sink, mail_server(sink.host, sink.port):
        assert send_due_reminders() == 1
        assert sink.messages == [] and job_statuses(mail.JOB_KIND) == ["queued"]  # the worker sends
        assert run_jobs() == 1
    assert len(sink.messages) == 1
    received = sink.messages[0]
    assert received.recipients == ["chen@example.org"] and received.sender == "noreply@example.org"
    raw_subject = [line for line in received.data.split(b"\r\n") if line.startswith(b"Subject:")][0]
    assert b"=?utf-8?" in raw_subject.lower()  # RFC 2047: the Chinese subject is encoded
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert message["Subject"].startswith("【天府科创】到期提醒：")
    assert "2023年12月15日到期" in message.get_content()
    assert unread_notifications(people["cd_recommender"])[0].emailed_at is not None
    assert run_jobs() == 0 and job_statuses(mail.JOB_KIND) == ["done"]  # sent once


def test_email_failure_is_retried_with_backoff(chengdu, people, clock, ctx):
    people["cd_recommender"].email = "chen@example.org"
    db.session.commit()
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    with mail_server("127.0.0.1", dead_port):
        assert send_due_reminders() == 1
        assert run_jobs() == 1  # the send failed: the job waits for its retry
    assert unread_notifications(people["cd_recommender"])[0].emailed_at is None
    assert job_statuses(mail.JOB_KIND) == ["queued"]
    with SmtpSink() as sink, mail_server(sink.host, sink.port):
        assert send_due_reminders() == 0  # the sweep adds no second e-mail
        assert run_jobs() == 0  # backing off
        clock.advance(minutes=1)
        assert run_jobs() == 1
    assert len(sink.messages) == 1 and job_statuses(mail.JOB_KIND) == ["done"]
    assert unread_notifications(people["cd_recommender"])[0].emailed_at is not None


def test_no_email_without_mail_server(chengdu, people, clock, monkeypatch):
    people["cd_recommender"].email = "chen@example.org"
    db.session.commit()

    def refuse(*args, **kwargs):
        raise AssertionError("no SMTP connection without a mail server")
    monkeypatch.setattr(smtplib, "SMTP", refuse)
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1
    assert run_jobs() == 0 and job_statuses(mail.JOB_KIND) == []
    assert unread_notifications(people["cd_recommender"])[0].emailed_at is None


def test_a_notification_read_before_its_email_went_out_is_not_emailed(chengdu, people, clock):
    people["cd_recommender"].email = "chen@example.org"
    db.session.commit()
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    with SmtpSink() as sink, mail_server(sink.host, sink.port):
        send_due_reminders()
        mark_all_read(people["cd_recommender"])
        assert run_jobs() == 1
    assert sink.messages == [] and job_statuses(mail.JOB_KIND) == ["done"]


def test_the_scheduler_job_fires_timers_and_sends_reminders(ctx, chengdu, clock):
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    assert run_sweep(ctx).fired == 0
    assert sent() == [("cd_recommender", "reminder_before")]
    clock.set(datetime(2023, 12, 16, 9, tzinfo=SHANGHAI))  # past 推荐截止: the timer fires
    assert run_sweep(ctx).fired == 1
    db.session.expire_all()
    assert db.session.get(ProcessInstance, chengdu.instance_id).outcome == "not_recommended"


def test_overdue_supervision_comes_in_pages(ctx, world, chengdu, people, clock):
    """逾期督办 of a whole province is long: one page at a time, the longest overdue first,
    the same rows as the full list; the page's pager keeps going."""
    from app.services.background import reminders
    mianyang = start_project(world["edition"].id, world["orgs"]["ent_greenfield"].id,
                             world["orgs"]["city_mianyang"].id, "绵阳逾期测试项目", "tech_transfer",
                             people["my_applicant"])
    complete(people["my_applicant"], mianyang.instance, "submit_project", submission())
    clock.set(datetime(2023, 12, 17, 9, tzinfo=SHANGHAI))
    every = overdue_escalated(people["sel_innovation"])
    assert sorted(r.org.code for r in every) == ["city_chengdu", "city_mianyang"]
    first = reminders.overdue_page(people["sel_innovation"], 1, per_page=1)
    assert (first.total, first.pages, [r.task.id for r in first.rows]) == (2, 2, [every[0].task.id])
    last = reminders.overdue_page(people["sel_innovation"], 99, per_page=1)
    assert (last.page, [r.task.id for r in last.rows]) == (2, [every[1].task.id])
    assert reminders.overdue_page(people["admin"]).total == 2  # administrators: every escalated


def test_a_long_overdue_list_is_counted_up_to_a_cap_and_pages_on(ctx, world, chengdu, people, clock,
                                                                    monkeypatch):
    """Past OVERDUE_COUNTED_UP_TO rows 逾期督办 stops counting ("1000+", here "1+"): the page
    still holds the longest overdue first, and the next page counts as far as it needs."""
    from app.services.background import reminders
    mianyang = start_project(world["edition"].id, world["orgs"]["ent_greenfield"].id,
                             world["orgs"]["city_mianyang"].id, "绵阳逾期测试项目", "tech_transfer",
                             people["my_applicant"])
    complete(people["my_applicant"], mianyang.instance, "submit_project", submission())
    clock.set(datetime(2023, 12, 17, 9, tzinfo=SHANGHAI))
    every = [r.task.id for r in overdue_escalated(people["sel_innovation"])]
    monkeypatch.setattr(reminders, "OVERDUE_COUNTED_UP_TO", 1)
    first = reminders.overdue_page(people["sel_innovation"], 1, per_page=1)
    assert (first.total, first.exact, [r.task.id for r in first.rows]) == (1, False, every[:1])
    second = reminders.overdue_page(people["sel_innovation"], 2, per_page=1)
    assert (second.total, second.exact, second.page, [r.task.id for r in second.rows]) == (2, True, 2, every[1:])
    assert reminders.overdue_page(people["sel_innovation"], 9, per_page=1).page == 2  # past the end: the last
    assert reminders.overdue_page(people["cd_applicant"], 1, per_page=1).total == 0  # supervises nothing
