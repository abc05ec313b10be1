"""The score rule explained: plain or trimmed mean, weights, the cut line and its tie-break."""
from __future__ import annotations

from decimal import Decimal as D

from workflows.ranking import (Candidate, expert_breakdown, explain_ranking, tie_sentence)


def test_three_reviewers_give_the_plain_mean():
    breakdown = expert_breakdown([84, 80, 77], trim_from=5)
    assert breakdown.dropped == () and breakdown.score == D("80.33")  # 241 / 3


def test_five_reviewers_drop_the_highest_and_the_lowest():
    breakdown = expert_breakdown([95, 88, 80, 76, 60], trim_from=5)
    assert [breakdown.totals[i] for i in breakdown.dropped] == [D(95), D(60)]
    assert breakdown.score == D("81.33")  # (88 + 80 + 76) / 3 = 81.333…


def test_equal_totals_still_drop_two_of_them():
    breakdown = expert_breakdown([70, 70, 70, 70, 70], trim_from=5)
    assert len(set(breakdown.dropped)) == 2 and breakdown.score == D("70.00")


def _explain(candidates, awards=1, reserves=1, weight=D("0.3")):
    breakdowns = {c.application_id: expert_breakdown([c.expert_score]) for c in candidates}
    return explain_ranking(candidates, breakdowns, weight, awards, reserves)


def test_weights_make_the_combined_score():
    [row] = _explain([Candidate(1, D("80"), D("90"), 1)])
    assert row.combined_score == D("83.00")  # 80 × 0.7 + 90 × 0.3 = 56 + 27


def test_a_tie_at_the_cut_line_goes_to_the_higher_expert_score():
    # 1: 80 × 0.7 + 90 × 0.3 = 83.00; 2: 83 × 0.7 + 83 × 0.3 = 83.00; 3: 70 → 70.00
    rows = _explain([Candidate(1, D("80"), D("90"), 1), Candidate(2, D("83"), D("83"), 2),
                     Candidate(3, D("70"), D("70"), 3)])
    assert [(r.application_id, r.rank, r.result) for r in rows] == [
        (2, 1, "funded"), (1, 2, "reserve"), (3, 3, "not_funded")]
    assert rows[0].tie == ("expert", 1, True) and rows[1].tie == ("expert", 2, False)
    assert rows[2].tie is None
    assert tie_sentence(rows[1].tie, "乙学会") == "与「乙学会」的申报综合得分相同，按“专家评分高者优先”排在其后。"


def test_a_full_tie_goes_to_the_earlier_submission_and_priority_comes_first():
    rows = _explain([Candidate(1, D("80"), D("80"), 2), Candidate(2, D("80"), D("80"), 1)])
    assert [r.application_id for r in rows] == [2, 1] and rows[0].tie[0] == "submission"
    # 优先 1 point: 79 + 1 equals 80, and the tie goes to the 优秀 society
    rows = _explain([Candidate(1, D("80"), D("80"), 1),
                     Candidate(2, D("79"), D("79"), 2, priority_points=D(1))])
    assert [r.application_id for r in rows] == [2, 1] and rows[0].tie[0] == "priority"


def test_same_inputs_same_order_and_never_more_funded_than_awards():
    candidates = [Candidate(i, D(60 + i % 7), D(50 + i % 5), i) for i in range(1, 30)]
    first, again = _explain(candidates, awards=4, reserves=3), _explain(candidates[::-1], 4, 3)
    assert [r.application_id for r in first] == [r.application_id for r in again]
    assert sum(r.result == "funded" for r in first) == 4
    assert sum(r.result == "reserve" for r in first) == 3
