"""docs/api.md's walk-through, run as written: its ```sh blocks, in order, in one bash (set -eu),
against the demo served on 127.0.0.1 — so the guide's copy-paste commands keep working."""
from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.api.demo_server import demo_served
from workflows.dates import SHANGHAI

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "api.md"
NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)  # make run's GRANTFLOW_CLOCK_START
MAKE_RUN_URL = "http://127.0.0.1:5000"


def guide_commands() -> str:
    """The walk-through's shell blocks, in order."""
    text = GUIDE.read_text(encoding="utf-8")
    walk = text[text.index("## Walk-through"):]
    return "\n".join(re.findall(r"```sh\n(.*?)```", walk, flags=re.S))


def test_the_guides_commands_work_against_the_demo(tmp_path_factory, tmp_path):
    with demo_served(tmp_path_factory, NOW) as (base_url, app):
        script = guide_commands().replace(MAKE_RUN_URL, base_url)
        (tmp_path / ".venv").symlink_to(ROOT / ".venv")
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300, env={
                                 **os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "201" in output and "ExclusionCheck" in output and "invalid_input" in output, output
    assert "推荐" in output, output
    pdfs = list(tmp_path.glob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs), output
