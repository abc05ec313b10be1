"""Fixtures the service tests share (``world`` itself comes from tests/conftest.py)."""
from __future__ import annotations

import pytest

from app.services.kechuang.projects import start_project


@pytest.fixture
def people(world):
    return world["users"]


@pytest.fixture
def project(world, people):
    """A 科创项目 of 成都 just started by its applicant (a draft at 提交科创项目)."""
    orgs = world["orgs"]
    return start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                         "视觉引导柔性装配", "tech_transfer", people["cd_applicant"])
