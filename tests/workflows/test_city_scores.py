"""市州绩效评价: each figure scaled to the best 市州 = 100, weighted 40/30/30, ties share a rank."""
from decimal import Decimal

from workflows.city_scores import score_cities


def figures(quality, demand, cooperations):
    return {"quality": quality, "demand_parties": demand, "cooperations": cooperations}


def test_scaled_to_the_best_and_weighted_by_hand():
    """甲 (4, 1, 3): 100, 25, 100 → 40 + 7.5 + 30 = 77.5; 乙 (1, 4, 0): 25, 100, 0 → 10 + 30 = 40;
    丙 equals 乙 and shares rank 2; 丁 has nothing: 0, rank 4."""
    scored = score_cities([("甲", figures(4, 1, 3)), ("乙", figures(1, 4, 0)),
                           ("丁", figures(0, 0, 0)), ("丙", figures(1, 4, 0))])
    assert [(s.key, s.score, s.rank) for s in scored] == [
        ("甲", Decimal("77.5"), 1), ("乙", Decimal("40.0"), 2), ("丙", Decimal("40.0"), 2),
        ("丁", Decimal("0.0"), 4)]
    assert scored[0].scaled == {"quality": 100, "demand_parties": 25, "cooperations": 100}


def test_nothing_anywhere_scores_zero_for_all():
    scored = score_cities([("甲", figures(0, 0, 0)), ("乙", figures(0, 0, 0))])
    assert [(s.key, s.score, s.rank) for s in scored] == [("甲", 0, 1), ("乙", 0, 1)]
