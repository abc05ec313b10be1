"""The matrix's document and its coverage: MATRIX.md is what the data renders to, and the
matrix has a row for every user task of the Step catalogue."""
from __future__ import annotations

from app.services.steps.catalog import catalog

from . import render
from .matrix import GRANT, KECHUANG, STEPS

PROCESS_KEYS = {"kechuang_project": KECHUANG, "expert_team_grant": GRANT}


def test_matrix_md_is_up_to_date():
    assert render.PATH.read_text(encoding="utf-8") == render.render(), \
        "MATRIX.md is out of date: run python -m tests.permissions.render"


def test_every_user_task_of_both_processes_has_a_row():
    tasks = {(PROCESS_KEYS[step.process], step.task) for step in catalog().steps()}
    rows = {(row.process, row.step) for row in STEPS if row.is_task}
    assert rows == tasks

