"""Demo scenario: drive invented projects and applications to chosen steps of both processes
through the same services people use (also used by bench/engine.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI

from ..extensions import db
from ..models import GrantApplication, ProcessInstance, Project, Task
from ..services.grants import record_kpi, start_application
from ..services.instances import complete_task
from ..services.projects import record_follow_up, start_project
from ..services.ranking import publish_ranking
from ..services.timers import fire_due_timers
from . import samples
from .people import DEMO_PASSWORD, seed_people
from .reference import seed_reference_data

PROJECT_STEPS = ("submit_project", "check_exclusions", "recommend_project", "select_project",
                 "pitch_project", "sign_project", "follow_up_project", "end")
GRANT_STEPS = ("declare_eligibility", "submit_application", "formal_review", "assign_reviewers",
               "review_application", "ranking", "conclude_publicity", "issue_approval",
               "sign_agreement", "disburse_funds", "midterm_check", "evaluate_performance",
               "end")


def complete(user, instance, task_name: str, raw: dict) -> None:
    query = sa.select(Task.id).filter_by(instance_id=instance.id, task_name=task_name)
    query = query.where(sa.or_(Task.candidate_user_id == user.id, Task.candidate_user_id.is_(None)))
    complete_task(db.session.scalars(query).first(), raw, user)


SELECTORS = {"opening": "sel_innovation", "major_roadshow": "sel_societies",
             "showcase": "sel_popularisation"}


def drive_project(world, title: str, until: str = "end", intent: str = "major_roadshow") -> Project:
    """A 科创项目 of 成都 through the steps before ``until`` (a step name of PROJECT_STEPS),
    recommended and selected for ``intent`` (the 120 roadshow places run out; showcase doesn't)."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, "tech_transfer", users["cd_applicant"])
    concierge = users["cd_concierge"]
    sector = {} if intent == "major_roadshow" else {"sector": None}  # only roadshows have one
    actions = {
        "submit_project": (users["cd_applicant"], samples.submission(title=title)),
        "check_exclusions": (users["cd_recommender"], {"exclusion_outcome": "eligible", "violated_rules": []}),
        "recommend_project": (users["cd_recommender"], samples.recommendation(concierge.id, intent=intent, **sector)),
        "select_project": (users[SELECTORS[intent]], samples.selection(bucket=intent, **sector)),
        "pitch_project": (concierge, samples.PITCH),
        "sign_project": (concierge, samples.CONTRACT),
        "follow_up_project": (concierge, {"follow_up_outcome": "landed", "landed_on": "2024-06-30",
                                          "landing_evidence": "技术许可合同已履行，产线投产。"}),
    }
    for step in PROJECT_STEPS[:PROJECT_STEPS.index(until)]:
        if step == "follow_up_project":
            record_follow_up(project.id, {"occurred_on": "2024-03-01", "action": "走访需求方",
                                          "result": "确定中试场地"}, concierge)
        user, raw = actions[step]
        complete(user, project.instance, step, raw)
    return project


def drive_application(world, clock: FrozenClock, society: str, applicant: str,
                      until: str = "end") -> GrantApplication:
    """A 专家团 application through the steps before ``until`` (a step name of GRANT_STEPS)."""
    users, call = world["users"], world["grant_call"]
    clock.set(datetime(2024, 3, 20, 10, tzinfo=SHANGHAI))
    application = start_application(call.id, world["orgs"][society].id, users[applicant])
    officer, steps = users["grant_officer"], GRANT_STEPS[:GRANT_STEPS.index(until)]
    for step in steps:
        _grant_step(step, world, clock, application, users[applicant], officer)
    return application


def _grant_step(step, world, clock, application, applicant, officer) -> None:
    users, instance = world["users"], application.instance
    society_name = db.session.get(type(world["orgs"]["province"]), application.society_org_id).name
    if step == "declare_eligibility":
        complete(applicant, instance, step, {"inspection_previous": "合格", "inspection_last": "合格",
                                             "penalized": False, "notified": False})
    elif step == "submit_application":
        complete(applicant, instance, step, samples.application_form(society_name))
    elif step == "formal_review":
        complete(officer, instance, step, samples.FORMAL_REVIEW_ACCEPTED)
    elif step == "assign_reviewers":
        complete(officer, instance, step, {"reviewers": [users[n].id for n in samples.REVIEWERS]})
    elif step == "review_application":
        for name in samples.REVIEWERS:
            complete(users[name], instance, step, samples.review())
    elif step == "ranking":
        publish_ranking(application.call_id, {application.id: "80"}, officer)
        clock.set(datetime(2024, 4, 30, 9, tzinfo=SHANGHAI))
        fire_due_timers()
    elif step == "midterm_check":
        for code, quantity in samples.KPI_ACHIEVED.items():
            record_kpi(application.id, {"kpi_code": code, "quantity": quantity,
                                        "occurred_on": "2024-08-01", "description": "平台数据"}, applicant)
        clock.set(datetime(2024, 9, 1, 9, tzinfo=SHANGHAI))
        fire_due_timers()
        complete(officer, instance, step, samples.MIDTERM)
        clock.set(datetime(2025, 1, 1, 9, tzinfo=SHANGHAI))
        fire_due_timers()
    elif step in samples.GRANT_TASK_INPUTS:
        role, raw = samples.GRANT_TASK_INPUTS[step]
        complete(applicant if role == "applicant" else users[role], instance, step, raw)


def load_demo() -> dict:
    """Reference data, invented people, and instances standing at every step of both paths."""
    world = seed_reference_data()
    clock = FrozenClock(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
    with using_clock(clock):
        world["users"] = seed_people(world["orgs"])
        # the finished one first: a call is ranked only once no application is still in review
        for society, applicant, until in (("soc_new_materials", "soc_mat_applicant", "end"),
                                          ("soc_agri_tech", "soc_agri_applicant", "review_application"),
                                          ("soc_smart_mfg", "soc_mfg_applicant", "submit_application")):
            drive_application(world, clock, society, applicant, until=until)
        # projects last: the grant path moved the clock past the 科创会 deadlines
        for step in PROJECT_STEPS:
            clock.set(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
            drive_project(world, f"示例项目（停在{step}）", until=step)
    return world


def print_summary(world) -> None:
    rows = db.session.execute(sa.select(ProcessInstance.process_key, ProcessInstance.title,
                                        ProcessInstance.status, ProcessInstance.current_step,
                                        ProcessInstance.outcome).order_by(ProcessInstance.id)).all()
    print(f"\n演示数据已载入：{len(rows)} 个流程实例")
    for key, title, status, step, outcome in rows:
        print(f"  [{key}] {title}: {outcome or step}")
    print(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, user in world["users"].items():
        roles = "、".join(f"{r.org.name}/{r.role}" for r in user.roles)
        print(f"  {username:<20} {user.display_name}  {roles}")
