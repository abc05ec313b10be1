"""HTTP benchmark (named http_mix, not http: a bench/http.py would shadow the standard library's http package for every script in bench/): the app as a province runs it — gunicorn (several web workers) and a
``grantflow worker`` on PostgreSQL — under the mix of requests people make most: the inbox, a
task page, an instance page, a material's download, and completions (资格审查 through the
page's form, 推荐 through the API).

    .venv/bin/python bench/http_mix.py                 # 2,000 submitted projects, 12 users, 60 s
    .venv/bin/python bench/http_mix.py --quick         # CI: 300 projects, 8 users, 10 s
    .venv/bin/python bench/http_mix.py --quick --threads 4   # gthread workers, to compare

The throwaway PostgreSQL cluster, the seeding (submitted projects with uploaded materials,
through the services) and the gunicorn/worker processes are bench/load.py's. Each virtual user
is a city's recommender (成都 or 绵阳) on a session of its own, working a share of the city's
tasks so that no two users complete the same task. Prints requests/s, p50/p95/p99 per kind and
overall, and — measured first, in the same run — the same mix by one user alone: the ratio of
throughput under load to one user's is the figure to watch (targets: ≥ 300 requests/s with p99
≤ 100 ms on 2 cores, no errors). Also measured in the same run, the stack's ceiling: as many
sessions asking for the app's cheapest request, ``/api/health`` (the whole WSGI stack and one
statement; no login, no page), through the same client — what no mix of real pages can exceed on
this machine; the mix's share of it is printed. Exits 1 on any 5xx or unexpected answer.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402

from load import Cluster, Tally, _password, percentile, served, until_elapsed  # noqa: E402
from tests.faults.conftest import csrf_token  # noqa: E402

CITIES = {"cd_recommender": "city_chengdu", "my_recommender": "city_mianyang"}
# what a working day's requests look like: mostly reading, one in ten a completion
MIX = (("inbox", 30), ("task", 22), ("instance", 20), ("download", 18), ("complete", 10))


class HttpUser:
    """One person's browser session working share ``share`` of ``shares`` of their city's tasks."""

    def __init__(self, base: str, username: str, share: int, shares: int, tally: Tally,
                 concierges: dict, seed: int):
        self.base, self.username, self.share, self.shares = base, username, share, shares
        self.tally, self.concierges = tally, concierges
        self.session = requests.Session()
        self.random = random.Random(seed)
        self.tasks: list[dict] = []
        self.instances: list[int] = []
        self.attachments: list[int] = []

    def call(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.perf_counter()
        answer = self.session.request(method, self.base + path, timeout=60,
                                      allow_redirects=False, **kwargs)
        self.tally.note(kind, answer, time.perf_counter() - started)
        return answer

    def log_in(self) -> None:
        token = csrf_token(self.session.get(self.base + "/login").text)
        answer = self.session.post(self.base + "/login", allow_redirects=False, data={
            "username": self.username, "password": _password(), "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"login of {self.username} failed: {answer.status_code}")
        self.csrf = csrf_token(self.session.get(self.base + "/").text)
        self.refresh_tasks()

    def refresh_tasks(self) -> None:
        """My share of the city's open tasks (the API's inbox, as a client app reads it)."""
        answer = self.call("我的待办（API）", "GET", "/api/v1/tasks?per_page=100")
        items = answer.json()["items"] if answer.ok else []
        self.tasks = [t for t in items if zlib.crc32(t["id"].encode()) % self.shares == self.share]
        self.instances = [t["instance_id"] for t in items] or self.instances

    def run_until(self, end: float) -> None:
        self.log_in()
        kinds, weights = zip(*MIX)
        while time.monotonic() < end:
            getattr(self, self.random.choices(kinds, weights)[0])()

    def inbox(self) -> None:
        self.call("我的待办（页面）", "GET", "/")

    def task(self) -> None:
        if self.tasks:
            page = self.call("事项页面", "GET", f"/tasks/{self.random.choice(self.tasks)['id']}")
            self._note_attachments(page.text)

    def instance(self) -> None:
        if self.instances:
            page = self.call("流程实例页面", "GET", f"/instances/{self.random.choice(self.instances)}")
            self._note_attachments(page.text)

    def download(self) -> None:
        if self.attachments:
            self.call("下载材料", "GET", f"/attachments/{self.random.choice(self.attachments)}")

    def _note_attachments(self, html: str) -> None:
        for part in html.split('href="/attachments/')[1:20]:
            ident = part.split('"', 1)[0]
            if ident.isdigit() and int(ident) not in self.attachments:
                self.attachments.append(int(ident))
        del self.attachments[:-200]

    def complete(self) -> None:
        if not self.tasks:
            self.refresh_tasks()
            return
        task = self.tasks.pop()
        if task["task_name"] == "check_exclusions":
            answer = self.call("办理资格审查（表单）", "POST", f"/tasks/{task['id']}", data={
                "csrf_token": self.csrf, "_action": "submit", "exclusion_outcome": "eligible"})
            done = answer.status_code == 302
        else:
            answer = self.call("办理推荐（API）", "POST", f"/api/v1/tasks/{task['id']}/complete",
                               json={"data": self.recommendation()},
                               headers={"X-CSRFToken": self.csrf, "Idempotency-Key": str(uuid.uuid4())})
            done = answer.status_code == 200
        with self.tally.lock:
            if done:
                self.tally.completed.append((task["id"], task["task_name"]))
            elif answer.status_code < 500:  # no one else works this share: nothing may refuse
                self.tally.server_errors.append(
                    f"{task['task_name']}: unexpected {answer.status_code} {answer.text[:300]}")

    def recommendation(self) -> dict:
        return {"recommend_outcome": "recommended", "intent": "showcase", "sector": None,
                "reason": "技术成熟、需求明确。", "rank": self.random.randint(1, 500),
                "concierge_user_id": self.concierges[CITIES[self.username]]}


def drive(base: str, users: int, seconds: float, concierges: dict, seed: int) -> tuple[Tally, float]:
    """``users`` sessions, alternating between the two cities, for ``seconds``."""
    tally = Tally()
    names = list(CITIES)
    per_city = max(1, (users + 1) // 2)
    clients = [HttpUser(base, names[i % 2], i // 2, per_city, tally, concierges, seed + i)
               for i in range(users)]
    for client in clients:
        client.log_in()
    return tally, until_elapsed([c.run_until for c in clients], seconds)


def ceiling(base: str, users: int, seconds: float) -> tuple[Tally, float]:
    """``users`` sessions asking for /api/health as fast as answers come, for ``seconds``."""
    tally = Tally()

    def ask(end: float) -> None:
        session = requests.Session()
        while time.monotonic() < end:
            started = time.perf_counter()
            answer = session.get(base + "/api/health", timeout=60)
            tally.note("/api/health", answer, time.perf_counter() - started)
            if answer.status_code != 200:
                tally.server_errors.append(f"/api/health: {answer.status_code}")

    return tally, until_elapsed([ask] * users, seconds)


def report(title: str, tally: Tally, elapsed: float) -> None:
    every = [t for times in tally.timings.values() for t in times]
    print(f"== {title}: {tally.requests} requests in {elapsed:.1f} s = "
          f"{tally.requests / elapsed:.1f} requests/s, p50 {percentile(every, .5):.1f} ms, "
          f"p95 {percentile(every, .95):.1f} ms, p99 {percentile(every, .99):.1f} ms; "
          f"completions {len(tally.completed)}; statuses {dict(sorted(tally.statuses.items()))}")
    print(f"   {'request':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, times in sorted(tally.timings.items()):
        print(f"   {kind:<22} {len(times):>6} {percentile(times, .5):>8.1f} "
              f"{percentile(times, .95):>8.1f} {percentile(times, .99):>8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2000, help="submitted projects (default 2000)")
    parser.add_argument("--users", type=int, default=12, help="concurrent sessions (default 12)")
    parser.add_argument("--web-workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn workers (default: one per core)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (default 1: sync workers, as production "
                             "runs; more: gthread workers, to compare — docs/deploy.md)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--quick", action="store_true", help="CI: 300 projects, 8 users, 10 s")
    args = parser.parse_args()
    if args.quick:
        args.instances, args.users, args.seconds, args.baseline_seconds = 300, 8, 10, 4
    work = Path(tempfile.mkdtemp(prefix="grantflow-http."))
    cluster = Cluster().start()
    try:
        return run(args, cluster, work)
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args, cluster: Cluster, work: Path) -> int:
    with served(cluster, work, args.instances, args.web_workers, args.threads) as (server, facts):
        base = server.url("")
        alone, alone_s = drive(base, 1, args.baseline_seconds, facts["concierges"], 1)
        report("one user alone (baseline)", alone, alone_s)
        top, top_s = ceiling(base, args.users, args.baseline_seconds)
        report(f"ceiling: {args.users} sessions asking for /api/health (one statement, no login, "
               f"no page)", top, top_s)
        busy, busy_s = drive(base, args.users, args.seconds, facts["concierges"], 100)
        report(f"{args.users} users at once", busy, busy_s)
        alive = server.alive()
    every = [t for times in busy.timings.values() for t in times]
    rate, top_rate = busy.requests / busy_s, top.requests / top_s
    print(f"ratio throughput {args.users} users / 1 user: "
          f"{rate / (alone.requests / alone_s):.2f}x; "
          f"requests/s {rate:.0f} (target >= 300), "
          f"p99 {percentile(every, .99):.0f} ms (target <= 100)")
    print(f"ratio throughput mix / ceiling: {rate / top_rate:.2f}x ({rate:.0f} of {top_rate:.0f} "
          f"requests/s); the target of 300 is {300 / top_rate:.2f}x the ceiling measured now")
    errors = (alone.server_errors + top.server_errors + busy.server_errors
              + ([] if alive else ["gunicorn died"]))
    print(f"5xx and unexpected answers: {len(errors)}")
    for line in errors[:30]:
        print("  ", line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
