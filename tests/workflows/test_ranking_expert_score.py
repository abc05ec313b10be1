"""The expert score: the reviewers' mean in Decimal, half-up to 2 places (the totals arrive as
floats in process data)."""
from decimal import Decimal

import pytest

from workflows.ranking import Candidate, expert_score, rank_candidates


def test_mean_rounds_half_up_in_decimal():
    assert expert_score([{"total": 80.0}, {"total": 80.01}]) == Decimal("80.01")
    assert expert_score([{"total": 85.0}, {"total": 85.01}]) == Decimal("85.01")
    assert expert_score([{"total": 70}, {"total": 80}, {"total": 81}]) == Decimal("77.00")


def test_no_reviews_is_an_error():
    with pytest.raises(ValueError):
        expert_score([])


def test_a_later_ranking_continues_after_the_places_already_taken():
    ranked = rank_candidates([Candidate(7, Decimal(90), Decimal(90), 1)], Decimal("0.3"),
                             awards=1, reserves=1, already_ranked=1)
    assert [(r.rank, r.result) for r in ranked] == [(2, "reserve")]
