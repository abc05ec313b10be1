"""Two ``grantflow worker`` processes started at once over the same due deadline timers and
queued 申报书 renders: every timer fires once and every job runs once — the claims are row locks
(FOR UPDATE SKIP LOCKED) and conditional UPDATEs, proven here with real processes."""
from __future__ import annotations

import os
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.demo.materials import with_materials
from app.demo.samples import application_form
from app.extensions import db
from app.models import AuditEvent, Job, StoredDocument
from app.services.documents import documents
from app.services.grant.applications import start_application
from app.services.kechuang.projects import start_project
from tests.factories import submission
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import complete, timers_of
from workflows.clock import system_clock

from .processes import Worker, needs_postgres, wait_for
from .test_worker_killed import LEASE_SECONDS

pytestmark = [pytest.mark.postgres, needs_postgres]
PROJECTS = 8
SOCIETIES = {"soc_smart_mfg": "soc_mfg_applicant", "soc_agri_tech": "soc_agri_applicant"}


def submitted_projects(world) -> list:
    users, orgs = world["users"], world["orgs"]
    projects = []
    for n in range(PROJECTS):
        project = start_project(world["edition"].id, orgs["ent_cloudwise"].id,
                                orgs["city_chengdu"].id, f"柔性装配示范{n + 1}号", "tech_transfer",
                                users["cd_applicant"])
        raw = with_materials(project.instance, users["cd_applicant"], submission())
        complete(users["cd_applicant"], project.instance, "submit_project", raw)
        projects.append(project)
    return projects


def submitted_applications(world) -> list:
    applications = []
    for society, username in SOCIETIES.items():
        user, org = world["users"][username], world["orgs"][society]
        application = start_application(world["grant_call"].id, org.id, user)
        complete(user, application.instance, "declare_eligibility", ELIGIBLE)
        complete(user, application.instance, "submit_application", application_form(org.name))
        applications.append(application)
    return applications


def counted(model, **where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_two_workers_at_once_fire_each_timer_once_and_run_each_job_once(
        ctx, world, upload_dir, tmp_path):
    projects = submitted_projects(world)
    applications = submitted_applications(world)
    due = max(min(t.due_at for t in timers_of(p.instance).values()) for p in projects)
    db.session.commit()
    offset = str(((due + timedelta(days=1)) - system_clock()).total_seconds())
    workers = [Worker(os.environ["TEST_DATABASE_URL"], tmp_path, name, poll=0.2,
                      GRANTFLOW_TEST_CLOCK_OFFSET_SECONDS=offset,
                      GRANTFLOW_UPLOAD_DIR=str(upload_dir),
                      GRANTFLOW_TEST_JOB_LEASE_SECONDS=str(LEASE_SECONDS * 20))
               for name in ("a", "b")]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    try:
        wait_for(lambda: all(counted(AuditEvent, instance_id=p.instance_id, kind="timer")
                             for p in projects)
                 and counted(Job, kind=documents.FREEZE_JOB, status="done") == len(applications),
                 60, "both workers to finish")
        seconds = time.monotonic() - started
        time.sleep(1.0)  # more sweeps and polls of both: nothing more happens
    finally:
        for worker in workers:
            worker.stop()
    logs = [worker.output() for worker in workers]
    for project in projects:
        assert counted(AuditEvent, instance_id=project.instance_id, kind="timer") == 1
    jobs = list(db.session.scalars(sa.select(Job).filter_by(kind=documents.FREEZE_JOB)))
    assert [(job.status, job.attempts) for job in jobs] == [("done", 1)] * len(applications)
    for application in applications:
        assert counted(StoredDocument, instance_id=application.instance_id) == 1
        assert counted(AuditEvent, instance_id=application.instance_id,
                       kind=documents.FROZEN_EVENT) == 1
    fired = [sum(map(int, re.findall(r"fired=(\d+)", log))) for log in logs]
    ran = [sum(map(int, re.findall(r"background jobs: (\d+) run", log))) for log in logs]
    assert sum(fired) == PROJECTS and sum(ran) == len(applications)  # by their own counts too
    print(f"two workers over {PROJECTS} due deadlines and {len(applications)} renders: all done "
          f"once in {seconds:.2f} s (worker start included); timers fired per worker {fired}, "
          f"jobs run per worker {ran}")
