"""The pages people open most read each thing once: a task page asks for an instance's
completions (audit events) and its files in one query each, however many panels, notices and
form fields show them — counted through the Flask test client, statement by statement."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.models import AuditEvent
from app.services.shared.read_once import read_once
from app.services.steps.completions import completions
from app.services.steps.saving import record_audit
from tests.factories import recommendation
from tests.services.steps import complete, task_of

from .test_instances import page

EXCLUSION_OK = {"exclusion_outcome": "eligible", "violated_rules": []}


@contextlib.contextmanager
def statements(app):
    """The SQL statements run inside the block, as sent to the database."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def reads_of(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.startswith("SELECT") and f" FROM {table} " in f"{s} "]


def test_task_page_reads_completions_and_files_once(app, client, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    complete(users["cd_recommender"], instance, "check_exclusions", EXCLUSION_OK)
    complete(users["cd_recommender"], instance, "recommend_project",
             recommendation(users["cd_concierge"].id, reason="中试完成，需求方明确。", rank=2))
    selector = client("sel_innovation")
    url = f"/tasks/{task_of(instance, 'select_project').id}"
    with statements(app) as seen:
        html = page(selector, url)
    # three panels (资格审查, 推荐, 项目申报信息), the 退回 notice and the prefill read them
    assert "中试完成，需求方明确。" in html and "资格审查意见" in html
    assert len(reads_of(seen, "audit_events")) == 1, "\n".join(s[-300:] for s in reads_of(seen, "audit_events"))
    assert len(reads_of(seen, "attachments")) == 1, reads_of(seen, "attachments")
    assert len(seen) <= 21, "\n".join(seen)  # 21 since the step reads a completion once, not 4×


def test_a_write_makes_the_next_read_fresh(app, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    before = len(completions(instance.id))
    record_audit(instance, "completed", users["cd_recommender"], data={"form": {}},
                 task=task_of(instance, "check_exclusions"))  # a Core INSERT, no flush
    assert len(completions(instance.id)) == before + 1
    db.session.rollback()
    assert len(completions(instance.id)) == before


def test_read_once_keeps_a_read_until_the_transaction_ends(app, world):
    reads = []

    def read():
        reads.append(1)
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert read_once("n", read) == read_once("n", read) and len(reads) == 1
    db.session.commit()
    read_once("n", read)
    assert len(reads) == 2
    db.session.close()  # a read-only transaction may end by close(), with no commit or rollback
    read_once("n", read)
    assert len(reads) == 3


def test_the_inbox_reads_its_reminders_only_when_something_is_unread(app, client, world, chengdu_project):
    """The header's unread count is read once a page; the 提醒 list at the top of the inbox is
    read only when that count is not 0 — and then shows the reminder."""
    from app.models import Notification
    from workflows import clock

    applicant = world["users"]["cd_applicant"]
    db.session.execute(sa.update(Notification).where(Notification.user_id == applicant.id)
                       .values(read_at=clock.now()))
    db.session.commit()
    browser = client("cd_applicant")
    with statements(app) as seen:
        html = page(browser, "/")
    assert 'id="reminders"' not in html
    assert len(reads_of(seen, "notifications")) == 1, reads_of(seen, "notifications")
    db.session.add(Notification(user_id=applicant.id, instance_id=chengdu_project.instance_id,
                                task_id=None, kind="due_today", message="科创项目今日到期，请及时提交。",
                                created_at=clock.now()))
    db.session.commit()
    with statements(app) as seen:
        html = page(browser, "/")
    assert 'id="reminders"' in html and "科创项目今日到期，请及时提交。" in html
    counts = [s for s in reads_of(seen, "notifications") if "count(" in s]
    assert len(counts) == 1 and len(reads_of(seen, "notifications")) == 2, reads_of(seen, "notifications")
