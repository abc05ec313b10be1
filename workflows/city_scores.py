"""市州绩效评价 (seed 000 §八（三）): how a 市州's three figures become one score.

Settings (ours — seed 000 names the three figures but no method; documented in
docs/settings.md「市州绩效评价」):
- ``QUALITY_BUCKETS``: a recommended project counts as 优质科创项目 when 遴选 placed it in one of
  these 推介区 (开幕式发布, 重大科创项目专场推介会) — the two headline stages.
- ``WEIGHTS``: each figure is scaled so the best 市州 has 100 (all 市州 at 0: 0 for everyone),
  then the score is the weighted sum of the scaled figures (weights add up to 1).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUALITY_BUCKETS = ("opening", "major_roadshow")

# (figure key, label, weight)
WEIGHTS: tuple[tuple[str, str, Decimal], ...] = (
    ("quality", "遴选推介的优质科创项目", Decimal("0.4")),
    ("demand_parties", "参与洽谈对接的需求方", Decimal("0.3")),
    ("cooperations", "实现的科技供需对接合作", Decimal("0.3")),
)


@dataclass(frozen=True)
class CityScore:
    key: object
    figures: Mapping[str, int]
    scaled: Mapping[str, Decimal]
    score: Decimal
    rank: int


def score_cities(figures: Sequence[tuple[object, Mapping[str, int]]]) -> list[CityScore]:
    """``figures``: (city, {figure key: count}) in directory order → scored, best first; equal
    scores share a rank (1, 1, 3) and keep the directory order."""
    best = {key: max((row[key] for _, row in figures), default=0) for key, _, _ in WEIGHTS}
    scored = []
    for city, row in figures:
        scaled = {key: _scaled(row[key], best[key]) for key, _, _ in WEIGHTS}
        total = sum((scaled[key] * weight for key, _, weight in WEIGHTS), start=Decimal(0))
        scored.append((city, row, scaled, total.quantize(Decimal("0.1"), ROUND_HALF_UP)))
    scored.sort(key=lambda item: -item[3])
    results = []
    for index, (city, row, scaled, total) in enumerate(scored):
        rank = results[-1].rank if results and results[-1].score == total else index + 1
        results.append(CityScore(city, row, scaled, total, rank))
    return results


def _scaled(value: int, best: int) -> Decimal:
    if not best:
        return Decimal(0)
    return (Decimal(value) * 100 / Decimal(best)).quantize(Decimal("0.1"), ROUND_HALF_UP)
