"""The API against its own contract: schemathesis reads /api/v1/openapi.json from the app
served on 127.0.0.1 (the demo's data, no crowd) and fuzzes every operation with an API token —
as an administrator (who reaches every operation) and as an applicant (whose scope is small).
No answer may be a 5xx; every answer must match the document (status, content type, headers,
body schema). Bounded: a fixed seed, few examples per operation (GRANTFLOW_CONTRACT_EXAMPLES),
and a time limit per pass (GRANTFLOW_CONTRACT_SECONDS).

The JUnit report of each pass is kept in tests/artifacts/schemathesis/."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.services.shared import api_tokens
from tests.api.demo_server import demo_served
from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI

pytestmark = pytest.mark.contract

NOW = datetime(2023, 12, 1, 10, 0, tzinfo=SHANGHAI)  # the demo's "now": its calls are open
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")
EXAMPLES = int(os.environ.get("GRANTFLOW_CONTRACT_EXAMPLES", "12"))
BUDGET_SECONDS = int(os.environ.get("GRANTFLOW_CONTRACT_SECONDS", "600"))
# the applicant's pass first: the administrator's may deactivate users (PATCH /users/{id})
USERS = ("cd_applicant", "admin")
CONFIG = Path(__file__).with_name("schemathesis.toml")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "schemathesis"


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory):
    """The demo served at its "now", with a token for each pass's user; yields (url, tokens)."""
    with demo_served(tmp_path_factory, NOW) as (base_url, app):
        with app.app_context(), using_clock(FrozenClock(NOW)):
            tokens = {name: _token(name) for name in USERS}
            db.session.remove()
        yield base_url, tokens


def _token(username: str) -> str:
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    return api_tokens.create_token(user, "契约测试", 30).secret


def schemathesis(base_url: str, secret: str, report: str) -> subprocess.CompletedProcess:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    command = [str(Path(sys.executable).with_name("st")), "--config-file", str(CONFIG),
               "run", f"{base_url}/api/v1/openapi.json",
               "--header", f"Authorization: Bearer {secret}", "--checks", CHECKS,
               "--max-examples", str(EXAMPLES), "--seed", "13", "--workers", "1",
               "--phases", "examples,coverage,fuzzing", "--request-timeout", "60",
               "--suppress-health-check", "all", "--no-color",
               # revoking a token: schemathesis reuses ids it read (GET /tokens) and would revoke
               # the run's own (tests/api/test_tokens_api.py pins that operation)
               "--exclude-path", "/api/v1/tokens/{token_id}",
               "--report", "junit", "--report-junit-path", str(ARTIFACTS / f"{report}.xml")]
    return subprocess.run(command, capture_output=True, text=True, timeout=BUDGET_SECONDS,
                          env={**os.environ, "SCHEMATHESIS_HOOKS": ""})


@pytest.mark.parametrize("username", USERS)
def test_every_operation_answers_within_its_contract(contract_server, username):
    base_url, tokens = contract_server
    run = schemathesis(base_url, tokens[username], f"contract-{username}")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-12000:]
    still = requests.get(f"{base_url}/api/v1/me", timeout=30,
                         headers={"Authorization": f"Bearer {tokens[username]}"})
    assert still.status_code == 200, "the run lost its own token: its results are not worth much"
