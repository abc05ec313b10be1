"""HTTP load benchmark: gunicorn (several web workers) and a ``grantflow worker`` on a throwaway
PostgreSQL cluster on 127.0.0.1, with 1,000+ submitted 科创项目 waiting for their city's 资格审查.

Virtual users log in through the real login form (CSRF and all), read their inbox (page and
API), open tasks and complete them — 资格审查 through the page's form, 推荐 through the API with
an Idempotency-Key — several sessions of one person at once, so they race for the same tasks;
readers page through the instance lists meanwhile. Afterwards:

- every completion the clients were told succeeded is in the audit trail exactly once, and no
  other completion is (nothing lost, nothing done twice);
- ``grantflow check`` (services/shared/consistency.py): every instance loads, its open tasks and
  timers equal what its workflow waits for, no task completed twice;
- zero 5xx.

    .venv/bin/python bench/load.py                       # 1,200 instances, 8 users, 60 s
    .venv/bin/python bench/load.py --quick               # CI: 1,000 instances, 20 s

Prints requests/s and p50/p95/p99 per kind of request, and the ratio of throughput and p95
under load to one user alone (measured in the same run, first). Exits 1 on any 5xx, a lost or
duplicated completion, or an inconsistent database.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.faults.conftest import csrf_token  # noqa: E402
from tests.faults.processes import Gunicorn, Worker, free_port  # noqa: E402

CITIES = {"cd_recommender": "city_chengdu", "my_recommender": "city_mianyang"}
OWNERS = {"city_chengdu": ("ent_cloudwise", "cd_applicant"),
          "city_mianyang": ("ent_greenfield", "my_applicant")}
READERS = ("cd_applicant", "my_applicant")


# ---- a throwaway PostgreSQL cluster ----------------------------------------------------------

class Cluster:
    """initdb + pg_ctl in a temp directory, as scripts/postgres.sh does (as postgres if root)."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin, self.port = bins[-1], free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="grantflow-load-pg."))
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: str) -> None:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", command] if os.geteuid() == 0 \
            else ["sh", "-c", command]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> Cluster:
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(f"{self.bin}/initdb -D {self.dir}/data -A trust -U postgres -E UTF8 --locale=C.UTF-8")
        self._run(f"{self.bin}/pg_ctl -D {self.dir}/data -o '-p {self.port} -k {self.dir} "
                  f"-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' "
                  f"-l {self.dir}/log -w start")
        return self

    def stop(self) -> None:
        try:
            self._run(f"{self.bin}/pg_ctl -D {self.dir}/data -m fast -w stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- seeding: the reference data, the demo's people, N submitted projects ---------------------

def seed(database_url: str, upload_dir: Path, instances: int) -> dict:
    """In this process, through the services. Returns what the load needs to know."""
    from app.cli import upgrade_and_deploy
    from app.demo.acting import complete
    from app.demo.materials import with_materials
    from app.demo.people import seed_people
    from app.demo.reference import seed_reference_data
    from app.demo.samples import submission
    from app.services.kechuang.projects import start_project
    from workflows.clock import FrozenClock, using_clock
    from world import SEEDED_AT

    app = _app(database_url, upload_dir)
    with app.app_context(), using_clock(FrozenClock(SEEDED_AT)):
        logging.getLogger("alembic").setLevel(logging.WARNING)
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            upgrade_and_deploy()
        world = seed_reference_data()
        users = seed_people(world["orgs"])
        orgs, edition = world["orgs"], world["edition"]
        cities = list(OWNERS)
        for n in range(instances):
            city = cities[n % len(cities)]
            owner, applicant = OWNERS[city]
            project = start_project(edition.id, orgs[owner].id, orgs[city].id,
                                    f"压力测试项目{n + 1:04d}", "tech_transfer", users[applicant])
            raw = with_materials(project.instance, users[applicant], submission(
                title=project.title, platform_listing_id=f"TFKJY-L{n:05d}"))
            complete(users[applicant], project.instance, "submit_project", raw)
        return {"concierges": {city: users[name].id for city, name in
                               (("city_chengdu", "cd_concierge"), ("city_mianyang", "my_concierge"))}}


def _app(database_url: str, upload_dir: Path):
    from app import create_app
    from tests.faults.processes import TEST_SECRET_KEY
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": upload_dir,
                       "SECRET_KEY": TEST_SECRET_KEY})


# ---- the clients -----------------------------------------------------------------------------

@dataclass
class Tally:
    """What every client saw, under one lock."""
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)  # (task id, task name)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, answer: requests.Response, seconds: float) -> None:
        with self.lock:
            self.timings[kind].append(seconds)
            self.statuses[answer.status_code] += 1
            if answer.status_code >= 500:
                self.server_errors.append(f"{kind} {answer.request.method} {answer.url}: "
                                          f"{answer.status_code}")

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.timings.values())

    def p95(self) -> float:
        every = sorted(t for times in self.timings.values() for t in times)
        return every[int(len(every) * 0.95)] if every else 0.0


class Client:
    def __init__(self, base: str, username: str, tally: Tally, concierges: dict, seed: int):
        self.base, self.username, self.tally, self.concierges = base, username, tally, concierges
        self.session = requests.Session()
        self.random = random.Random(seed)

    def call(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        answer = self.session.request(method, self.base + path, timeout=60,
                                      allow_redirects=False, **kwargs)
        self.tally.note(kind, answer, time.perf_counter() - started)
        return answer

    def log_in(self) -> None:
        token = csrf_token(self.call("登录页", "GET", "/login").text)
        answer = self.call("登录", "POST", "/login", data={
            "username": self.username, "password": _password(), "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"login of {self.username} failed: {answer.status_code}")
        self.csrf = csrf_token(self.call("我的待办（页面）", "GET", "/").text)

    def run_until(self, end: float) -> None:
        self.log_in()
        while time.monotonic() < end:
            if self.username in READERS:
                self.read_instances()
            elif not self.work_one_task():
                time.sleep(0.2)

    def read_instances(self) -> None:
        page = self.random.randint(1, 20)
        self.call("流程实例列表（页面）", "GET", f"/instances?page={page}")
        listed = self.call("流程实例列表（API）", "GET", f"/api/v1/instances?per_page=20&page={page}")
        items = listed.json().get("items", []) if listed.ok else []
        if items:
            self.call("流程实例详情（页面）", "GET", f"/instances/{self.random.choice(items)['id']}")

    def work_one_task(self) -> bool:
        self.call("我的待办（页面）", "GET", "/")
        listed = self.call("我的待办（API）", "GET", "/api/v1/tasks?per_page=20")
        items = listed.json()["items"] if listed.ok else []
        if not items:
            return False
        task = self.random.choice(items)
        self.call("事项页面", "GET", f"/tasks/{task['id']}")
        if task["task_name"] == "check_exclusions":
            answer = self.call("提交资格审查（表单）", "POST", f"/tasks/{task['id']}", data={
                "csrf_token": self.csrf, "_action": "submit", "exclusion_outcome": "eligible"})
            done = answer.status_code == 302 and answer.headers["Location"].endswith("/")
        else:
            answer = self.call("提交推荐（API）", "POST", f"/api/v1/tasks/{task['id']}/complete",
                               json={"data": self.recommendation(task)},
                               headers={"X-CSRFToken": self.csrf,
                                        "Idempotency-Key": str(uuid.uuid4())})
            done = answer.status_code == 200
        with self.tally.lock:
            if done:
                self.tally.completed.append((task["id"], task["task_name"]))
            elif answer.status_code == 409:
                self.tally.conflicts += 1
            elif answer.status_code < 500:
                self.tally.server_errors.append(
                    f"{task['task_name']}: unexpected {answer.status_code} {answer.text[:300]}")
        return True

    def recommendation(self, task: dict) -> dict:
        city = CITIES[self.username]
        if self.random.random() < 0.3:
            return {"recommend_outcome": "not_recommended", "reason": "需求方尚不明确，转常年服务。"}
        return {"recommend_outcome": "recommended", "intent": "showcase", "sector": None,
                "reason": "技术成熟、需求明确。", "rank": self.random.randint(1, 500),
                "concierge_user_id": self.concierges[city]}


def _password() -> str:
    from app.demo.people import DEMO_PASSWORD
    return DEMO_PASSWORD


def load(base: str, usernames: list[str], seconds: float, concierges: dict, seed: int) -> tuple[Tally, float]:
    tally = Tally()
    clients = [Client(base, name, tally, concierges, seed + i) for i, name in enumerate(usernames)]
    return tally, until_elapsed([c.run_until for c in clients], seconds)


def until_elapsed(workers, seconds: float) -> float:
    """Each of ``workers`` (called with the moment to stop) on a thread of its own for
    ``seconds``; the seconds they took in all."""
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(started + seconds,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


# ---- afterwards: nothing lost, nothing twice, a consistent database --------------------------

def verify(database_url: str, upload_dir: Path, tallies: list[Tally]) -> list[str]:
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditEvent
    from app.services.shared.consistency import check_consistency

    told = Counter(task_id for tally in tallies for task_id, _ in tally.completed)
    problems = [f"任务 {task_id} 被告知办理成功 {n} 次" for task_id, n in told.items() if n > 1]
    with _app(database_url, upload_dir).app_context():
        audited = Counter(db.session.scalars(sa.select(AuditEvent.task_id).where(
            AuditEvent.kind == "completed",
            AuditEvent.task_name.in_(("check_exclusions", "recommend_project")))))
        if lost := set(told) - set(audited):
            problems.append(f"{len(lost)} 个办理成功的任务不在审计记录中（丢失）")
        if unknown := set(audited) - set(told):
            problems.append(f"{len(unknown)} 个审计记录中的办理未被告知任何人（来历不明）")
        report = check_consistency()
        problems += report.problems
        print(f"consistency: {report.instances} instances, {report.open_tasks} open tasks, "
              f"{report.waiting_timers} timers, {report.completions} completions, "
              f"{len(report.problems)} problems")
    return problems


# ---- the report --------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def print_tally(title: str, tally: Tally, elapsed: float) -> None:
    print(f"== {title}: {tally.requests} requests in {elapsed:.1f} s = "
          f"{tally.requests / elapsed:.1f} requests/s; completions {len(tally.completed)}, "
          f"conflicts (409, a colleague was first) {tally.conflicts}; statuses "
          f"{dict(sorted(tally.statuses.items()))}")
    print(f"   {'request':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, times in sorted(tally.timings.items()):
        print(f"   {kind:<22} {len(times):>6} {percentile(times, .5):>8.1f} "
              f"{percentile(times, .95):>8.1f} {percentile(times, .99):>8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1200)
    parser.add_argument("--sessions", type=int, default=3, help="sessions per recommender")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--quick", action="store_true", help="CI: 1,000 instances, 20 s")
    args = parser.parse_args()
    if args.quick:
        args.instances, args.seconds, args.baseline_seconds, args.web_workers = 1000, 20, 6, 3
    work = Path(tempfile.mkdtemp(prefix="grantflow-load."))
    cluster = Cluster().start()
    try:
        return run(args, cluster, work)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def served(cluster: Cluster, work: Path, instances: int, web_workers: int, threads: int = 1):
    """Seed ``instances`` submitted projects, then serve them: gunicorn with ``web_workers``
    (of ``threads`` threads each; 1: sync workers) and a worker on the cluster, the app's clock
    at the seeding moment. Yields (server, the seed's facts)."""
    from world import SEEDED_AT
    upload_dir = work / "uploads"
    started = time.perf_counter()
    facts = seed(cluster.url, upload_dir, instances)
    print(f"seeded {instances} submitted projects with their materials in "
          f"{time.perf_counter() - started:.1f} s; {web_workers} gunicorn workers "
          f"({f'gthread, {threads} threads each' if threads > 1 else 'sync'}) on "
          f"{os.cpu_count()} cores")
    env = {"GRANTFLOW_UPLOAD_DIR": str(upload_dir),
           "GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS": str((SEEDED_AT - _now()).total_seconds())}
    with Gunicorn(cluster.url, work, workers=web_workers, threads=threads,
                  app="tests.faults.hooked:create_app()", **env) as server, \
            Worker(cluster.url, work, "load", poll=1, **env):
        yield server, facts


def run(args, cluster: Cluster, work: Path) -> int:
    upload_dir = work / "uploads"
    with served(cluster, work, args.instances, args.web_workers) as (server, facts):
        base = server.url("")
        alone, alone_s = load(base, ["cd_recommender"], args.baseline_seconds, facts["concierges"], 1)
        print_tally("one user alone (baseline)", alone, alone_s)
        users = [name for name in CITIES for _ in range(args.sessions)] + list(READERS)
        busy, busy_s = load(base, users, args.seconds, facts["concierges"], 100)
        print_tally(f"{len(users)} users at once", busy, busy_s)
        if not server.alive():
            print(server.output()[-3000:])
    problems = verify(cluster.url, upload_dir, [alone, busy])
    errors = alone.server_errors + busy.server_errors
    print(f"ratio throughput {len(users)} users / 1 user: "
          f"{(busy.requests / busy_s) / (alone.requests / alone_s):.2f}x; "
          f"p95 under load / alone: {busy.p95() / max(alone.p95(), 1e-9):.2f}x")
    print(f"5xx and unexpected answers: {len(errors)}; consistency problems: {len(problems)}")
    for line in (errors + problems)[:30]:
        print("  ", line)
    return 1 if errors or problems else 0


def _now():
    from workflows.clock import system_clock
    return system_clock()


if __name__ == "__main__":
    sys.exit(main())
