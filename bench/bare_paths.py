"""The step sequences of bench/engine.py's bare-SpiffWorkflow baseline: the same path as the
demo scenario, with the process data the services would write at each step."""
from __future__ import annotations

DEADLINE = "T23:59:59+08:00"

PROJECT_PATH = (
    {"_clock": (2023, 12, 1), "project_type": "tech_transfer",
     "submit_deadline": "2023-12-15" + DEADLINE, "recommend_deadline": "2023-12-15" + DEADLINE,
     "select_deadline": "2023-12-20" + DEADLINE, "follow_up_until": "2024-12-31" + DEADLINE,
     "via_city": False},
    [("task", "submit_project", {"project_type": "tech_transfer"}),
     ("task", "check_exclusions", {"exclusion_outcome": "eligible"}),
     ("task", "recommend_project", {"recommend_outcome": "recommended", "intent": "showcase",
                                    "concierge_user_id": 7}),
     ("task", "select_project", {"select_outcome": "selected", "bucket": "showcase"}),
     ("task", "pitch_project", {}),
     ("task", "sign_project", {"sign_outcome": "contract"}),
     ("task", "follow_up_project", {"follow_up_outcome": "landed"})],
)

GRANT_PATH = (
    {"_clock": (2024, 3, 20), "barred": False, "concierges_required": True,
     "apply_deadline": "2024-04-02" + DEADLINE, "submission_due": "2024-04-02" + DEADLINE,
     "returned_for_correction": False, "formal_review_deadline": "2024-04-10" + DEADLINE,
     "review_deadline": "2024-04-10" + DEADLINE, "midterm_at": "2024-08-31" + DEADLINE,
     "period_end": "2024-12-31" + DEADLINE, "evaluation_deadline": "2025-01-31" + DEADLINE},
    [("task", "declare_eligibility", {"inspection_previous": "合格", "inspection_last": "合格",
                                      "penalized": False, "notified": False}),
     ("task", "submit_application", {}),
     ("task", "formal_review", {"formal_review_outcome": "accepted"}),
     ("task", "assign_reviewers", {"reviewers": [11, 12, 13]}),
     *[("task", "review_application", {"review": {"reviewer": r, "total": 84.0}}) for r in (11, 12, 13)],
     ("message", "ranking_published", {"result": "funded", "rank": 1, "combined_score": "82.80",
                                       "publicity_ends_at": "2024-04-29" + DEADLINE}),
     ("timer", None, (2024, 4, 30)),
     ("task", "conclude_publicity", {"publicity_outcome": "no_objection"}),
     ("task", "finance_confirm_award", {"finance_outcome": "agreed"}),
     ("task", "issue_approval", {}),
     ("task", "sign_agreement", {}),
     ("task", "disburse_funds", {}),
     ("task", "concierge_service", {}),
     ("timer", None, (2024, 9, 1)),
     ("task", "midterm_check", {}),
     ("timer", None, (2025, 1, 1)),
     ("task", "evaluate_performance", {"evaluation_passed": True,
                                       "rectification_due": "2025-02-10T09:00:00+08:00"}),
     ("task", "finance_confirm_evaluation", {"finance_outcome": "agreed"})],
)


def completions(path) -> int:
    """User-task completions on a path (messages and timers are steps, not completions)."""
    return sum(1 for kind, _, _ in path[1] if kind == "task")
