"""One page of a long list read from the database: the rows of that page only, and how many
rows all pages hold (the inbox) or, for a list too long to count on every request, whether
more follow a first thousand (逾期督办)."""
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
    exact: bool = True  # False: ``total`` rows counted and more beyond them (paged_at_most)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill (an empty list is one empty page)."""
    return max(1, -(-total // per_page))


def counted(query) -> int:
    """How many rows ``query`` gives (its order dropped)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def page_within(page: int, total: int, per_page: int) -> int:
    """The page shown when ``page`` is asked of ``total`` rows: the first for one before it,
    the last for one past the end."""
    return min(max(page, 1), page_count(total, per_page))


def paged_at_most(query, page: int, per_page: int, rows_of: Callable[[object], list],
                  cap: int) -> tuple[list, int, int, bool]:
    """(rows of the page, total, page number, exact) of an ordered ``query``, counting no further
    than ``cap`` rows, or the rows up to the page asked for if that is further — ``exact``
    False when more rows follow ``total``; a page past the end shows the last one; ``rows_of``
    reads the sliced query into rows. Counting tens of thousands of rows for the footer of a
    list read from its top costs more than the page itself."""
    page = max(page, 1)
    enough = max(cap, page * per_page) + 1
    found = counted(query.limit(enough))
    exact = found < enough
    total = found if exact else enough - 1
    page = page_within(page, total, per_page)
    return rows_of(query.limit(per_page).offset((page - 1) * per_page)), total, page, exact
