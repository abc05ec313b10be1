"""Fixtures of the web tests: a test client logged in as a demo user (real /login, CSRF on)."""
from __future__ import annotations

import pytest

from .login import logged_in


@pytest.fixture
def client(ctx, world):
    """``client("cd_applicant")``: a test client logged in through the real /login form (GET
    /login, the csrf_token parsed from the page, POST), each request in its own app context."""
    return lambda username: logged_in(ctx, username)


@pytest.fixture
def upload_dir(ctx, tmp_path, monkeypatch):
    """Uploads go to a temporary UPLOAD_DIR for this test."""
    monkeypatch.setitem(ctx.config, "UPLOAD_DIR", tmp_path / "uploads")
    return tmp_path / "uploads"
