"""How a paper speaks of what its call funds (forms/call_kinds.py Wording): the data's
``wording``, else the 专家团's (papers of data gathered before call kinds existed)."""
from __future__ import annotations

from forms.call_kinds import CALL_KINDS

EXPERT_TEAM = CALL_KINDS["expert_team"].wording.as_data()


def wording_of(data: dict) -> dict:
    given = data.get("wording")
    return {**EXPERT_TEAM, **given} if isinstance(given, dict) else dict(EXPERT_TEAM)
