"""What Steps offer and show that needs the database: people by id, as options and as names."""
from __future__ import annotations

import sqlalchemy as sa

from forms import choices as c

from ...extensions import db
from ...models import User

Options = list[tuple[str, str]]


def user_options(ids) -> Options:
    """Active people among ``ids`` as (id, display name), by name."""
    if not ids:
        return []
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))
                               .order_by(User.display_name))
    return [(str(u.id), u.display_name) for u in users]


def exclusion_options(project_type: str) -> Options:
    applicable = c.EXCLUSIONS_BY_TYPE.get(project_type, c.codes_of(c.EXCLUSION_RULES))
    return [(code, label) for code, label in c.EXCLUSION_RULES if code in applicable]


def sector_options(sectors) -> Options:
    return [(code, label) for code, label in c.SECTORS if code in sectors]


def user_name(user_id, instance=None) -> str:
    """A stored user id as the person's name ("（已删除的用户）" if the account is gone)."""
    names = user_names([user_id])
    return names[0] if names else "—"


def user_names(user_ids, instance=None) -> list[str]:
    ids = [int(i) for i in user_ids if str(i).isdigit()]
    found = dict(db.session.execute(sa.select(User.id, User.display_name)
                                    .where(User.id.in_(ids))).all()) if ids else {}
    return [found.get(i, "（已删除的用户）") for i in ids]


def joined_user_names(user_ids, instance=None) -> str:
    return "、".join(user_names(user_ids or []))
