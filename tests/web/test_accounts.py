"""Logins: lockout after repeated failures (the same for unknown names), a fresh session at
login and logout, and the security headers of every answer."""
from __future__ import annotations

from app.demo.people import DEMO_PASSWORD
from tests.web.login import FreshContextClient, csrf_token


def attempt(ctx, client, username: str, password: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def browser(ctx) -> FreshContextClient:
    return FreshContextClient(ctx, ctx.response_class, use_cookies=True)


def test_five_failures_lock_the_name_even_for_the_right_password_until_the_lock_ends(ctx, world, clock):
    client = browser(ctx)
    for _ in range(5):
        assert attempt(ctx, client, "cd_applicant", "wrong").status_code == 200
    locked = attempt(ctx, client, "cd_applicant", DEMO_PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "已暂时锁定" in locked.get_data(as_text=True)
    assert attempt(ctx, browser(ctx), "my_applicant", DEMO_PASSWORD).status_code == 302  # others not
    clock.advance(minutes=16)
    assert attempt(ctx, client, "cd_applicant", DEMO_PASSWORD).status_code == 302


def test_an_unknown_name_is_locked_alike_so_the_lock_reveals_nothing(ctx, world):
    client = browser(ctx)
    for _ in range(5):
        attempt(ctx, client, "nobody_here", "wrong")
    answer = attempt(ctx, client, "nobody_here", "wrong")
    assert answer.status_code == 429 and "已暂时锁定" in answer.get_data(as_text=True)


def test_a_success_clears_the_failures(ctx, world):
    client = browser(ctx)
    for _ in range(4):
        attempt(ctx, client, "cd_applicant", "wrong")
    assert attempt(ctx, client, "cd_applicant", DEMO_PASSWORD).status_code == 302
    client = browser(ctx)
    for _ in range(4):
        attempt(ctx, client, "cd_applicant", "wrong")
    assert attempt(ctx, client, "cd_applicant", DEMO_PASSWORD).status_code == 302


def test_one_address_failing_across_many_names_is_held_off(ctx, world):
    client = browser(ctx)
    for n in range(30):
        attempt(ctx, client, f"guess{n}", "wrong")
    assert attempt(ctx, client, "my_applicant", DEMO_PASSWORD).status_code == 429


def test_login_starts_a_new_session_and_logout_ends_it(ctx, world):
    client = browser(ctx)
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert attempt(ctx, client, "cd_applicant", DEMO_PASSWORD).status_code == 302
    page = client.get("/").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("_user_id")
        token_after_login = session.get("csrf_token")
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    with client.session_transaction() as session:
        assert "_user_id" not in session and token_after_login
        assert session.get("csrf_token") != token_after_login
    assert client.get("/").status_code == 302  # to the login page


def test_every_answer_carries_the_security_headers(ctx, world):
    for path in ("/login", "/api/v1/docs", "/api/v1/openapi.json", "/static/css/app.css", "/no-such-page"):
        answer = browser(ctx).get(path)
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, path
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        answer.close()
    docs = browser(ctx).get("/api/v1/docs").get_data(as_text=True)
    assert "swagger_init.js" in docs and "<script>" not in docs
