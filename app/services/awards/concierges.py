"""The 科服保姆 of the province: their kind (科协/专业/学会保姆) and the unit whose places they
count against (省科协, a 市州科协, or 学会部 for 学会保姆)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from workflows import clock
from workflows.awards import KINDS

from ...extensions import db
from ...models import ConciergeProfile, Org, RoleAssignment, User
from ..shared.errors import InvalidInput, NotFound
from ..shared.unit_of_work import transaction
from .access import deciding_actor

PROVINCE_TYPES = ("province_association", "department")


@dataclass(frozen=True)
class Concierge:
    user: User
    org: Org           # where the person holds the 科服保姆 role
    kind: str
    inferred: bool     # the kind comes from the organisation (no profile set)
    unit: str          # unit code: province · city_… · dept_societies
    unit_name: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def inferred_kind(org: Org) -> str:
    """学会 → 学会保姆; 科协 (省、市、县) and anyone else → 科协保姆 (专业保姆 is set explicitly)."""
    return "society" if org.org_type == "society" else "association"


def all_concierges() -> list[Concierge]:
    """Everyone holding the 科服保姆 role (their first such role decides their unit)."""
    rows = db.session.execute(sa.select(RoleAssignment).filter_by(role="concierge")
                              .order_by(RoleAssignment.user_id, RoleAssignment.id)).scalars()
    profiles = {p.user_id: p.kind for p in db.session.scalars(sa.select(ConciergeProfile))}
    orgs = {o.id: o for o in db.session.scalars(sa.select(Org))}
    seen, result = set(), []
    for role in rows:
        if role.user_id in seen or not role.user.active:
            continue
        seen.add(role.user_id)
        kind = profiles.get(role.user_id) or inferred_kind(role.org)
        unit = _unit(role.org, kind, orgs)
        result.append(Concierge(role.user, role.org, kind, role.user_id not in profiles,
                                unit.code, unit.name))
    return result


def concierges_for(user: User) -> list[Concierge]:
    """Every 科服保姆 with their kind, for whoever sets the kinds (创发部) — the page and the API."""
    deciding_actor(user, "设定科服保姆类别")
    return all_concierges()


def concierge(user_id: int) -> Concierge:
    found = next((c for c in all_concierges() if c.user.id == user_id), None)
    if found is None:
        raise NotFound("该科服保姆不存在")
    return found


def _unit(org: Org, kind: str, orgs: dict[int, Org]) -> Org:
    if kind == "society":
        return _by_code(orgs, "dept_societies")
    if org.org_type == "city_association":
        return org
    city = orgs.get(org.city_id) if org.city_id else None
    if city is None and org.parent_id and orgs[org.parent_id].org_type == "city_association":
        city = orgs[org.parent_id]
    return city if city is not None else _by_code(orgs, "province")


def _by_code(orgs: dict[int, Org], code: str) -> Org:
    return next(o for o in orgs.values() if o.code == code)


def set_kind(user_id: int, kind: str, user: User) -> Concierge:
    """An administrator (创发部) sets a 科服保姆's kind; "" returns to the inferred one."""
    deciding_actor(user, "设定科服保姆类别")
    if kind not in ("", *KINDS):
        raise InvalidInput({"kind": ["「保姆类别」须为科协保姆、专业保姆或学会保姆"]})
    with transaction():
        concierge(user_id)
        profile = db.session.scalar(sa.select(ConciergeProfile).filter_by(user_id=user_id))
        if not kind:
            if profile is not None:
                db.session.delete(profile)
        elif profile is None:
            db.session.add(ConciergeProfile(user_id=user_id, kind=kind, set_by_id=user.id,
                                            set_at=clock.now()))
        else:
            profile.kind, profile.set_by_id, profile.set_at = kind, user.id, clock.now()
    return concierge(user_id)
