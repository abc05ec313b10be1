"""What the 统计数据 page lists: the editions (for whoever may read their figures) and the
calls whose officer the reader is."""
from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import ConferenceEdition, GrantCall, User
from ..shared.errors import PermissionDenied
from ..shared.visibility import is_admin
from .figure_scope import edition_scope, may_read_figures


def figure_lists(user: User) -> dict:
    if not may_read_figures(user):
        raise PermissionDenied("统计数据仅供省科协有关部门、项目管理员和市（州）科协查阅")
    try:
        edition_scope(user)
        editions = list(db.session.scalars(sa.select(ConferenceEdition)
                                           .order_by(ConferenceEdition.number.desc())))
    except PermissionDenied:
        editions = []
    managed = {r.org_id for r in user.roles if r.role == "grant_officer"}
    query = sa.select(GrantCall).order_by(GrantCall.year.desc(), GrantCall.id)
    if not is_admin(user):
        query = query.where(GrantCall.managing_org_id.in_(managed))
    return {"editions": editions, "calls": list(db.session.scalars(query))}
