"""Every person × every action outside a task — starting, the 遴选 and 排序 boards, 绩效数据,
跟踪记录, downloads, 评选表扬 and 系统管理 — through the page and through /api/v1, compared
with the matrix (tests/permissions/matrix.py). A refused attempt must leave every table as it
was."""
from __future__ import annotations

import pytest

from . import attempts
from .boards import ATTEMPTS
from .matrix import ACTOR_KEYS, ALLOW, BOARD_ACTIONS

CELLS = [(action, actor) for action in BOARD_ACTIONS for actor in ACTOR_KEYS]


@pytest.mark.parametrize("cell", CELLS, ids=[f"{a.key}-{actor}" for a, actor in CELLS])
def test_cell(pw, cell):
    action, actor = cell
    username = pw.people.for_board(action, actor)
    if username is None:
        pytest.skip("nobody holds this column here (no 科服保姆 before the agreement)")
    attempt = ATTEMPTS[action.key]
    before = attempts.snapshot()
    page, api = attempt.run(pw.people.person(username), pw)
    found = tuple(None if code is None else attempts.outcome(code, ok)
                  for code, ok in ((page, attempt.page_ok), (api, attempt.api_ok)))
    expected = action.expected(actor)
    assert found == tuple(None if code is None else expected for code in (page, api))
    if expected != ALLOW:
        assert attempts.snapshot() == before, "a refused attempt changed something"


def test_every_action_is_tried():
    assert {action.key for action in BOARD_ACTIONS} == set(ATTEMPTS)
