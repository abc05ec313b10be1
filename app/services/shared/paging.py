"""One page of a long list read from the database: the rows of that page only, and how many
rows all pages hold (the inbox, 逾期督办)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db


@dataclass(frozen=True)
class Paged:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paged(query, page: int, per_page: int, rows_of: Callable[[object], list]) -> tuple[list, int, int]:
    """(rows of the page, total, page number) of an ordered ``query``: counted in SQL, a page
    past the end shows the last one; ``rows_of`` reads the sliced query into rows."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page = min(max(page, 1), max(1, -(-total // per_page)))
    return rows_of(query.limit(per_page).offset((page - 1) * per_page)), total, page
