"""Read-only lookups for the accounts pages: users with their roles, organisations by type."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import ORG_TYPES, Org, RoleAssignment, User
from .common import get_or_404
from .people import check_admin


@dataclass(frozen=True)
class OrgGroup:
    """One branch of the organisation tree: all orgs of one type."""
    org_type: str
    label: str
    orgs: list[Org]


def find_users(admin: User, search: str | None = None) -> list[User]:
    """Users whose username or name contains ``search`` (all when empty), by username."""
    check_admin(admin)
    query = sa.select(User).order_by(User.username)
    if search:
        wanted = search.strip()  # its % and _ are the characters typed, not wildcards
        query = query.where(sa.or_(User.username.icontains(wanted, autoescape=True),
                                   User.display_name.icontains(wanted, autoescape=True)))
    return list(db.session.scalars(query))


def get_user(user_id: int, admin: User) -> User:
    check_admin(admin)
    return get_or_404(User, user_id, "用户不存在")


def org_groups(admin: User) -> list[OrgGroup]:
    """Every org, grouped by type in the order of ORG_TYPES (省科协 → 部门 → 市州 → …)."""
    check_admin(admin)
    orgs = list(db.session.scalars(sa.select(Org).order_by(Org.city_id.nullsfirst(), Org.id)))
    groups = [OrgGroup(code, label, [o for o in orgs if o.org_type == code])
              for code, label in ORG_TYPES.items()]
    unknown = [o for o in orgs if o.org_type not in ORG_TYPES]
    if unknown:
        groups.append(OrgGroup("other", "其他", unknown))
    return [g for g in groups if g.orgs]


def people_per_org() -> Counter:
    """How many role assignments each org has (org id → count)."""
    rows = db.session.execute(sa.select(RoleAssignment.org_id, sa.func.count())
                              .group_by(RoleAssignment.org_id))
    return Counter(dict(rows.all()))


def org_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Org.id, Org.name)).all())
