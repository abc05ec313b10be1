"""Logging a test client in through the real /login form (CSRF token and all)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.demo.people import DEMO_PASSWORD

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class FreshContextClient(FlaskClient):
    """Every request in its own app context — its own ``g`` (Flask-Login keeps the user
    there) and database session, as in production — even while a test holds a context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1) or match.group(2)


def logged_in(app, username: str, password: str = DEMO_PASSWORD) -> FreshContextClient:
    """A fresh test client with ``username`` logged in."""
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 302, f"login of {username} failed"
    return client
