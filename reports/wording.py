"""How a paper speaks of what its call funds (forms/call_kinds.py Wording): the data's
``wording``, else the 专家团's (papers of data gathered before call kinds existed)."""
from __future__ import annotations

from forms.call_kinds import CALL_KINDS

EXPERT_TEAM = CALL_KINDS["expert_team"].wording.as_data()


def wording_of(data: dict) -> dict:
    given = data.get("wording")
    return {**EXPERT_TEAM, **given} if isinstance(given, dict) else dict(EXPERT_TEAM)


def grantee(data: dict) -> dict:
    """What every paper after 立项 says of the funded project: its name, what carries it out
    and who leads it, in the call kind's words."""
    return {"project_name": data.get("project_name") or "",
            "studio_name": data.get("studio_name") or "",
            "lead_expert": data.get("lead_expert") or "", "wording": wording_of(data)}
