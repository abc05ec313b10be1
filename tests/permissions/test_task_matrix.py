"""Every person × every user task of both processes, standing at that step: open, 提交, 暂存,
认领/释放 and 转办 — each through the page and through /api/v1, each compared with the matrix
(tests/permissions/matrix.py). A refused attempt must leave every table as it was; the
instance itself (its page, diagram and uploaded files) is tried for every step too."""
from __future__ import annotations

import pytest

from . import attempts
from .matrix import (
    ACTOR_KEYS,
    STEPS,
    TASK_ACTIONS,
    instance_expectation,
    task_expectation,
)

CELLS = [(row, actor) for row in STEPS for actor in ACTOR_KEYS]


def _id(cell) -> str:
    row, actor = cell
    return f"{row.process}-{row.step}-{actor}"


@pytest.mark.parametrize("cell", CELLS, ids=[_id(c) for c in CELLS])
def test_cell(pw, cell):
    row, actor = cell
    username = pw.people.username(actor, row.process, row.step)
    if username is None:
        pytest.skip("nobody holds this column for this step (no 科服保姆 before the agreement)")
    person = pw.people.person(username)
    before = attempts.snapshot()
    found, expected = {}, {}
    instance = pw.instance_at(row.process, row.step)
    found["instance"] = attempts.instance_view(person, instance.id)
    expected["instance"] = (instance_expectation(row, actor),) * 2
    attachment = pw.attachment_of(row.process, row.step)
    if attachment is not None:
        found["attachments"] = attempts.attachment_download(person, attachment.id)
        expected["attachments"] = (instance_expectation(row, actor),) * 2
    if row.is_task:
        task_id = pw.task_id(row.process, row.step, username)
        for action, _label in TASK_ACTIONS:
            found[action] = attempts.TASK_ATTEMPTS[action](person, task_id)
            expected[action] = (task_expectation(row, action, actor),) * 2
    assert found == expected
    if actor not in row.doers:
        assert attempts.snapshot() == before, "a refused attempt changed something"
