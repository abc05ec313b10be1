"""The pages work under the Content-Security-Policy (no inline script): Swagger UI at
/api/v1/docs starts from its static initialiser, and the browser reports no CSP violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_under_the_csp(page_as):
    page = page_as("cd_applicant")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("grantflow")
    expect(page.locator(".opblock").first).to_be_visible()
    assert problems == []
