"""The database unreachable or a write lost to a concurrent one, on both databases (the real
PostgreSQL restart is tests/faults/test_postgres_restart.py): a lost connection is 503 with
Retry-After — a Chinese page that needs no database, problem+json under /api — never a 500;
a deadlock or serialization failure (SQLSTATE class 40) is the 409 conflict."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.services.reading import inbox
from tests.api.conftest import api  # noqa: F401 - the api fixture

from .formdata import text


class ServerGone(Exception):
    sqlstate = "57P01"  # admin_shutdown: the server is restarting


class Deadlock(Exception):
    sqlstate = "40P01"


def failing(orig: Exception):
    def query(*args, **kwargs):
        raise OperationalError("SELECT …", {}, orig)
    return query


@pytest.fixture
def person(client):
    return client("cd_recommender")


def test_a_lost_database_is_a_503_page_in_chinese(person, monkeypatch):
    monkeypatch.setattr(inbox, "inbox_page", failing(ServerGone("terminating connection")))
    page = person.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "数据库暂时无法访问" in text(page) and "重新打开本页" in text(page)
    assert "terminating" not in text(page) and "Traceback" not in text(page)


def test_a_lost_database_is_503_problem_json_under_the_api(api, monkeypatch):  # noqa: F811
    client = api("cd_recommender")
    monkeypatch.setattr(inbox, "inbox_page", failing(ServerGone("terminating connection")))
    answer = client.get("/api/v1/tasks")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.get_json()["code"] == "service_unavailable"
    assert "数据库暂时无法访问" in answer.get_json()["detail"]


def test_a_deadlock_is_the_conflict_not_an_outage(person, monkeypatch):
    monkeypatch.setattr(inbox, "inbox_page", failing(Deadlock("deadlock detected")))
    page = person.get("/")
    assert page.status_code == 409 and "该事项已被他人同时办理" in text(page)
