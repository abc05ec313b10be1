"""A small 评选表扬 demo, independent of the rest of the demo: the 3rd edition's round opened
with the seed's quotas, and a few nominations by whoever of the demo people may make them
(成都 and 绵阳 nominate their own 科服保姆, 创发部 picks one for 十佳). The integrator calls
``load_awards(users)`` after the demo people (and their service records) exist."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import AwardRound, ConferenceEdition, User
from ..services.awards import nominations, rounds
from ..services.awards.records import ranking
from ..services.shared.errors import ServiceError


def load_awards(users: dict[str, User] | None = None) -> AwardRound | None:
    """Open the round of the 3rd 科创会 (once) and nominate: each 市州科协 its two best 科服保姆
    by the ranking, then 创发部 the best remaining one for 十佳. Returns the round."""
    users = users or {u.username: u for u in db.session.scalars(sa.select(User))}
    decider = users.get("sel_innovation")
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    if decider is None or edition is None:
        return None
    existing = db.session.scalar(sa.select(AwardRound).filter_by(edition_id=edition.id))
    if existing is not None:
        return existing
    award_round = rounds.open_round(edition.id, decider)
    rows = ranking(award_round)
    for city in _city_recommenders():
        own = [r for r in rows if r.concierge.unit in {x.org.code for x in city.roles}]
        for row in own[:2]:  # each other 市州's two 科协保姆 places (成都 has five)
            _try(lambda: nominations.nominate(award_round.id, row.concierge.user.id, "hundred", city))
    listed = {n.user_id for n in nominations.nominations(award_round.id)}
    rest = [r for r in rows if r.concierge.user.id not in listed]
    if rest:
        _try(lambda: nominations.nominate(award_round.id, rest[0].concierge.user.id, "top_ten", decider))
    return award_round


def _city_recommenders() -> list[User]:
    """One recommender of each 市州科协 (the first by id): who nominates for the city."""
    found = {}
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        for role in user.roles:
            if role.role == "recommender" and role.org.org_type == "city_association":
                found.setdefault(role.org_id, user)
    return list(found.values())


def _try(action) -> None:
    """A demo nomination the rules refuse (its places taken, the date passed) is left out."""
    try:
        action()
    except ServiceError:
        pass
