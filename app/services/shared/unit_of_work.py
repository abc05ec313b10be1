"""The unit of work: one ``transaction()`` per use case — commit on success, roll back
everything on any error. Reads never commit; only a use case that changes something opens one."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from ...extensions import db
from . import workflow_cache
from .errors import Conflict


@contextmanager
def transaction():
    """Commit on success; roll back everything on any error (and re-raise it)."""
    try:
        yield db.session
        db.session.commit()
    except StaleDataError as err:
        _rollback()
        raise Conflict("该事项已被他人同时办理，请刷新后重试") from err
    except Exception:
        _rollback()
        raise
    workflow_cache.committed()


def _rollback() -> None:
    db.session.rollback()
    workflow_cache.rolled_back()
