"""A 科服保姆's service records up to the round's 数据截止 (the end of that Shanghai day), read
from what the processes recorded: the 科创项目 they were named for at 推荐, their 一单一策
follow-up rows, the 签约 and 跟踪 outcomes of those projects, and the 专家团 科服保姆服务 steps
they completed. Cumulative over every edition (“‘保姆式’服务实施以来累计”)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from workflows.awards import SCORE_ITEMS, score
from workflows.dates import end_of_day

from ...extensions import db
from ...models import AuditEvent, AwardRound, FollowUpRecord
from .concierges import Concierge, all_concierges


@dataclass(frozen=True)
class Ranked:
    concierge: Concierge
    counts: dict          # item → count (contract_wan: Decimal)
    score: Decimal
    rank: int             # within the province
    kind_rank: int        # within the person's kind


def ranking(award_round: AwardRound) -> list[Ranked]:
    """Every 科服保姆, best score first (ties: more 落地, then the name's order)."""
    counts = service_counts(award_round)
    scored = [(c, counts.get(c.user.id, _empty()), score(counts.get(c.user.id, {}), award_round.weights))
              for c in all_concierges()]
    scored.sort(key=lambda row: (-row[2], -row[1]["landed"], row[0].user.display_name, row[0].user.id))
    kind_ranks: Counter = Counter()
    result = []
    for position, (person, items, points) in enumerate(scored, start=1):
        kind_ranks[person.kind] += 1
        result.append(Ranked(person, items, points, position, kind_ranks[person.kind]))
    return result


def _empty() -> dict:
    return {item: (Decimal(0) if item == "contract_wan" else 0) for item in SCORE_ITEMS}


def service_counts(award_round: AwardRound) -> dict[int, dict]:
    """{user id: {item: count}} up to the cut-off."""
    cutoff = end_of_day(award_round.data_cutoff)
    forms = _last_forms(cutoff, ("recommend_project", "sign_project", "follow_up_project"))
    result: dict[int, dict] = defaultdict(_empty)
    for instance_id, recommended in forms["recommend_project"].items():
        user_id = _user_id(recommended.get("concierge_user_id"))
        if user_id is None or recommended.get("recommend_outcome") != "recommended":
            continue
        items = result[user_id]
        items["followed"] += 1
        signed = forms["sign_project"].get(instance_id, {})
        if signed.get("sign_outcome") in ("intent", "contract"):
            items["intents"] += 1
        if signed.get("sign_outcome") == "contract":
            items["contracts"] += 1
            items["contract_wan"] += Decimal(str(signed.get("amount_wan") or 0))
        if forms["follow_up_project"].get(instance_id, {}).get("follow_up_outcome") == "landed":
            items["landed"] += 1
    for user_id, count in _follow_ups(award_round.data_cutoff).items():
        result[user_id]["follow_ups"] += count
    for user_id, count in _grant_services(cutoff).items():
        result[user_id]["grant_services"] += count
    return dict(result)


def _user_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _last_forms(cutoff, task_names) -> dict[str, dict[int, dict]]:
    """{task name: {instance id: the form of its last completion up to ``cutoff``}}."""
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.kind == "completed", AuditEvent.task_name.in_(task_names),
        AuditEvent.at <= cutoff).order_by(AuditEvent.id))
    result: dict[str, dict[int, dict]] = {name: {} for name in task_names}
    for event in events:
        result[event.task_name][event.instance_id] = dict((event.data or {}).get("form") or {})
    return result


def _follow_ups(cutoff_day) -> dict[int, int]:
    rows = db.session.execute(sa.select(FollowUpRecord.recorded_by_id, sa.func.count())
                              .where(FollowUpRecord.occurred_on <= cutoff_day)
                              .group_by(FollowUpRecord.recorded_by_id))
    return {user_id: count for user_id, count in rows}


def _grant_services(cutoff) -> dict[int, int]:
    rows = db.session.execute(sa.select(AuditEvent.actor_id, sa.func.count()).where(
        AuditEvent.kind == "completed", AuditEvent.task_name == "concierge_service",
        AuditEvent.at <= cutoff, AuditEvent.actor_id.is_not(None)).group_by(AuditEvent.actor_id))
    return {user_id: count for user_id, count in rows}


def visible_ranking(award_round: AwardRound, acting, kind: str = "") -> list[Ranked]:
    """The ranking ``acting`` may read: 创发部 (and the 专家委员会 through it) every 科服保姆; a
    市州科协 or 学会部 its own units' only — of ``kind`` when given."""
    rows = ranking(award_round)
    if not acting.decides:
        rows = [r for r in rows if r.concierge.unit in acting.units]
    return [r for r in rows if r.concierge.kind == kind] if kind else rows
