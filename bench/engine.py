"""Engine benchmark: N instances of each process driven start to end through the services on
SQLite, against the same steps on bare SpiffWorkflow in memory that serializes and
deserializes the whole workflow (spec included) at every step — measured in the same run.

    .venv/bin/python bench/engine.py --n 1000

Prints instances/s, user-task completions/s and the ratio persisted / bare (target ≤ 2×,
≥ 400 completions/s). The persisted run uses the per-worker workflow cache (the last saved
workflow of an instance is kept in memory, so a follow-up step skips deserialization);
``--no-cache`` restores from the database at every step, as a step arriving at another worker
would. Not a test: numbers vary with the machine; the ratio is what to watch.

Also measured in the same run, the floor of a completion on this stack: SpiffWorkflow's own
step, ready tasks and state as JSON for the same steps with the spec in memory (what a step
whose workflow is cached cannot avoid), plus ten prepared statements and a commit through
SQLAlchemy Core on the bench's database (what a step's writes cost at the least). complete_task's
ratio to that floor says how much of its time is the services' own work.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from workflows import engine as spiff_steps  # noqa: E402
from workflows.clock import FrozenClock, using_clock  # noqa: E402
from workflows.dates import SHANGHAI  # noqa: E402
from workflows.scripting import RestrictedScriptEngine  # noqa: E402
from workflows.serialization import serializer  # noqa: E402
from workflows.specs import parse_bundle, read_bundle  # noqa: E402

from bare_paths import GRANT_PATH, PROJECT_PATH, completions  # noqa: E402
from world import add_societies, setup_app as bench_world  # noqa: E402


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


# ---- persisted: the services, as users drive them ------------------------------------------

def setup_app(db_path: Path, n: int):
    """The shared bench app, plus one invented society per grant application and as many
    calls like the 2024 one as ``n`` applications fill (each funds ``awards_count``)."""
    ctx, world = bench_world(db_path)
    with using_clock(FrozenClock(at(2023, 12, 1))):
        add_societies(world, n)
        world["bench_calls"] = _bench_calls(world["grant_call"], n)
    return ctx, world


def _bench_calls(first, n: int) -> list:
    """The 2024 call, then copies of it (program codes of their own) until every one of ``n``
    applications has a funded place: the 21st application of a 20-place call would be a
    reserve and leave the path."""
    from app.extensions import db
    from app.models import GrantCall
    columns = [c.key for c in GrantCall.__table__.columns if c.key not in ("id", "program_code")]
    calls = [first]
    while len(calls) * first.awards_count < n:
        copy = GrantCall(program_code=f"bench_expert_team_{len(calls)}",
                         **{key: getattr(first, key) for key in columns})
        db.session.add(copy)
        calls.append(copy)
    db.session.commit()
    return calls


class CompletionTimer:
    """Wraps the complete_task service the demo's ``complete`` calls (app/demo/acting.py) to
    time user-task completions alone, per process path (``path`` is set by the caller)."""

    def __init__(self):
        from app.demo import acting
        self.original = acting.complete_task
        self.path = None
        self.seconds, self.count = {}, {}
        acting.complete_task = self

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.seconds[self.path] = self.seconds.get(self.path, 0.0) + time.perf_counter() - start
            self.count[self.path] = self.count.get(self.path, 0) + 1


def run_persisted(world, n: int, timer: CompletionTimer) -> tuple[float, float]:
    from app.demo.scenario import drive_application, drive_project
    clock = FrozenClock(at(2023, 12, 1))
    with using_clock(clock):
        timer.path = "科创项目"
        start = time.perf_counter()
        for i in range(n):
            clock.set(at(2023, 12, 1))
            drive_project(world, f"基准项目{i}", intent="showcase")
        projects = time.perf_counter() - start
        timer.path = "专家团"
        start = time.perf_counter()
        calls = world["bench_calls"]
        for i in range(n):
            call = calls[i // calls[0].awards_count]
            drive_application(world, clock, f"bench_soc_{i}", f"bench_applicant_{i}", call=call)
        grants = time.perf_counter() - start
    return projects, grants


# ---- bare: SpiffWorkflow alone, full serialize/deserialize at every step -------------------

def bundled_specs() -> dict:
    """process key → (spec, subprocess specs) of the models in bpmn/, parsed as deployed."""
    return {p.key: serializer.spec_from_json(p.spec_json) for p in parse_bundle(read_bundle(ROOT / "bpmn"))}


def run_bare(n: int) -> tuple[float, float]:
    specs = bundled_specs()
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = RestrictedScriptEngine()
    clock = FrozenClock(at(2023, 12, 1))
    with using_clock(clock):
        timings = []
        for key, path in (("kechuang_project", PROJECT_PATH), ("expert_team_grant", GRANT_PATH)):
            start = time.perf_counter()
            for _ in range(n):
                _bare_instance(specs[key], path, full, engine, clock)
            timings.append(time.perf_counter() - start)
    return timings[0], timings[1]


def _bare_instance(spec_pair, path, full, engine, clock) -> None:
    start_data, steps = path
    clock.set(at(*start_data["_clock"]))
    wf = BpmnWorkflow(*spec_pair, script_engine=engine)
    wf.task_tree.data.update({k: v for k, v in start_data.items() if not k.startswith("_")})
    wf.do_engine_steps()
    state = full.serialize_json(wf)
    for kind, target, data in steps:
        wf = full.deserialize_json(state)
        wf.script_engine = engine
        if kind == "task":
            task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True)
                        if (t.task_spec.bpmn_id or t.task_spec.name) == target)
            task.data.update(data)
            task.run()
        elif kind == "message":
            wf.send_event(BpmnEvent(MessageEventDefinition(target), payload=data))
        else:  # timer: move the clock
            clock.set(at(*data))
        wf.do_engine_steps()
        wf.refresh_timers()
        wf.do_engine_steps()
        state = full.serialize_json(wf)
    assert wf.is_completed(), "bare path did not reach its end"


# ---- the floor: what any completion costs on this stack -----------------------------------

FLOOR_STATEMENTS = 10  # a step's reads and writes (bench/engine.py's profile: 10.3 and 8.8)


def spiff_floor(n: int) -> float:
    """Seconds per completion of SpiffWorkflow alone, both paths, spec in memory: the task
    run and the engine steps after it, the ready tasks and timers, the state as JSON."""
    specs = bundled_specs()
    clock, seconds, count = FrozenClock(at(2023, 12, 1)), 0.0, 0
    with using_clock(clock):
        for key, (start_data, steps) in (("kechuang_project", PROJECT_PATH),
                                         ("expert_team_grant", GRANT_PATH)):
            for _ in range(n):
                clock.set(at(*start_data["_clock"]))
                workflow = spiff_steps.start(*specs[key], {k: v for k, v in start_data.items()
                                                           if not k.startswith("_")})
                for kind, target, data in steps:
                    if kind != "task":  # a message or a timer: a step, not a completion
                        _move_on(workflow, clock, kind, target, data)
                        continue
                    task_id = next(str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                                   if t.task_spec.bpmn_id == target)
                    started = time.perf_counter()
                    spiff_steps.complete(workflow, task_id, dict(data))
                    spiff_steps.waits(workflow)
                    spiff_steps.dump(workflow)
                    seconds += time.perf_counter() - started
                    count += 1
    return seconds / count


def _move_on(workflow, clock, kind: str, target, data) -> None:
    if kind == "message":
        spiff_steps.deliver_message(workflow, target, data)
    else:
        clock.set(at(*data))
        spiff_steps.advance(workflow)


def statements_floor(rounds: int = 2000) -> float:
    """Seconds for FLOOR_STATEMENTS prepared statements (half reads, half updates of one row)
    and a commit, through SQLAlchemy Core on the bench's database (the app's engine)."""
    import sqlalchemy as sa
    from app.extensions import db
    table = sa.table("bench_floor", sa.column("id"), sa.column("a"), sa.column("b"))
    read = sa.select(table.c.a, table.c.b).where(table.c.id == sa.bindparam("row"))
    write = sa.update(table).where(table.c.id == sa.bindparam("row")).values(b=table.c.b + 1)
    with db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)"))
        connection.execute(sa.insert(table), [{"id": i, "a": "申报" * 50, "b": 0} for i in range(1, 1001)])
    half = FLOOR_STATEMENTS // 2
    started = time.perf_counter()
    for i in range(rounds):
        with db.engine.begin() as connection:
            for j in range(half):
                connection.execute(read, {"row": (7 * i + j) % 1000 + 1}).all()
            for j in range(half):
                connection.execute(write, {"row": (3 * i + j) % 1000 + 1})
    return (time.perf_counter() - started) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="instances of each process (default 200)")
    parser.add_argument("--no-cache", action="store_true",
                        help="restore every workflow from the database (no per-worker workflow cache)")
    args = parser.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        ctx, world = setup_app(Path(tmp) / "bench.sqlite", n)
        bare_p, bare_g = run_bare(n)
        floor_spiff, floor_sql = spiff_floor(max(5, n // 5)), statements_floor()
        if args.no_cache:
            from app.services.shared.workflow_cache import cache
            cache.capacity = 0
        completions_timer = CompletionTimer()
        pers_p, pers_g = run_persisted(world, n, completions_timer)
        ctx.pop()
    report("科创项目 kechuang_project", n, completions(PROJECT_PATH), pers_p, bare_p)
    report("专家团 expert_team_grant", n, completions(GRANT_PATH), pers_g, bare_g)
    report("both", 2 * n, (completions(PROJECT_PATH) + completions(GRANT_PATH)) / 2,
           pers_p + pers_g, bare_p + bare_g)
    timed = completions_timer
    for path, seconds in timed.seconds.items():
        count = timed.count[path]
        print(f"complete_task alone on the {path} path (validate, authorise, advance, save, "
              f"commit): {count} completions in {seconds:.2f} s = {count / seconds:.0f} "
              f"completions/s ({1000 * seconds / count:.2f} ms each; target >= 400/s)")
    floor = floor_spiff + floor_sql
    each = sum(timed.seconds.values()) / sum(timed.count.values())
    print(f"floor of a completion on this stack, measured now: SpiffWorkflow's step and state "
          f"{1000 * floor_spiff:.2f} ms + {FLOOR_STATEMENTS} statements and a commit through "
          f"SQLAlchemy Core {1000 * floor_sql:.2f} ms = {1000 * floor:.2f} ms (at most "
          f"{1 / floor:.0f} completions/s); ratio complete_task / floor = {each / floor:.2f}x "
          f"({1000 * each:.2f} ms; 400/s is {1 / (400 * floor):.2f}x the floor)")
    print("(instances/s and the ratio include everything else a path does: starts, follow-up "
          "records, KPI entries, ranking, timer sweeps)")


def report(name, n, tasks_per_instance, persisted, bare) -> None:
    done = n * tasks_per_instance
    print(f"{name}: N={n}  persisted {n / persisted:7.1f} instances/s, "
          f"{done / persisted:7.1f} user-task completions/s | bare SpiffWorkflow "
          f"{n / bare:7.1f} instances/s | ratio persisted/bare = {persisted / bare:.2f}x")


if __name__ == "__main__":
    main()
