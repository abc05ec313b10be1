"""The app every benchmark runs on: a fresh SQLite file, migrated, models deployed, the
reference data and the invented people of the demo (seeded at 2023-12-01 09:00 Beijing time)."""
from __future__ import annotations

import contextlib
import io
from datetime import datetime
from pathlib import Path

from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI

SEEDED_AT = datetime(2023, 12, 1, 9, tzinfo=SHANGHAI)


def setup_app(db_path: Path, config: dict | None = None):
    """(pushed app context, world dict of the reference data with "users"); ``config``: more
    of the app's settings (UPLOAD_DIR…)."""
    from app import create_app
    from app.cli import upgrade_and_deploy
    from app.demo.people import seed_people
    from app.demo.reference import seed_reference_data
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", **(config or {})})
    ctx = app.app_context()
    ctx.push()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        upgrade_and_deploy()  # the migrations' log lines would bury the figures
    world = seed_reference_data()
    with using_clock(FrozenClock(SEEDED_AT)):
        world["users"] = seed_people(world["orgs"])
    return ctx, world


def add_societies(world, n: int) -> None:
    """``n`` invented societies bench_soc_<i>, each with its applicant bench_applicant_<i>
    (a society applies once a year: one application each)."""
    from app.demo.reference import _org
    from app.extensions import db
    from app.models import RoleAssignment, User
    from workflows.clock import now
    for i in range(n):
        org = _org(f"bench_soc_{i}", f"四川省基准测试第{i}学会", "society", world["orgs"]["province"])
        user = User(username=f"bench_applicant_{i}", display_name=f"测试{i}", created_at=now())
        db.session.add(user)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=user.id, org_id=org.id, role="applicant"))
        world["orgs"][org.code], world["users"][user.username] = org, user
    db.session.commit()
