"""Rows a request reads more than once — a task page's completions and files, asked for by its
panels, its 退回 notice, its prefill and its form — read once per transaction and kept in the
session until anything could change them: a write (flushed objects, or an INSERT/UPDATE/DELETE
statement: audit events are inserted by statement), a commit or a rollback."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...extensions import db

T = TypeVar("T")
_KEY = "read_once"  # session.info: {key: what the read returned}


def read_once(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or what it returned earlier in this transaction with nothing written since."""
    memo = db.session.info.setdefault(_KEY, {})
    if key not in memo:
        memo[key] = read()
    return memo[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")  # commit, rollback, or close() alike
def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state) -> None:
    if not state.is_select:
        state.session.info.pop(_KEY, None)
