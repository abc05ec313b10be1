"""推荐 and 确定: a 市州科协 nominates its own 科服保姆 (等额, by the 报送 date), 学会部 the 学会保姆,
创发部 approves them, fills gaps and picks 十佳 province-wide. Nobody is on both lists."""
from __future__ import annotations

import sqlalchemy as sa

from workflows import clock
from workflows.awards import HONOURS, Nomination, deadline_passed, refusal
from workflows.dates import shown_day

from ...extensions import db
from ...models import AwardNomination, AwardRound
from ..shared.common import get_or_404, org_by_code
from ..shared.errors import Conflict, NotFound, PermissionDenied
from ..shared.unit_of_work import transaction
from .access import Actor, deciding_actor, visible_actor
from .concierges import Concierge, concierge
from .rounds import round_allocation


def nominate(round_id: int, concierge_user_id: int, honour: str, user) -> AwardNomination:
    """Put a 科服保姆 on a list; refused (nothing changes) with the reason in Chinese."""
    acting = visible_actor(user)
    if honour not in HONOURS:
        raise NotFound("名单不存在")
    if honour == "top_ten" and not acting.decides:
        raise PermissionDenied("十佳“科服保姆”由省科协创发部在全省范围内择优确定")
    with transaction():
        award_round = get_or_404(AwardRound, round_id, "评选不存在")
        person = concierge(concierge_user_id)
        by_unit = None if acting.decides else _unit_of(acting, person)
        now = clock.now()
        taken, places = _places(award_round, person, honour, by_unit)
        why = refusal(Nomination(honour, person.kind, person.unit, person.unit_name),
                      already=_honour_of(award_round.id, person.user.id), taken=taken,
                      places=places, by_unit=by_unit,
                      deadline=None if acting.decides else award_round.nomination_deadline, at=now)
        if why:
            raise Conflict(why)
        row = AwardNomination(round_id=award_round.id, user_id=person.user.id, honour=honour,
                              kind=person.kind, unit_org_id=_org_id(person), approved=acting.decides,
                              nominated_by_id=user.id, nominated_at=now)
        db.session.add(row)
    return row


def _unit_of(acting: Actor, person: Concierge) -> str:
    """The unit a nominator acts for here: the person's, when the nominator holds it."""
    if not acting.units:
        raise PermissionDenied("您无权推荐科服保姆")
    return person.unit if person.unit in acting.units else sorted(acting.units)[0]


def _places(award_round: AwardRound, person: Concierge, honour: str,
            by_unit: str | None) -> tuple[int, int]:
    rows = list(db.session.scalars(sa.select(AwardNomination).filter_by(
        round_id=award_round.id, honour=honour, kind=person.kind)))
    if honour == "top_ten":
        return len(rows), int(award_round.quotas["top_ten"].get(person.kind, 0))
    if by_unit is None:  # 创发部: up to the kind's total
        return len(rows), int(award_round.quotas["hundred"][person.kind]["total"])
    allowed = round_allocation(award_round).places[person.kind].get(person.unit, 0)
    return sum(r.unit.code == person.unit for r in rows), allowed


def _honour_of(round_id: int, user_id: int) -> str | None:
    return db.session.scalar(sa.select(AwardNomination.honour).filter_by(round_id=round_id,
                                                                         user_id=user_id))


def _org_id(person: Concierge) -> int:
    return org_by_code(person.unit).id


def withdraw(nomination_id: int, user) -> None:
    """The nominating unit takes back its own (not yet approved, before the 报送 date);
    创发部 removes any entry."""
    acting = visible_actor(user)
    with transaction():
        row = get_or_404(AwardNomination, nomination_id, "推荐记录不存在")
        if not acting.decides:
            if row.unit.code not in acting.units or row.honour != "hundred":
                raise NotFound("推荐记录不存在")
            if row.approved:
                raise Conflict("该推荐已由省科协创发部确定，不能撤回")
            deadline = db.session.get(AwardRound, row.round_id).nomination_deadline
            if deadline_passed(deadline, clock.now()):
                raise Conflict(f"推荐报送已于{shown_day(deadline)}截止，不能再撤回")
        db.session.delete(row)


def approve(nomination_id: int, user) -> AwardNomination:
    deciding_actor(user, "确定百优“科服保姆”名单")
    with transaction():
        row = get_or_404(AwardNomination, nomination_id, "推荐记录不存在")
        row.approved = True
    return row


def nominations(round_id: int, honour: str | None = None) -> list[AwardNomination]:
    query = sa.select(AwardNomination).filter_by(round_id=round_id)
    if honour:
        query = query.filter_by(honour=honour)
    return list(db.session.scalars(query.order_by(AwardNomination.id)))


def visible_nominations(round_id: int, acting: Actor) -> list[AwardNomination]:
    """What the round's page lists to ``acting``: 创发部 every row; a nominating unit its own
    units' rows and the 十佳 list (the page and the API read here)."""
    rows = nominations(round_id)
    if acting.decides:
        return rows
    return [n for n in rows if n.unit.code in acting.units or n.honour == "top_ten"]
