"""Fixtures of the API tests: a machine client with an API token of a demo user (created
through the tokens service, as the 「API令牌」 page does), each request in its own app context."""
from __future__ import annotations

import pytest

from app.services.shared import api_tokens
from tests.web.conftest import chengdu_project, upload_dir  # noqa: F401 - shared fixtures
from tests.web.login import FreshContextClient


class ApiClient(FreshContextClient):
    """A test client that sends ``Authorization: Bearer <token>`` with every request."""

    token: str = ""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Authorization", f"Bearer {self.token}")
        return super().open(*args, headers=headers, **kwargs)


def api_client(app, token: str) -> ApiClient:
    client = ApiClient(app, app.response_class, use_cookies=False)
    client.token = token
    return client


@pytest.fixture
def api(ctx, world):
    """``api("cd_applicant")``: an API client with a fresh 90-day token of that demo user."""
    def make(username: str) -> ApiClient:
        made = api_tokens.create_token(world["users"][username], f"测试令牌 {username}", 90)
        return api_client(ctx, made.secret)
    return make
