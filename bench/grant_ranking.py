"""Ranking benchmark: the 排序与立项 page's published ranking with every explanation, against
merely loading the same rows.

    .venv/bin/python bench/grant_ranking.py --applications 200 --reviewers 5

Setup (temp SQLite, through the app's models, not the engine): ``--applications`` applications
of the 专家团 call, each on a Core-inserted instance row (placeholder state: the page never
loads a workflow) with ``--reviewers`` 专家评审 completions in the audit (random totals, seeded),
ranked once by workflows.ranking.explain_ranking (random objective scores; many ties on the
rounded scores). Measured, median of ``--repeat`` runs, each with a fresh session:
(1) baseline: loading the rows the page reads (ranked applications + their review events);
(2) what the page does: ranking_page.published_lines(call, named=True) — the same rows plus
societies, priority points, reviewer names, the trimmed mean, weights and tie-break of every
application. Prints both in ms and the ratio. Target: (2) ≤ 100 ms for 200 × 5 on SQLite.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from workflows.dates import SHANGHAI  # noqa: E402

from world import setup_app  # noqa: E402

SUBMITTED = datetime(2024, 3, 25, 9, tzinfo=SHANGHAI)


def seed_rows(world, n: int, reviewers: int, rnd: random.Random) -> None:
    """n ranked applications with their review events, Core-inserted in a few statements."""
    from app.extensions import db
    from app.models import AuditEvent, GrantApplication, Org, ProcessDefinition, ProcessInstance
    from workflows.ranking import Candidate, expert_breakdown, explain_ranking
    call = world["grant_call"]
    definition = db.session.scalar(sa.select(ProcessDefinition.id).filter_by(
        process_key="expert_team_grant"))
    db.session.execute(sa.insert(Org), [{"code": f"bench_soc_{i}", "name": f"基准学会{i}",
                                          "org_type": "society"} for i in range(n)])
    societies = list(db.session.scalars(sa.select(Org.id).where(Org.code.like("bench_soc_%"))
                                        .order_by(Org.id)))
    experts = [u.id for u in world["users"].values()][:max(reviewers, 1)]
    now = datetime(2024, 4, 10, tzinfo=SHANGHAI)
    db.session.execute(sa.insert(ProcessInstance), [{
        "definition_id": definition, "process_key": "expert_team_grant",
        "business_key": f"BENCH-{i}", "title": f"基准申报{i}", "status": "completed",
        "owner_org_id": societies[i % len(societies)], "state": "{}", "serializer_version": "1",
        "lock_version": 1, "created_at": now, "updated_at": now} for i in range(n)])
    ids = list(db.session.scalars(sa.select(ProcessInstance.id).where(
        ProcessInstance.business_key.like("BENCH-%")).order_by(ProcessInstance.id)))
    totals = {i: [rnd.randint(60, 95) for _ in range(reviewers)] for i in ids}
    db.session.execute(sa.insert(AuditEvent), [{
        "instance_id": i, "at": now, "actor_id": expert, "kind": "completed",
        "task_name": "review_application",
        "data": {"process_data": {"review": {"reviewer": expert, "total": float(total)}}}}
        for i in ids for expert, total in zip(experts, totals[i])])
    breakdowns = {i: expert_breakdown(totals[i], call.trim_from_reviewers) for i in ids}
    objective = {i: Decimal(rnd.randint(60, 90)) for i in ids}
    explained = explain_ranking(
        [Candidate(i, breakdowns[i].score, objective[i], k) for k, i in enumerate(ids)],
        breakdowns, call.objective_weight, call.awards_count, call.reserve_count)
    db.session.execute(sa.insert(GrantApplication), [{
        "call_id": call.id, "instance_id": e.application_id,
        "society_org_id": societies[k % len(societies)], "title": f"基准申报{k}",
        "submitted_at": SUBMITTED + timedelta(minutes=k), "expert_score": e.expert.score,
        "objective_score": e.objective_score, "combined_score": e.combined_score,
        "rank": e.rank, "ranking_result": e.result, "excellent": False}
        for k, e in enumerate(explained)])
    db.session.commit()


def load_rows(call_id: int) -> int:
    """Baseline: the rows the page reads, nothing computed."""
    from app.extensions import db
    from app.models import AuditEvent, GrantApplication
    apps = list(db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.call_id == call_id, GrantApplication.rank.is_not(None))
        .order_by(GrantApplication.rank)))
    events = db.session.execute(sa.select(AuditEvent.instance_id, AuditEvent.data).where(
        AuditEvent.instance_id.in_([a.instance_id for a in apps]),
        AuditEvent.task_name == "review_application")).all()
    return len(apps) + len(events)


def page_rows(call_id: int) -> int:
    from app.extensions import db
    from app.models import GrantCall
    from app.services.grant.ranking_page import published_lines
    return len(published_lines(db.session.get(GrantCall, call_id), named=True))


def median_ms(work, call_id: int, repeat: int) -> float:
    from app.extensions import db
    times = []
    for _ in range(repeat):
        db.session.remove()
        start = time.perf_counter()
        work(call_id)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200, help="ranked applications (default 200)")
    parser.add_argument("--reviewers", type=int, default=5, help="reviews per application (default 5)")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each (median; default 15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx, world = setup_app(Path(tmp) / "bench.sqlite")
        call_id = world["grant_call"].id
        seed_rows(world, args.applications, args.reviewers, random.Random(11))
        print(f"setup: {args.applications} ranked applications × {args.reviewers} reviews "
              f"(Core-inserted rows, no engine)")
        lines = page_rows(call_id)
        base = median_ms(load_rows, call_id, args.repeat)
        page = median_ms(page_rows, call_id, args.repeat)
        print(f"baseline (load the ranked applications and their reviews): median of {args.repeat} = {base:.1f} ms")
        print(f"page (published_lines: {lines} explained lines, trimmed means, weights, tie-breaks): "
              f"median of {args.repeat} = {page:.1f} ms (target ≤ 100 ms)")
        print(f"ratio page / load = {page / base:.2f}x")
        ctx.pop()


if __name__ == "__main__":
    main()
