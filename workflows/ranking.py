"""Ranking a grant call's applications: platform objective score + expert score → top N.

Pure functions over plain values; the weights, award count and reserve size come from the
call's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    application_id: int
    expert_score: Decimal
    objective_score: Decimal
    submitted_order: int  # earlier submission wins a full tie
    # 优先: points of preference (a society rated 优秀 last year, seed 003 “优秀项目申报主体可优先
    # 申报下一年度项目”; how much is the call's setting), 0 for the others
    priority_points: Decimal = Decimal(0)


@dataclass(frozen=True)
class Ranked:
    application_id: int
    rank: int
    combined_score: Decimal
    result: str  # funded · reserve · not_funded


def expert_score(reviews) -> Decimal:
    """The mean of the reviewers' totals, rounded half-up to 2 places in Decimal (the totals are
    floats in process data; the script's float ``round`` would give 80.0 for a mean of 80.005)."""
    totals = [Decimal(str(review["total"])) for review in reviews]
    if not totals:
        raise ValueError("an expert score needs at least one review")
    return (sum(totals, Decimal(0)) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def combined_score(expert: Decimal, objective: Decimal, objective_weight: Decimal) -> Decimal:
    """Weighted sum on the 100-point scale, rounded half-up to 2 places."""
    weight = Decimal(objective_weight)
    if not Decimal(0) <= weight <= Decimal(1):
        raise ValueError("objective weight must lie between 0 and 1")
    value = Decimal(objective) * weight + Decimal(expert) * (1 - weight)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rank_candidates(candidates: list[Candidate], objective_weight: Decimal, awards: int,
                    reserves: int, already_ranked: int = 0) -> list[Ranked]:
    """Highest combined score plus priority points first (an ordering preference: the points
    count for the order only, the combined score stays the weighted sum); ties go to the
    candidate with priority, then by expert score, then by submission order.
    ``already_ranked``: places taken by an earlier publication for the same call (these
    candidates are ranked after them)."""
    scored = [(combined_score(c.expert_score, c.objective_score, objective_weight), c)
              for c in candidates]
    scored.sort(key=lambda pair: _order(*pair))
    return [Ranked(c.application_id, position, score, _result(position, awards, reserves))
            for position, (score, c) in enumerate(scored, start=already_ranked + 1)]


def _order(score: Decimal, c: Candidate) -> tuple:
    return (-(score + c.priority_points), -c.priority_points, -c.expert_score, c.submitted_order)


def _result(position: int, awards: int, reserves: int) -> str:
    if position <= awards:
        return "funded"
    return "reserve" if position <= awards + reserves else "not_funded"
