"""The world the permissions matrix is tried in: a 科创项目 of 成都 standing at each of its user
tasks, a 专家团 application standing at each of its user tasks, the demo's people, and three
more invented people the demo has no need of (a 评审专家 never assigned, a 项目管理员 of another
department, an applicant of a society that applied for nothing). Built once per test module
through the same services people use (app/demo/scenario.py), with the clock back at the demo's
2023-12-01 09:00 afterwards so that no deadline falls due while the matrix is tried."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.demo import scenario
from app.demo.people import DEMO_PASSWORD, _hashed, seed_people
from app.demo.reference import _org, seed_reference_data
from app.extensions import db
from app.models import Attachment, GrantApplication, Project, RoleAssignment, Task, User
from app.services.grant.applications import concierges_of
from workflows.clock import FrozenClock
from workflows.dates import SHANGHAI

DEMO_NOW = datetime(2023, 12, 1, 9, tzinfo=SHANGHAI)

# (username, display name, role, org code, org name when the org is invented here) — invented
EXTRA_PEOPLE = [
    ("perm_expert", "钱望舒", "expert", "province", None),
    ("perm_officer", "卢景行", "grant_officer", "dept_innovation", None),
    ("perm_soc_applicant", "岳清和", "applicant", "soc_perm_other", "四川省应急科技学会"),
]

# the 专家团 applications, one per user task (the demo's, and one at 整改复评 the demo lacks):
# society, applicant, the step it stands at, whether it fails its evaluation
GRANT_AT_STEP = (
    [entry for entry in scenario.RANKED_FIRST if entry[2] != "rectify"]
    # re-evaluated after the rectification month: driven before the one at rectify (due earlier)
    + [("soc_bamboo", "soc_bamboo_applicant", "re_evaluate", True),
       next(entry for entry in scenario.RANKED_FIRST if entry[2] == "rectify")]
)


@dataclass
class PermissionWorld:
    world: dict
    projects: dict[str, Project] = field(default_factory=dict)           # step → project
    applications: dict[str, GrantApplication] = field(default_factory=dict)  # step → application

    clock: FrozenClock | None = None

    @contextmanager
    def clock_at(self, moment: datetime):
        """The clock at ``moment`` for a while, then back where it was."""
        before = self.clock()
        self.clock.set(moment)
        try:
            yield
        finally:
            self.clock.set(before)

    @property
    def users(self) -> dict[str, User]:
        return self.world["users"]

    def instance_at(self, process: str, step: str):
        held = self.projects if process == "kechuang" else self.applications
        return held[step].instance

    def task_id(self, process: str, step: str, username: str | None = None) -> str:
        """The open task of ``step``; of a task offered by name, the one of ``username`` when
        there is one (else any of them)."""
        instance = self.instance_at(process, step)
        rows = db.session.scalars(sa.select(Task).filter_by(instance_id=instance.id, task_name=step)
                                  .order_by(Task.id)).all()
        assert rows, f"no open {step} task"
        user = self.users.get(username) if username else None
        mine = [t for t in rows if user is not None and t.candidate_user_id == user.id]
        return (mine or rows)[0].id

    def attachment_of(self, process: str, step: str) -> Attachment | None:
        instance = self.instance_at(process, step)
        return db.session.scalar(sa.select(Attachment).filter_by(instance_id=instance.id)
                                 .order_by(Attachment.id))


def build(clock: FrozenClock) -> PermissionWorld:
    world = seed_reference_data()
    world["users"] = seed_people(world["orgs"])
    _add_extra_people(world)
    built = PermissionWorld(world, clock=clock)
    for society, applicant, until, failing in GRANT_AT_STEP:
        # the ended one's 申报书 frozen by the worker, as the demo does (a stored document)
        built.applications[until] = scenario.drive_application(world, clock, society, applicant,
                                                                until, failing=failing,
                                                                freeze=until == "end")
    for society, applicant, until in scenario.BEFORE_RANKING:
        built.applications[until] = scenario.drive_application(world, clock, society, applicant, until)
    for step in scenario.PROJECT_STEPS:
        clock.set(DEMO_NOW)
        built.projects[step] = scenario.drive_project(world, scenario.DEMO_PROJECT_TITLES[step],
                                                      until=step, materials=True)
    clock.set(DEMO_NOW)
    built.projects["city_recommend_project"] = scenario.drive_county_project(world)
    db.session.commit()
    return built


def _add_extra_people(world) -> None:
    orgs, users = world["orgs"], world["users"]
    for username, name, role, org_code, org_name in EXTRA_PEOPLE:
        if org_name:
            orgs[org_code] = _org(org_code, org_name, "society", orgs["province"])
        user = User(username=username, display_name=name, password_hash=_hashed(DEMO_PASSWORD),
                    created_at=DEMO_NOW)
        db.session.add(user)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=user.id, org_id=orgs[org_code].id, role=role))
        users[username] = user
    db.session.commit()


def society_concierge(application: GrantApplication) -> User | None:
    """The first 科服保姆 account 签订实施协议 opened for the application's society."""
    found = concierges_of(application.society_org_id)
    return found[0] if found else None
