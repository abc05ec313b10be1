"""Security review findings: open redirects after login, user enumeration by timing, the
secret key and cookie flags, delegating name-assigned reviews, confidential history notes and
the download name of an uploaded file."""
from __future__ import annotations

import hashlib
import importlib
import logging

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Attachment, AuditEvent, RoleAssignment, Task
from app.services.shared.errors import PermissionDenied
from app.services.reading.inbox import colleagues_for, delegate_task
from app.views import auth
from tests.services.grant_steps import ACCEPT, REVIEWERS, apply
from tests.services.steps import complete
from workflows import clock

from .login import FreshContextClient, csrf_token, logged_in
from tests.uploads import use_upload_dir


def _login(app, username, password, next_url):
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login?next=" + next_url, data={
        "username": username, "password": password, "csrf_token": token})


@pytest.mark.parametrize("next_url", ["/%5Cevil.example/", "/%5C%5Cevil.example", "/%09/evil.example",
                                      "/%5C/evil.example", "//evil.example", "http://evil.example/"])
def test_login_next_never_leaves_the_site(app, world, next_url):
    from app.demo.people import DEMO_PASSWORD
    response = _login(app, "cd_applicant", DEMO_PASSWORD, next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_keeps_a_same_site_path(app, world):
    from app.demo.people import DEMO_PASSWORD
    response = _login(app, "cd_applicant", DEMO_PASSWORD, "/instances%3Fq%3Dx")
    assert response.headers["Location"] == "/instances?q=x"


def test_unknown_user_costs_a_password_check_too(app, world, monkeypatch):
    """Same message and about the same time for an unknown user as for a wrong password."""
    checked = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash",
                        lambda hashed, password: checked.append(password) or real(hashed, password))
    unknown = _login(app, "nobody-here", "secret-guess", "/")
    wrong = _login(app, "cd_applicant", "secret-guess", "/")
    assert unknown.status_code == wrong.status_code == 200
    assert "用户名或密码错误" in unknown.get_data(as_text=True)
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert checked == ["secret-guess", "secret-guess"]


def test_without_a_configured_secret_key_a_random_one_is_used(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    with caplog.at_level(logging.WARNING, logger="grantflow"):
        first = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": None})
        second = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "dev-only-change-me"})
    for made in (first, second):
        assert made.config["SECRET_KEY"] not in (None, "", "dev-only-change-me")
        assert len(made.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert "SECRET_KEY" in caplog.text
    kept = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "a-real-configured-key"})
    assert kept.config["SECRET_KEY"] == "a-real-configured-key"


def test_secure_cookie_flag_is_configurable(monkeypatch):
    from app import config
    try:
        monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
        assert importlib.reload(config).Config.SESSION_COOKIE_SECURE is True
        assert config.Config.REMEMBER_COOKIE_SECURE is True
        monkeypatch.delenv("SESSION_COOKIE_SECURE")
        assert importlib.reload(config).Config.SESSION_COOKIE_SECURE is False
    finally:
        monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
        importlib.reload(config)


def test_session_cookie_is_httponly_and_samesite(app, world):
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    cookie = client.get("/login").headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# 评审 tasks are assigned by name after a conflict-of-interest check -------------------------

@pytest.fixture
def in_review(world):
    users = world["users"]
    application = apply(world)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [users[name].id for name in REVIEWERS]})
    return application


def _review_of(instance, user):
    return db.session.scalar(sa.select(Task).filter_by(
        instance_id=instance.id, task_name="review_application", candidate_user_id=user.id))


def test_a_review_assigned_by_name_cannot_be_delegated(world, in_review):
    """expert_d belongs to the applying society (conflicted); expert_b already reviews it.
    Both are made experts of the task's org (an admin may place experts anywhere)."""
    users = world["users"]
    task = _review_of(in_review.instance, users["expert_a"])
    for other in ("expert_d", "expert_b"):
        db.session.add(RoleAssignment(user_id=users[other].id, org_id=task.org_id, role="expert"))
    db.session.commit()
    db.session.expire_all()
    assert colleagues_for(task, users["expert_a"]) == []
    for other in ("expert_d", "expert_b"):
        with pytest.raises(PermissionDenied):
            delegate_task(task.id, users["expert_a"], users[other].id, "出差")
    db.session.refresh(task)
    assert task.candidate_user_id == users["expert_a"].id


def test_confidential_step_notes_are_hidden_from_the_applicant(app, world, in_review):
    users = world["users"]
    db.session.add(AuditEvent(instance_id=in_review.instance.id, at=clock.now(),
                              actor_id=users["grant_officer"].id, kind="delegated",
                              task_name="assign_reviewers",
                              data={"to": "保密代理人甲", "to_user_id": users["expert_b"].id,
                                    "reason": "请保密代理人甲代为安排"}))
    db.session.commit()
    url = f"/instances/{in_review.instance.id}"
    applicant = logged_in(app, "soc_mfg_applicant").get(url).get_data(as_text=True)
    assert "保密代理人甲" not in applicant
    officer = logged_in(app, "grant_officer").get(url).get_data(as_text=True)
    assert "请保密代理人甲代为安排" in officer


def test_download_of_a_file_named_with_control_characters(app, world, tmp_path, monkeypatch):
    from app.services.documents.attachments import store_attachment
    from tests.web.test_instances import new_project
    from werkzeug.datastructures import FileStorage
    import io
    use_upload_dir(monkeypatch, tmp_path)
    project = new_project(world, "ent_cloudwise", "city_chengdu", "项目", "cd_applicant")
    storage = FileStorage(io.BytesIO(b"%PDF-1.4 x"), filename='a"b\r\nX-Evil: 1\t.pdf')
    attachment = store_attachment(project.instance, "submit_project", "proof_ref", storage,
                                  world["users"]["cd_applicant"])
    db.session.commit()
    assert not any(ch in attachment.filename for ch in "\r\n\t")
    response = logged_in(app, "cd_applicant").get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert "X-Evil" not in response.headers
    response.close()
    assert hashlib.sha256(b"%PDF-1.4 x").hexdigest() == db.session.get(Attachment, attachment.id).sha256
