"""Fixtures of the web tests: a test client logged in as a demo user (real /login, CSRF on)."""
from __future__ import annotations

import pytest

from app.demo.materials import with_materials
from app.services.kechuang.projects import start_project
from tests.factories import submission
from tests.services.steps import complete

from .login import logged_in
from tests.uploads import use_upload_dir


@pytest.fixture
def client(ctx, world):
    """``client("cd_applicant")``: a test client logged in through the real /login form (GET
    /login, the csrf_token parsed from the page, POST), each request in its own app context."""
    return lambda username: logged_in(ctx, username)


@pytest.fixture
def upload_dir(ctx, tmp_path, monkeypatch):
    """Uploads go to a temporary UPLOAD_DIR for this test."""
    use_upload_dir(monkeypatch, tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def chengdu_project(world, upload_dir):
    """A 成都 project submitted by its owner with its materials uploaded: the 成都科协 has its
    资格审查 to do."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            "视觉引导柔性装配", "tech_transfer", users["cd_applicant"])
    raw = with_materials(project.instance, users["cd_applicant"], submission())
    complete(users["cd_applicant"], project.instance, "submit_project", raw)
    return project
