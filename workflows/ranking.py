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


# Explained ranking (排序与立项, 评审得分构成) -----------------------------------------------------

TIE_RULE_TEXT = "综合得分相同时，上年度绩效评估优秀的学会优先，其次专家评分高者优先，再次提交时间早者优先"
DEFAULT_TRIM_FROM_REVIEWERS = 5  # 本系统默认值：5名及以上专家评审时去掉一个最高分和一个最低分


@dataclass(frozen=True)
class ExpertBreakdown:
    totals: tuple[Decimal, ...]   # in the reviewers' order
    dropped: tuple[int, ...]      # indexes into ``totals`` left out of the mean (highest, lowest)
    score: Decimal


@dataclass(frozen=True)
class Explanation:
    application_id: int
    expert: ExpertBreakdown
    objective_score: Decimal
    objective_weight: Decimal
    priority_points: Decimal
    combined_score: Decimal
    rank: int
    result: str
    tie: tuple[str, int, bool] | None = None  # (rule, neighbour's id, ranked ahead of it)


def expert_breakdown(totals, trim_from: int = DEFAULT_TRIM_FROM_REVIEWERS) -> ExpertBreakdown:
    """Mean of the totals; with at least ``trim_from`` totals, one highest (the first of equal
    ones) and one lowest (the last of equal ones) are dropped (trimmed mean). Decimal, half-up
    to 2 places."""
    values = tuple(Decimal(str(total)) for total in totals)
    if not values:
        raise ValueError("an expert score needs at least one review")
    dropped: tuple[int, ...] = ()
    if len(values) >= max(trim_from, 3):
        lowest = len(values) - 1 - values[::-1].index(min(values))
        dropped = (values.index(max(values)), lowest)
    kept = [v for i, v in enumerate(values) if i not in dropped]
    score = (sum(kept, Decimal(0)) / len(kept)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return ExpertBreakdown(values, dropped, score)


def explain_ranking(candidates: list[Candidate], breakdowns: dict[int, ExpertBreakdown],
                    objective_weight: Decimal, awards: int, reserves: int,
                    already_ranked: int = 0) -> list[Explanation]:
    """``rank_candidates`` with each application's score explained and, where its combined score
    (with priority points) equals a neighbour's, the rule that decided between them."""
    by_id = {c.application_id: c for c in candidates}
    ranked = rank_candidates(candidates, objective_weight, awards, reserves, already_ranked)
    explained = []
    for index, row in enumerate(ranked):
        c = by_id[row.application_id]
        explained.append(Explanation(
            c.application_id, breakdowns[c.application_id], c.objective_score,
            Decimal(objective_weight), c.priority_points, row.combined_score, row.rank,
            row.result, _tie(ranked, index, by_id)))
    return explained


def _tie(ranked: list[Ranked], index: int, by_id: dict[int, Candidate]):
    """The rule that placed ``ranked[index]`` against an equal neighbour (the one below first:
    that is the decision at a cut line), or None."""
    row = ranked[index]
    for other_index, ahead in ((index + 1, True), (index - 1, False)):
        if 0 <= other_index < len(ranked):
            other = ranked[other_index]
            rule = tie_rule(row.combined_score, by_id[row.application_id],
                            other.combined_score, by_id[other.application_id])
            if rule:
                return rule, other.application_id, ahead
    return None


def tie_rule(score: Decimal, c: Candidate, other_score: Decimal, other: Candidate) -> str | None:
    """Which rule separates two candidates of the same ordering score: ``priority``,
    ``expert``, ``submission``; None when the ordering scores differ."""
    if score + c.priority_points != other_score + other.priority_points:
        return None
    if c.priority_points != other.priority_points:
        return "priority"
    return "expert" if c.expert_score != other.expert_score else "submission"


TIE_REASONS = {"priority": "上年度绩效评估优秀的学会优先", "expert": "专家评分高者优先",
               "submission": "提交时间早者优先"}
RESULT_LABELS = {"funded": "拟立项", "reserve": "候补", "not_funded": "未立项"}


def tie_sentence(tie: tuple[str, int, bool] | None, neighbour_name: str) -> str:
    """The tie-break in words, e.g. 与「某学会」的申报综合得分相同，按“专家评分高者优先”排在其前。"""
    if tie is None:
        return ""
    rule, _, ahead = tie
    return (f"与「{neighbour_name}」的申报综合得分相同，按“{TIE_REASONS[rule]}”"
            f"排在其{'前' if ahead else '后'}。")
