"""Timer benchmark: finding and firing due timers among many waiting ones, against user-task completions.

    .venv/bin/python bench/timers.py --waiting 100000 --due 1000

Setup (temp SQLite, through the app): ``--due`` real 科创项目 drafts are started through the
services; their 征集截止 timer is real SpiffWorkflow state, so firing them is real. The other
timers are filler: Core-inserted ``timers`` rows (due in the future) on Core-inserted copies of
one real instance row (new ids and business keys, placeholder ``state``: they never come due,
so they are never loaded). The clock is then set past the submit deadline: exactly ``--due``
timers are due, the rest are not. Prints (1) the sweep's own due-timer query, median of
``--repeat`` runs, with SQLite's query plan; (2) fire_due_timers() until every due timer has
fired (instances closed as 逾期未提交) → timers fired/s; (3) as the baseline, measured in the
same run, the same number of submit_project completions through complete_task, and the ratio
fire / completion (≈ 1× expected: a fire is a load, advance and save like a completion). The
per-worker workflow cache is cleared before (2) and (3): neither step follows the instance's
previous step on the same worker. Not a test: the ratio is what to watch.
"""
from __future__ import annotations

import argparse
import inspect
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from workflows.clock import FrozenClock, using_clock  # noqa: E402
from workflows.dates import SHANGHAI  # noqa: E402

from world import setup_app  # noqa: E402

OPEN = datetime(2023, 12, 1, 9, tzinfo=SHANGHAI)      # drafts are started (and submitted) here
SWEEP = datetime(2023, 12, 16, 9, tzinfo=SHANGHAI)    # the morning after the 12-15 submit deadline


def start_drafts(world, n: int, prefix: str) -> list:
    """n real 科创项目 drafts through the services (each waits at submit_project + its timer)."""
    from app.services.kechuang.projects import start_project
    users, orgs = world["users"], world["orgs"]
    with using_clock(FrozenClock(OPEN)):
        return [start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                              f"{prefix}{i}", "tech_transfer", users["cd_applicant"]).instance
                for i in range(n)]


def add_filler(template_id: int, n: int) -> None:
    """n future timers, one per copied instance row (Core executemany, in batches)."""
    from app.extensions import db
    from app.models import ProcessInstance, Timer
    instances, timers = ProcessInstance.__table__, Timer.__table__
    row = dict(db.session.execute(sa.select(instances).where(instances.c.id == template_id)).mappings().one())
    first = db.session.scalar(sa.select(sa.func.max(instances.c.id))) + 1
    rng, span = random.Random(0), (datetime(2025, 12, 31, tzinfo=SHANGHAI) - SWEEP).total_seconds()
    for lo in range(0, n, 10_000):
        ids = range(first + lo, first + min(n, lo + 10_000))
        db.session.execute(sa.insert(instances), [
            {**row, "id": i, "business_key": f"BENCH-{i}", "state": "{}", "lock_version": 1} for i in ids])
        db.session.execute(sa.insert(timers), [
            dict(id=str(uuid.UUID(int=rng.getrandbits(128))), instance_id=i, timer_name="timer_submit_deadline",
                 title="征集截止", due_at=SWEEP + timedelta(seconds=60 + rng.random() * span)) for i in ids])
    db.session.commit()


def count_timers(due_only: bool) -> int:
    from app.extensions import db
    from app.models import Timer
    query = sa.select(sa.func.count()).select_from(Timer)
    return db.session.scalar(query.where(Timer.due_at <= SWEEP) if due_only else query)


def measure_find(due: int, repeat: int) -> tuple[float, int, list[str]]:
    """Median seconds of the sweep's due-timer query, rows it returns, and SQLite's plan for it."""
    from app.extensions import db
    from app.services.background import timers
    kwargs = {"limit": due} if "limit" in inspect.signature(timers.due_timers).parameters else {}
    statements = []
    listener = lambda conn, cursor, stmt, params, context, many: statements.append((stmt, params))  # noqa: E731
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    found = len(timers.due_timers(**kwargs))
    sa.event.remove(engine, "before_cursor_execute", listener)
    db.session.rollback()
    stmt, params = next((s, p) for s, p in statements if "FROM timers" in s)
    plan = [r[-1] for r in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params)]
    db.session.rollback()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        timers.due_timers(**kwargs)
        times.append(time.perf_counter() - start)
        db.session.rollback()  # a fresh read each time; loaded Timer objects are expired
    return statistics.median(times), found, [f"{stmt.split()[0]} … {stmt[stmt.index('FROM'):]}".replace("\n", " ")] + plan


def measure_fire(instance_ids: list[int]) -> tuple[float, int, dict]:
    """Seconds for fire_due_timers() sweeps until nothing is due; instances moved; outcomes."""
    from app.extensions import db
    from app.models import ProcessInstance
    from app.services.background.timers import fire_due_timers
    from app.services.shared.workflow_cache import cache
    cache.clear()
    fired, start = 0, time.perf_counter()
    while moved := fire_due_timers():
        fired += moved
    seconds = time.perf_counter() - start
    outcomes = dict(db.session.execute(
        sa.select(ProcessInstance.outcome, sa.func.count()).where(ProcessInstance.id.in_(instance_ids))
        .group_by(ProcessInstance.outcome)).all())
    return seconds, fired, outcomes


def measure_completions(world, n: int) -> float:
    """Seconds for n submit_project completions through complete_task (drafts started untimed)."""
    from app.demo import samples
    from app.extensions import db
    from app.models import Task
    from app.services.steps.instances import complete_task
    from app.services.shared.workflow_cache import cache
    drafts = start_drafts(world, n, "基准提交项目")
    task_ids = [db.session.scalar(sa.select(Task.id).filter_by(instance_id=i.id, task_name="submit_project"))
                for i in drafts]
    raws = [samples.submission(title=f"基准提交项目{i}") for i in range(n)]
    user = world["users"]["cd_applicant"]
    db.session.commit()
    cache.clear()
    with using_clock(FrozenClock(OPEN + timedelta(days=1))):
        start = time.perf_counter()
        for task_id, raw in zip(task_ids, raws):
            complete_task(task_id, raw, user)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=100_000, help="waiting timers in all (default 100000)")
    parser.add_argument("--due", type=int, default=1_000, help="of which due at the sweep (default 1000)")
    parser.add_argument("--repeat", type=int, default=20, help="runs of the due query (median; default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx, world = setup_app(Path(tmp) / "bench.sqlite")
        start = time.perf_counter()
        due_instances = start_drafts(world, args.due, "基准逾期项目")
        due_ids = [i.id for i in due_instances]
        filler = args.waiting - count_timers(due_only=False)
        add_filler(due_ids[0], filler)
        print(f"setup: {args.due} real drafts started through the services + {filler} filler timers "
              f"(Core-inserted on copies of one instance row, placeholder state) in "
              f"{time.perf_counter() - start:.1f} s")
        with using_clock(FrozenClock(SWEEP)):
            print(f"timers: {count_timers(False)} waiting, {count_timers(True)} due at {SWEEP:%Y-%m-%d %H:%M} "
                  f"(the rest due up to 2025-12-31)")
            find, found, plan = measure_find(args.due, args.repeat)
            print(f"find due (app.services.background.timers.due_timers): median of {args.repeat} = "
                  f"{1000 * find:.2f} ms, {found} rows, over {args.waiting} waiting timers")
            print("  query plan: " + plan[0] + "\n" + "\n".join(f"    {line}" for line in plan[1:]))
            fire, fired, outcomes = measure_fire(due_ids)
            left = count_timers(due_only=True)
        from workflows.processes import OUTCOME_LABELS
        labels = {OUTCOME_LABELS.get(k, k): v for k, v in outcomes.items()}
        print(f"fire (fire_due_timers until none due): {fired} timers fired in {fire:.2f} s = "
              f"{fired / fire:.0f} fired/s ({1000 * fire / max(fired, 1):.2f} ms each); outcomes {labels}; still due: {left}")
        complete = measure_completions(world, args.due)
        print(f"baseline (complete_task submit_project, same run): {args.due} completions in {complete:.2f} s = "
              f"{args.due / complete:.0f} completions/s ({1000 * complete / args.due:.2f} ms each)")
        print(f"ratio fire / completion = {fire / max(fired, 1) / (complete / args.due):.2f}x per item "
              f"(find due is {100 * find / fire:.2f}% of the fire time)")
        ctx.pop()


if __name__ == "__main__":
    main()
