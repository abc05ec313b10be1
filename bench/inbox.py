"""Inbox and lists at a province's scale: 100,000 open tasks on 50,000 instances, 10,000 users
over the 21 市州 and every role — the pages timed server-side (through the Flask test client:
queries, templates and all), at the demo's scale first and then at the province's.

    .venv/bin/python bench/inbox.py                                   # SQLite, full size
    .venv/bin/python bench/inbox.py --database-url postgresql+psycopg://…   # an EMPTY database
    .venv/bin/python bench/inbox.py --quick                           # CI: 5,000 tasks

Setup: the bench app (bench/world.py: migrated, models deployed, the demo's reference data and
people), one real 科创项目 and one real submitted 申报书 driven through the services; then the
filler, Core-inserted: member units and societies with their 经办人, recommenders and 科服保姆
in every 市州, experts, department officers; instances copied from the real rows (their
projects and applications too, JSON and all, so a list that loads them pays for it), each
with its viewers, and open tasks of every kind offered to those roles (due dates from a month
overdue to two months ahead, some claimed, reviews assigned by name). The personas are the
demo's own accounts, whose orgs get their share of the filler: a 创发部 遴选人 (province), the
成都市科协 推荐单位审核人 (city), a member unit's 经办人 (applicant) and the 省科协 administrator
(逾期督办 of everything).

Prints p50/p95 per page and persona (target p95 ≤ 15 ms on SQLite and on PostgreSQL), the
ratio at scale / at demo scale (measured in the same run: how a page grows with the data —
1× is flat), and the query plans of the slowest page's statements.
"""
from __future__ import annotations

import argparse
import contextlib
import io
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

NOW = datetime(2024, 3, 25, 10, tzinfo=SHANGHAI)  # the moment every page is read at
BATCH = 5_000


def setup(database_url: str):
    """(app, world): the bench app on ``database_url`` (empty or new), its reference data and
    people, and in world["sample"] the instances the filler copies."""
    from app import create_app
    from app.cli import upgrade_and_deploy
    from app.demo.people import seed_people
    from app.demo.reference import seed_reference_data
    from world import SEEDED_AT
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                      "UPLOAD_DIR": Path(tempfile.mkdtemp(prefix="grantflow-inbox."))})
    with app.app_context():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            upgrade_and_deploy()
        world = seed_reference_data()
        with using_clock(FrozenClock(SEEDED_AT)):
            world["users"] = seed_people(world["orgs"])
        world["sample"] = real_rows(world)
    return app, world


def real_rows(world) -> dict:
    """One 科创项目 waiting at 资格审查 and one 申报书 submitted, through the services: the rows
    the filler copies."""
    from app.demo.scenario import drive_application, drive_project
    from world import SEEDED_AT
    clock = FrozenClock(SEEDED_AT)
    with using_clock(clock):
        project = drive_project(world, "规模测试样本项目", until="check_exclusions")
        application = drive_application(world, clock, "soc_energy", "soc_energy_applicant",
                                        until="formal_review")
    return {"project": project.instance_id, "application": application.instance_id}


# ---- the filler -----------------------------------------------------------------------------

class Filler:
    """Core inserts of orgs, users, instances, records, viewers and tasks."""

    def __init__(self, world, rng: random.Random):
        from app.extensions import db
        self.db, self.world, self.rng = db, world, rng
        self.orgs = world["orgs"]
        self.cities = [o for o in self.orgs.values() if o.org_type == "city_association"]
        self.hashed = world["users"]["cd_applicant"].password_hash

    def table(self, name: str) -> sa.Table:
        return self.db.metadata.tables[name]

    def insert(self, name: str, rows: list[dict]) -> None:
        for lo in range(0, len(rows), BATCH):
            self.db.session.execute(sa.insert(self.table(name)), rows[lo:lo + BATCH])

    def next_id(self, name: str) -> int:
        return (self.db.session.scalar(sa.select(sa.func.max(self.table(name).c.id))) or 0) + 1

    def add_orgs(self, kind: str, count: int, prefix: str) -> list[tuple[int, int]]:
        """``count`` orgs of ``kind``, each in a 市州: [(org id, city id)]."""
        first = self.next_id("orgs")
        rows, placed = [], []
        for n in range(count):
            city = self.cities[n % len(self.cities)]
            rows.append(dict(id=first + n, code=f"bench_{prefix}_{n}", name=f"规模测试{prefix}{n}",
                             org_type=kind, parent_id=city.id, city_id=city.id))
            placed.append((first + n, city.id))
        self.insert("orgs", rows)
        return placed

    def add_users(self, holders: list[tuple[str, int]], prefix: str) -> list[int]:
        """One user per (role, org id): [user id]."""
        first, at = self.next_id("users"), NOW - timedelta(days=400)
        self.insert("users", [dict(id=first + n, username=f"bench_{prefix}_{n}", display_name=f"测试{prefix}{n}",
                                   email=None, password_hash=self.hashed, active=True, created_at=at)
                              for n in range(len(holders))])
        self.insert("role_assignments", [dict(user_id=first + n, org_id=org, role=role)
                                         for n, (role, org) in enumerate(holders)])
        return [first + n for n in range(len(holders))]


def fill(world, sample: dict, tasks: int, instances: int, users: int, seed: int = 7) -> None:
    """The province: ``users`` people, ``instances`` instances (9 in 10 科创项目), ``tasks``
    open tasks among them."""
    rng = random.Random(seed)
    filler = Filler(world, rng)
    orgs, people = world["orgs"], world["users"]
    grants = instances // 10
    # the applicant persona's member unit (成都) is one of the units the filler's projects use
    units = [(orgs["ent_cloudwise"].id, orgs["city_chengdu"].id)] + \
        filler.add_orgs("member_unit", max(1, users * 3 // 10), "单位")
    societies = filler.add_orgs("society", max(1, grants), "学会")
    applicants = filler.add_users([("applicant", org) for org, _ in units + societies][: users * 6 // 10], "经办人")
    city_staff = [(role, filler.cities[n % len(filler.cities)].id)
                  for n in range(users // 10) for role in ("recommender", "concierge")]
    filler.add_users(city_staff, "市州")
    experts = filler.add_users([("expert", orgs["dept_societies"].id)] * max(3, users * 15 // 100), "专家")
    filler.add_users([("selector", orgs["dept_innovation"].id)] * max(1, users // 100), "遴选")
    del applicants
    projects = instances - grants
    instance_ids = copy_instances(filler, sample, units, societies, projects, grants)
    add_tasks(filler, instance_ids, units, societies, experts, tasks, people)
    filler.db.session.commit()


def copy_instances(filler: Filler, sample: dict, units, societies, projects: int, grants: int) -> dict:
    """Copies of the two real instances (with their project / application rows and viewers):
    {"project": [(instance id, owner org, city)], "grant": [...], "edition": the projects' edition}."""
    db = filler.db
    instances = filler.table("process_instances")
    template = {key: dict(db.session.execute(sa.select(instances).where(instances.c.id == ident))
                          .mappings().one()) for key, ident in sample.items()}
    project_row = dict(db.session.execute(sa.select(filler.table("projects")).where(
        filler.table("projects").c.instance_id == sample["project"])).mappings().one())
    application_row = dict(db.session.execute(sa.select(filler.table("grant_applications")).where(
        filler.table("grant_applications").c.instance_id == sample["application"])).mappings().one())
    first = filler.next_id("process_instances")
    made = {"project": [], "grant": [], "edition": project_row["edition_id"]}
    rows, records, applications, viewers = [], [], [], []
    next_project, next_application = filler.next_id("projects"), filler.next_id("grant_applications")
    sectors = [None, "electronic_info", "equipment", "new_materials", "biomedicine", "modern_agri"]
    for n in range(projects + grants):
        ident, is_project = first + n, n < projects
        owner, city = units[n % len(units)] if is_project else societies[(n - projects) % len(societies)]
        updated = NOW - timedelta(minutes=filler.rng.randint(0, 60 * 24 * 120))
        base = template["project" if is_project else "application"]
        rows.append({**base, "id": ident, "business_key": f"BENCH-{ident}",
                     "title": f"规模测试{'项目' if is_project else '申报'}{ident}", "owner_org_id": owner,
                     "state": "{}", "lock_version": 1, "created_at": updated, "updated_at": updated,
                     "status": "running" if filler.rng.random() < 0.8 else "completed"})
        viewers.append(dict(instance_id=ident, org_id=owner, user_id=None))
        if is_project:
            records.append({**project_row, "id": next_project + n, "instance_id": ident, "owner_org_id": owner,
                            "city_org_id": city, "recommender_org_id": city,
                            "sector": filler.rng.choice(sectors), "platform_listing_id": None})
            viewers.append(dict(instance_id=ident, org_id=city, user_id=None))
            made["project"].append((ident, owner, city))
        else:
            applications.append({**application_row, "id": next_application + n - projects, "instance_id": ident,
                                 "society_org_id": owner})
            made["grant"].append((ident, owner, city))
    filler.insert("process_instances", rows)
    filler.insert("projects", records)
    filler.insert("grant_applications", applications)
    filler.insert("instance_viewers", viewers)
    return made


# (task name, title, role, whose org: owner · city · innovation · societies, by name?)
PROJECT_TASKS = [("submit_project", "提交科创项目", "applicant", "owner"),
                 ("check_exclusions", "资格审查", "recommender", "city"),
                 ("recommend_project", "推荐项目", "recommender", "city"),
                 ("select_project", "遴选", "selector", "innovation"),
                 ("pitch_project", "路演对接", "concierge", "city"),
                 ("follow_up_project", "跟踪服务", "concierge", "city")]
GRANT_TASKS = [("submit_application", "填报申报书", "applicant", "owner"),
               ("formal_review", "形式审查", "grant_officer", "societies"),
               ("review_application", "专家评审", "expert", "societies")]


def add_tasks(filler: Filler, made: dict, units, societies, experts, count: int, people) -> None:
    rng, orgs = filler.rng, filler.orgs
    where = {"innovation": orgs["dept_innovation"].id, "societies": orgs["dept_societies"].id}
    rows, viewers = [], set()
    claimers = [people["cd_recommender"].id, None, None]
    for n in range(count):
        is_project = n % 10 != 0 and made["project"] or not made["grant"]
        instance, owner, city = rng.choice(made["project"] if is_project else made["grant"])
        name, title, role, scope = rng.choice(PROJECT_TASKS if is_project else GRANT_TASKS)
        org = {"owner": owner, "city": city}.get(scope) or where[scope]
        candidate = rng.choice(experts) if role == "expert" else None
        due = None if rng.random() < 0.1 else NOW + timedelta(hours=rng.randint(-24 * 30, 24 * 60))
        claimed = rng.choice(claimers) if role == "recommender" and rng.random() < 0.05 else None
        rows.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128))), instance_id=instance, task_name=name,
                         title=title, role=role, org_id=org, candidate_user_id=candidate,
                         claimed_by_id=claimed, due_at=due, created_at=NOW - timedelta(days=rng.randint(0, 60)),
                         edition_id=made["edition"] if is_project else None))
        viewers.add((instance, None, candidate) if candidate else (instance, org, None))
    filler.insert("tasks", rows)
    known = set(filler.db.session.execute(sa.select(filler.table("instance_viewers").c.instance_id,
                                                    filler.table("instance_viewers").c.org_id,
                                                    filler.table("instance_viewers").c.user_id)).all())
    filler.insert("instance_viewers", [dict(instance_id=i, org_id=o, user_id=u)
                                       for i, o, u in sorted(viewers - known, key=str)])


# ---- the measurements -------------------------------------------------------------------------

PERSONAS = {  # persona → (user name, pages)
    "省级 遴选人（创发部）": ("sel_innovation", ["/", "/?due=overdue", "/?task=select_project",
                                          "/api/v1/tasks?per_page=20", "/instances", "/instances?q=规模测试项目12"]),
    "市州 推荐单位审核人（成都）": ("cd_recommender", ["/", "/?due=week", "/?task=check_exclusions&due=overdue",
                                           "/?mine=1", "/api/v1/tasks?per_page=20", "/instances",
                                           "/instances?q=BENCH-3", "/instances?status=running&process=kechuang_project"]),
    "申报单位经办人": ("cd_applicant", ["/", "/api/v1/tasks?per_page=20", "/instances", "/instances?q=项目"]),
    "省科协 系统管理员（逾期督办）": ("admin", ["/overdue", "/instances", "/instances?q=申报"]),
}


def log_in(app, username: str):
    from app.demo.people import DEMO_PASSWORD
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"login of {username} failed: {answer.status_code}")
    return client


def time_pages(app, repeat: int) -> dict[tuple[str, str], list[float]]:
    """Seconds of each page of each persona, ``repeat`` times (after one warm-up). Called with
    no app context pushed: each request then has its own, as under a server (a pushed one
    would be shared — its session, and Flask-Login's user in ``g``)."""
    found = {}
    with using_clock(FrozenClock(NOW)):
        for persona, (username, pages) in PERSONAS.items():
            client = log_in(app, username)
            for page in pages:
                answer = client.get(page)
                if answer.status_code != 200:
                    raise SystemExit(f"{persona} {page}: {answer.status_code}")
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(page)
                    times.append(time.perf_counter() - started)
                found[(persona, page)] = times
    return found


def plans(app, persona: str, page: str) -> list[str]:
    """The SELECT statements one request of ``page`` runs, each with its query plan."""
    from app.extensions import db
    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda conn, cursor, stmt, params, context, many: statements.append((stmt, params))  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    with using_clock(FrozenClock(NOW)):
        log_in(app, PERSONAS[persona][0]).get(page)
    sa.event.remove(engine, "before_cursor_execute", listener)
    sqlite = engine.dialect.name == "sqlite"
    lines = []
    with engine.connect() as connection:
        for stmt, params in statements:
            if not stmt.lstrip().upper().startswith("SELECT") or "FROM users" in stmt.split("WHERE")[0]:
                continue
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = connection.exec_driver_sql(explain + stmt, params).all()
            lines.append("  " + " ".join(stmt.split())[:160] + " …")
            lines += [f"      {row[-1] if sqlite else row[0]}" for row in rows]
    return lines


# ---- server-side: the service calls the pages make, one by one ---------------------------------

def service_calls(username: str) -> list[tuple[str, object]]:
    """(label, call(user)) of the service functions a persona's pages run — the same ones the
    views call (app/views/inbox.py, instances.py, notifications.py). Works on the code before
    paging too (inbox() then reads every row), so one bench measures before and after."""
    from app.services.background import reminders
    from app.services.reading import inbox, instance_views
    rows = getattr(inbox, "inbox_page", None) or inbox.inbox
    calls = [("inbox rows", lambda u: rows(u)),
             ("inbox rows ?due=overdue", lambda u: rows(u, inbox.InboxFilter(due="overdue"))),
             ("inbox rows ?mine=1", lambda u: rows(u, inbox.InboxFilter(mine=True))),
             ("inbox counts", inbox.counts),
             ("inbox 遴选 groups", inbox.selection_groups)]
    if hasattr(inbox, "task_choices"):
        calls.append(("inbox 事项 choices", inbox.task_choices))
    search = {"sel_innovation": "规模测试项目12", "cd_recommender": "BENCH-3", "cd_applicant": "项目",
              "admin": "申报"}[username]
    Filter = instance_views.InstanceFilter
    calls += [("instances", lambda u: instance_views.list_instances(u, Filter())),
              (f"instances ?q={search}", lambda u: instance_views.list_instances(u, Filter(text=search))),
              ("instances ?status=running&city=成都", lambda u: instance_views.list_instances(
                  u, Filter(status="running", city_id=_chengdu())))]
    if username == "admin":
        overdue = getattr(reminders, "overdue_page", None) or reminders.overdue_escalated
        calls.append(("逾期督办", lambda u: overdue(u)))
    if username == "sel_innovation":
        calls.insert(1, ("inbox rows ?task=select_project",
                         lambda u: rows(u, inbox.InboxFilter(task_name="select_project"))))
    return calls


def _chengdu() -> int:
    from app.extensions import db
    from app.models import Org
    return db.session.scalar(sa.select(Org.id).filter_by(code="city_chengdu"))


def time_calls(app, repeat: int) -> dict[tuple[str, str], list[float]]:
    """Seconds of each service call of each persona, ``repeat`` times after a warm-up, each in
    a fresh session (nothing in the identity map, the user and roles read untimed as at login)."""
    from app.extensions import db
    found = {}
    with app.app_context(), using_clock(FrozenClock(NOW)):
        for username, _ in PERSONAS.values():
            for label, call in service_calls(username):
                call(_fresh_user(username))
                times = []
                for _ in range(repeat):
                    user = _fresh_user(username)
                    started = time.perf_counter()
                    call(user)
                    times.append(time.perf_counter() - started)
                found[(username, label)] = times
            db.session.remove()
    return found


def _fresh_user(username: str):
    from app.extensions import db
    from app.models import User
    db.session.remove()
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    user.roles  # noqa: B018 — loaded as at login
    return user


def call_plans(app, keys) -> list[str]:
    """The statements of each (user, call) in ``keys`` with their query plans."""
    lines = []
    with app.app_context(), using_clock(FrozenClock(NOW)):
        for username, label in keys:
            call = dict(service_calls(username))[label]
            user = _fresh_user(username)
            lines += [f"  {username} · {label}:"] + explain(_statements(lambda: call(user)))
    return lines


def _statements(run) -> list[tuple[str, object]]:
    from app.extensions import db
    statements = []
    listener = lambda conn, cursor, stmt, params, context, many: statements.append((stmt, params))  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def explain(statements) -> list[str]:
    """Each SELECT with its plan (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN)."""
    from app.extensions import db
    sqlite = db.engine.dialect.name == "sqlite"
    lines = []
    with db.engine.connect() as connection:
        for stmt, params in statements:
            if not stmt.lstrip().upper().startswith("SELECT"):
                continue
            rows = connection.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + stmt,
                                              params).all()
            lines.append("    " + " ".join(stmt.split())[:200] + " …")
            lines += [f"        {row[-1] if sqlite else row[0]}" for row in rows]
    return lines


def report_calls(small: dict, large: dict) -> list:
    """Print p50/p95 per call and the ratio to demo scale; the calls over 15 ms at p95."""
    print(f"   {'server-side call':<16} {'user':<15} {'call':<40} {'p50 ms':>7} {'p95 ms':>7}  "
          f"ratio p95 at scale / demo scale")
    for key, times in large.items():
        ratio = p(times, .95) / max(p(small[key], .95), 1e-6)
        print(f"   {'':<16} {key[0]:<15} {key[1]:<40} {p(times, .5):>7.2f} {p(times, .95):>7.2f}  {ratio:5.1f}x")
    over = [key for key, times in large.items() if p(times, .95) > 15]
    print(f"service calls over 15 ms at p95: {len(over)} of {len(large)}")
    return over


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--instances", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--quick", action="store_true", help="CI: 5,000 tasks, 2,500 instances, 500 users")
    parser.add_argument("--no-pages", dest="pages", action="store_false",
                        help="the service calls only, not the pages through the test client")
    parser.add_argument("--plans", action="store_true", help="the query plans of every service call")
    args = parser.parse_args()
    if args.quick:
        args.tasks, args.instances, args.users, args.repeat = 5_000, 2_500, 500, 5
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'inbox.sqlite'}"
        app, world = setup(url)
        return run(app, world, args)


def run(app, world, args) -> int:
    from app.extensions import db
    small = time_pages(app, args.repeat) if args.pages else {}
    small_calls = time_calls(app, args.repeat)
    with app.app_context():
        started = time.perf_counter()
        fill(world, world["sample"], args.tasks, args.instances, args.users)
        count = {name: db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[name]))
                 for name in ("tasks", "process_instances", "users")}
        print(f"{db.engine.dialect.name}: {count['tasks']} open tasks, {count['process_instances']} "
              f"instances, {count['users']} users (filled in {time.perf_counter() - started:.1f} s); "
              f"{args.repeat} requests per page")
        if db.engine.dialect.name == "postgresql":
            # As autovacuum leaves a database in use: statistics, and the visibility map an
            # index-only scan needs to skip the table. Right after a bulk fill it may or may not
            # have run when the timing starts (the tally of ~15,000 tasks: ~5 against ~10 ms).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
    calls = time_calls(app, args.repeat)
    over = report_calls(small_calls, calls)
    print(f"query plans of {'every call' if args.plans else 'the calls over 15 ms'}:")
    print("\n".join(call_plans(app, list(calls) if args.plans else over)))
    if not args.pages:
        return 0
    large = time_pages(app, args.repeat)
    print(f"   {'persona':<24} {'page':<48} {'p50 ms':>7} {'p95 ms':>7}  ratio p95 at scale / demo scale")
    worst = max(large, key=lambda key: p(large[key], .95))
    for key, times in large.items():
        persona, page = key
        ratio = p(times, .95) / max(p(small[key], .95), 1e-6)
        print(f"   {persona:<24} {page:<48} {p(times, .5):>7.1f} {p(times, .95):>7.1f}  {ratio:5.1f}x")
    every = [t for times in large.values() for t in times]
    over = [f"{persona} {page}" for (persona, page), times in large.items() if p(times, .95) > 15]
    print(f"all pages: p50 {p(every, .5):.1f} ms, p95 {p(every, .95):.1f} ms; median ratio at scale / "
          f"demo scale {statistics.median(p(large[k], .95) / max(p(small[k], .95), 1e-6) for k in large):.2f}x; "
          f"over 15 ms at p95: {len(over)} of {len(large)}")
    print(f"query plans of the slowest page ({worst[0]} {worst[1]}):")
    print("\n".join(plans(app, *worst)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
