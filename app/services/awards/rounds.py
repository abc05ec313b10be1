"""An edition's award round: opened with the seed's quotas and our default weights, then data
创发部 edits (dates, quotas, weights) — a later year changes them without code."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from workflows.awards import (DEFAULT_WEIGHTS, KINDS, SCORE_ITEMS, SEED_QUOTAS, SEED_SOURCE,
                              allocation, unallocated)

from ...extensions import db
from ...models import AwardRound, ConferenceEdition, Org
from ..shared.common import get_or_404
from ..shared.errors import Conflict, InvalidInput
from ..shared.unit_of_work import transaction
from .access import deciding_actor, visible_actor

# 数据截止 and 报送 of seed 000 §七（四）5–6, as month and day in the edition's year
SEED_CUTOFF, SEED_DEADLINE = (12, 15), (12, 22)


def open_round(edition_id: int, user, *, data_cutoff: date | None = None,
               nomination_deadline: date | None = None) -> AwardRound:
    """创发部 opens the round of an edition with the seed's quotas and dates."""
    deciding_actor(user, "开启评选")
    with transaction():
        edition = get_or_404(ConferenceEdition, edition_id, "该届科创会不存在")
        if db.session.scalar(sa.select(AwardRound).filter_by(edition_id=edition.id)):
            raise Conflict(f"{edition.name}的评选已开启")
        award_round = AwardRound(
            edition_id=edition.id, quotas=copy.deepcopy(SEED_QUOTAS), weights=dict(DEFAULT_WEIGHTS),
            data_cutoff=data_cutoff or date(edition.year, *SEED_CUTOFF),
            nomination_deadline=nomination_deadline or date(edition.year, *SEED_DEADLINE),
            source=SEED_SOURCE)
        db.session.add(award_round)
    return award_round


def get_round(round_id: int, user) -> AwardRound:
    visible_actor(user)
    return get_or_404(AwardRound, round_id, "评选不存在")


def rounds(user) -> list[AwardRound]:
    visible_actor(user)
    return list(db.session.scalars(sa.select(AwardRound).order_by(AwardRound.id.desc())))


def unopened_editions() -> list[ConferenceEdition]:
    opened = sa.select(AwardRound.edition_id)
    return list(db.session.scalars(sa.select(ConferenceEdition).where(
        ConferenceEdition.id.not_in(opened)).order_by(ConferenceEdition.number)))


@dataclass(frozen=True)
class Allocation:
    places: dict[str, dict[str, int]]      # kind → unit code → places
    remainder: dict[str, int]              # kind → total − allocated (创发部 fills it)
    names: dict[str, str]                  # unit code → name


def round_allocation(award_round: AwardRound) -> Allocation:
    cities = list(db.session.scalars(sa.select(Org).filter_by(org_type="city_association")
                                     .order_by(Org.id)))
    places = allocation(award_round.quotas, [c.code for c in cities])
    codes = {code for units in places.values() for code in units}
    names = {o.code: o.name for o in db.session.scalars(sa.select(Org).where(Org.code.in_(codes)))}
    return Allocation(places, unallocated(award_round.quotas, places), names)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    cells: list[tuple[int, int]]   # per kind (KINDS order): (nominated, places)


def allocation_rows(award_round: AwardRound, allocated: Allocation, units: frozenset[str] | None,
                    nominated: list) -> list[UnitRow]:
    """The 名额分配 table: each unit (``units``: only these; None: all) with, per kind, its
    百优 nominations so far and its places."""
    counts: dict[tuple[str, str], int] = {}
    for row in nominated:
        if row.honour == "hundred":
            counts[(row.kind, row.unit.code)] = counts.get((row.kind, row.unit.code), 0) + 1
    codes = list(dict.fromkeys(code for kind in KINDS for code in allocated.places.get(kind, {})))
    return [UnitRow(code, allocated.names.get(code, code),
                    [(counts.get((kind, code), 0), allocated.places.get(kind, {}).get(code, 0))
                     for kind in KINDS])
            for code in codes if units is None or code in units]


def round_settings(round_id: int, user) -> tuple[AwardRound, list[tuple[str, str, str]]]:
    """The round and its editable numbers, for 创发部 only (the settings page and the API)."""
    award_round = get_round(round_id, user)
    deciding_actor(user, "修改评选设置")
    return award_round, settings_fields(award_round)


def settings_fields(award_round: AwardRound) -> list[tuple[str, str, str]]:
    """(field name, label, value) of every editable number of the round."""
    quotas = award_round.quotas
    fields = []
    for kind, rule in quotas["hundred"].items():
        fields.append((f"hundred.{kind}.total", f"百优{KINDS[kind]}总数", rule["total"]))
        for code, places in rule.get("units", {}).items():
            fields.append((f"hundred.{kind}.units.{code}", f"百优{KINDS[kind]}：{_org_name(code)}",
                           places))
        if kind != "society":  # 学会保姆 go through 学会部, not the 市州
            fields.append((f"hundred.{kind}.other_cities", f"百优{KINDS[kind]}：其余市（州）科协各",
                           rule.get("other_cities", 0)))
    for kind, places in quotas["top_ten"].items():
        fields.append((f"top_ten.{kind}", f"十佳{KINDS[kind]}", places))
    for item, label in SCORE_ITEMS.items():
        name, unit = label.rstrip("）").split("（")
        fields.append((f"weights.{item}", f"每{unit}{name}计分", award_round.weights.get(item, "0")))
    return fields


def _org_name(code: str) -> str:
    org = db.session.scalar(sa.select(Org).filter_by(code=code))
    return org.name if org else code


def update_round(round_id: int, raw: dict, user) -> AwardRound:
    """创发部 changes the round's dates, quotas and weights (all or nothing)."""
    deciding_actor(user, "修改评选设置")
    with transaction():
        award_round = get_or_404(AwardRound, round_id, "评选不存在")
        errors: dict[str, list[str]] = {}
        labels = {name: label for name, label, _ in settings_fields(award_round)}
        quotas, weights = copy.deepcopy(award_round.quotas), dict(award_round.weights)
        for name, label in labels.items():
            value = str(raw.get(name, "")).strip()
            if name.startswith("weights."):
                parsed = _decimal(value)
                if parsed is None:
                    errors[name] = [f"「{label}」须为不小于0的数"]
                else:
                    weights[name.split(".", 1)[1]] = str(parsed)
            elif not value.isdigit():
                errors[name] = [f"「{label}」须为不小于0的整数"]
            else:
                _put(quotas, name.split("."), int(value))
        dates = {name: _day(raw.get(name), name, label, errors) for name, label in
                 (("data_cutoff", "数据截止日期"), ("nomination_deadline", "推荐报送截止日期"),
                  ("issued_on", "名单发布日期"))}
        if dates["data_cutoff"] is None and "data_cutoff" not in errors:
            errors["data_cutoff"] = ["「数据截止日期」必填"]
        if dates["nomination_deadline"] is None and "nomination_deadline" not in errors:
            errors["nomination_deadline"] = ["「推荐报送截止日期」必填"]
        if errors:
            raise InvalidInput(errors)
        award_round.quotas, award_round.weights = quotas, weights
        award_round.data_cutoff = dates["data_cutoff"]
        award_round.nomination_deadline = dates["nomination_deadline"]
        award_round.issued_on = dates["issued_on"]
    return award_round


def _put(tree: dict, path: list[str], value: int) -> None:
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def _decimal(value: str) -> Decimal | None:
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() and parsed >= 0 else None


def _day(value, name: str, label: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(name, []).append(f"「{label}」须为日期（年-月-日）")
        return None
