"""Races through HTTP, with real threads that meet at a barrier (each request its own app
context and database session): two people claiming one task, two API clients completing one
task, a person completing a task while the timer sweep fires its deadline — exactly one wins,
the loser gets the conflict message (a Chinese page, or 409 problem+json), and the data is one
outcome: one audit event, one save of the instance, the tasks projection as that outcome left it.

Two people on one task run on SQLite too; the person against the sweep needs PostgreSQL's row
locks (the sweep claims the instance with FOR UPDATE SKIP LOCKED)."""
from __future__ import annotations

import contextvars
import os
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, ProcessInstance, Task, User
from app.services.background import timers
from app.services.reading import inbox
from app.services.shared import api_tokens
from app.services.steps import deadlines, task_forms
from tests.api.conftest import api, api_client  # noqa: F401 - the api fixture
from tests.services.steps import open_tasks, timers_of
from workflows.clock import using_clock

from .formdata import text
from .login import csrf_token
from .test_refusals import check_url, colleague  # noqa: F401 - the second 成都 recommender

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
ELIGIBLE = {"exclusion_outcome": "eligible"}


def at_once(calls: dict, context=None) -> dict:
    """Run every call in its own thread at once (the test's clock in each); their answers."""
    answers, errors, threads = {}, [], []
    for name, call in calls.items():
        copied = contextvars.copy_context()

        def run(n=name, c=call, x=copied):
            try:
                answers[n] = x.run(c)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
        threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(answers) == len(calls), errors
    return answers


def meeting_before(module, name: str, parties: int = 2):
    """Wrap ``module.name`` so that every caller waits for the others before it goes on: each
    has read what it will change, then they write at once."""
    barrier, real = threading.Barrier(parties, timeout=20), getattr(module, name)

    def meeting(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)
    return meeting


def count_events(instance_id: int, kind: str, **where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(
        instance_id=instance_id, kind=kind, **where))


def version_of(instance_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(ProcessInstance.lock_version).filter_by(id=instance_id))


# Two people, one task -----------------------------------------------------------------------

def test_two_people_claiming_one_task_at_once_one_has_it_the_other_is_told(
        client, chengdu_project, colleague, monkeypatch):  # noqa: F811 - the fixture
    url = check_url(chengdu_project)
    people = {"李": client("cd_recommender"), "马": client("cd_recommender2")}
    tokens = {name: csrf_token(person.get(url).get_data(as_text=True))
              for name, person in people.items()}
    monkeypatch.setattr(inbox, "_visible_task", meeting_before(inbox, "_visible_task"))
    answers = at_once({name: lambda n=name, p=person: p.post(
        f"{url}/claim", data={"csrf_token": tokens[n]}, follow_redirects=True)
        for name, person in people.items()})
    assert [a.status_code for a in answers.values()] == [200, 200]  # pages, not a 500
    told = sorted("已认领。" in text(a) for a in answers.values())
    assert told == [False, True]
    loser = next(a for a in answers.values() if "已认领。" not in text(a))
    assert "该事项已由同事认领" in text(loser)
    assert count_events(chengdu_project.instance_id, "claimed") == 1
    db.session.rollback()
    task = db.session.get(Task, url.rsplit("/", 1)[1], populate_existing=True)
    winner = next(n for n, a in answers.items() if "已认领。" in text(a))
    holder = db.session.get(User, task.claimed_by_id).username
    assert holder == {"李": "cd_recommender", "马": "cd_recommender2"}[winner]


def test_two_api_clients_completing_one_task_at_once_one_wins_the_other_gets_409(
        ctx, api, chengdu_project, colleague, monkeypatch):  # noqa: F811 - the fixture
    task_id = check_url(chengdu_project).rsplit("/", 1)[1]
    instance_id = chengdu_project.instance_id
    before = version_of(instance_id)
    clients = {"李": api("cd_recommender"),
               "马": api_client(ctx, api_tokens.create_token(colleague, "测试令牌", 90).secret)}
    monkeypatch.setattr(task_forms, "complete_in_transaction",
                        meeting_before(task_forms, "complete_in_transaction"))
    answers = at_once({name: lambda c=c: c.post(f"/api/v1/tasks/{task_id}/complete",
                                                json={"data": ELIGIBLE})
                       for name, c in clients.items()})
    assert sorted(a.status_code for a in answers.values()) == [200, 409]
    loser = next(a for a in answers.values() if a.status_code == 409)
    assert loser.headers["Content-Type"].startswith("application/problem+json")
    assert loser.get_json()["code"] in ("task_handled", "conflict")
    assert "办理" in loser.get_json()["detail"]
    assert count_events(instance_id, "completed", task_name="check_exclusions") == 1
    assert version_of(instance_id) == before + 1  # one save of the instance
    assert open_tasks(db.session.get(ProcessInstance, instance_id)) == ["recommend_project"]


# A person and the timer sweep on one instance -------------------------------------------------

@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the sweep's row locks: needs TEST_DATABASE_URL "
                                            "pointing at PostgreSQL")
def test_a_person_completing_while_the_sweep_fires_the_deadline_one_outcome(
        ctx, client, clock, chengdu_project, monkeypatch):
    url = check_url(chengdu_project)
    instance_id = chengdu_project.instance_id
    person = client("cd_recommender")
    token = csrf_token(person.get(url).get_data(as_text=True))  # the page, opened in time
    due = min(timer.due_at for timer in timers_of(chengdu_project.instance).values())
    clock.advance(seconds=(due - clock()).total_seconds() + 1)  # the deadline just passed
    before = version_of(instance_id)
    db.session.commit()
    # each side has read the instance before either writes
    monkeypatch.setattr(deadlines, "apply_due_timers", meeting_before(deadlines, "apply_due_timers"))
    monkeypatch.setattr(timers, "apply_due_timers", deadlines.apply_due_timers)

    def sweep():
        with ctx.app_context(), using_clock(clock):
            return timers.sweep()
    answers = at_once({
        "person": lambda: person.post(url, data={**ELIGIBLE, "_action": "submit",
                                                 "csrf_token": token}),
        "sweep": sweep})
    page = answers["person"]
    print("the person was told:", page.get_data(as_text=True).split("error-message\">")[1][:120])
    assert page.status_code == 409, text(page)[:500]  # the person is told, not a 500
    assert "截止" in text(page) or "同时办理" in text(page)
    assert answers["sweep"].failed == []
    assert count_events(instance_id, "timer") == 1  # the deadline fired once
    assert count_events(instance_id, "completed", task_name="check_exclusions") == 0  # and the person's form did not count
    assert version_of(instance_id) == before + 1
    db.session.rollback()
    assert open_tasks(db.session.get(ProcessInstance, instance_id)) != ["check_exclusions"]
    assert not any(name.startswith("deadline") for name in timers_of(
        db.session.get(ProcessInstance, instance_id)))
