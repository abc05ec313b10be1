"""workflows/ranking.py: combined score, rank order with tie-breaks, funded/reserve by position."""
from decimal import Decimal as D

import pytest

from workflows.ranking import Candidate, combined_score, rank_candidates


def test_combined_score_weights_objective_and_expert_scores():
    # 90 × 0.3 + 80 × 0.7
    assert combined_score(D("80"), D("90"), D("0.3")) == D("83.00")


def test_combined_score_has_two_places():
    assert str(combined_score(D("80"), D("90"), D("0.3"))) == "83.00"


def test_combined_score_rounds_half_up():
    # 80.01 × 0.5 + 80 × 0.5 = 80.005 → 80.01 (banker's rounding would give 80.00)
    assert combined_score(D("80"), D("80.01"), D("0.5")) == D("80.01")


@pytest.mark.parametrize("weight, expected", [(D("0"), D("70.00")), (D("1"), D("95.00"))])
def test_weight_bounds_are_allowed(weight, expected):
    assert combined_score(D("70"), D("95"), weight) == expected


@pytest.mark.parametrize("weight", [D("-0.01"), D("1.01")])
def test_weight_outside_zero_to_one_is_refused(weight):
    with pytest.raises(ValueError):
        combined_score(D("80"), D("90"), weight)


def candidate(app_id, expert, objective, order):
    return Candidate(app_id, D(expert), D(objective), order)


def ids(ranked):
    return [r.application_id for r in ranked]


def test_highest_combined_score_ranks_first():
    ranked = rank_candidates([candidate(1, "70", "70", 1), candidate(2, "90", "90", 2),
                              candidate(3, "80", "80", 3)], D("0.5"), awards=3, reserves=0)
    assert ids(ranked) == [2, 3, 1]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert ranked[0].combined_score == D("90.00")


def test_equal_combined_scores_are_broken_by_expert_score():
    # both combine to 80.00; application 2 has the higher expert score
    ranked = rank_candidates([candidate(1, "70", "90", 1), candidate(2, "90", "70", 2)],
                             D("0.5"), awards=1, reserves=0)
    assert ids(ranked) == [2, 1]


def test_full_ties_are_broken_by_submission_order():
    ranked = rank_candidates([candidate(1, "80", "80", 2), candidate(2, "80", "80", 1)],
                             D("0.5"), awards=1, reserves=0)
    assert ids(ranked) == [2, 1]


def test_results_follow_position_funded_then_reserve_then_not_funded():
    candidates = [candidate(i, str(100 - i), "80", i) for i in range(1, 6)]
    ranked = rank_candidates(candidates, D("0.3"), awards=2, reserves=2)
    assert [r.result for r in ranked] == ["funded", "funded", "reserve", "reserve", "not_funded"]


def test_no_reserves_means_the_rest_are_not_funded():
    candidates = [candidate(i, str(100 - i), "80", i) for i in range(1, 4)]
    assert [r.result for r in rank_candidates(candidates, D("0.3"), awards=1, reserves=0)] == [
        "funded", "not_funded", "not_funded"]


def test_priority_points_of_last_years_excellent_society_count_for_the_order_only():
    # 1 combines to 80.00, 2 (优秀 last year, 1 point) to 79.50: 2 ranks first, its score stays
    ranked = rank_candidates([candidate(1, "80", "80", 1),
                              Candidate(2, D("79.5"), D("79.5"), 2, priority_points=D(1))],
                             D("0.5"), awards=1, reserves=0)
    assert ids(ranked) == [2, 1] and ranked[0].combined_score == D("79.50")
    assert [r.result for r in ranked] == ["funded", "not_funded"]


def test_an_equal_total_goes_to_the_society_with_priority():
    # 1 combines to 80.50; 2 to 79.50 + 1 point = 80.50 too: the preference decides, before
    # the expert score (1's is higher)
    ranked = rank_candidates([candidate(1, "81", "80", 1),
                              Candidate(2, D("79.5"), D("79.5"), 2, priority_points=D(1))],
                             D("0.5"), awards=1, reserves=0)
    assert ids(ranked) == [2, 1]
