"""Demo scenario: drive invented projects and applications to chosen steps of both processes
through the same services people use (also used by bench/engine.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal


from forms.call_kinds import CALL_KINDS
from workflows.clock import FrozenClock, using_clock
from workflows.clock import now as clock_now
from workflows.dates import SHANGHAI, add_months

from ..extensions import db
from ..models import GrantApplication, GrantCall, Org, Project, User
from ..services.grant.applications import concierges_of, record_kpi, start_application
from ..services.kechuang.projects import record_follow_up, start_project
from ..services.grant.ranking import publish_ranking
from ..services.background.jobs import run_pending_jobs
from ..services.background.timers import fire_due_timers
from . import samples
from .acting import complete, land, place_on_board
from .awards import load_awards
from .crowd import load_crowd
from .materials import with_materials
from .people import seed_people
from .reference import seed_reference_data

PROJECT_STEPS = ("submit_project", "check_exclusions", "recommend_project", "select_project",
                 "pitch_project", "sign_project", "follow_up_project", "end")
GRANT_STEPS = ("declare_eligibility", "submit_application", "formal_review", "assign_reviewers",
               "review_application", "ranking", "conclude_publicity", "finance_confirm_award",
               "issue_approval", "sign_agreement", "disburse_funds", "concierge_service",
               "midterm_check",
               "evaluate_performance", "finance_confirm_evaluation", "end")
# after a failed performance evaluation: rectification, re-evaluation, full refund
FAILED_STEPS = GRANT_STEPS[:GRANT_STEPS.index("finance_confirm_evaluation") + 1] + (
    "rectify", "re_evaluate", "refund", "end")


# invented projects, one standing before each step (the last one has landed)
DEMO_PROJECT_TITLES = {
    "submit_project": "高精度光纤光栅桥梁健康监测系统",
    "check_exclusions": "柔性钙钛矿光伏组件中试技术",
    "recommend_project": "川茶智能化精制生产线",
    "select_project": "高原果蔬冷链保鲜关键技术",
    "pitch_project": "工业机器人视觉引导柔性装配技术",
    "sign_project": "页岩气压裂返排液资源化处理",
    "follow_up_project": "中药材道地性快速检测装置",
    "end": "丘陵山区小型智能农机",
}



def drive_project(world, title: str, until: str = "end", intent: str = "major_roadshow",
                  materials: bool = False) -> Project:
    """A 科创项目 of 成都 through the steps before ``until`` (a step name of PROJECT_STEPS),
    recommended and selected for ``intent`` (the 120 roadshow places run out; showcase doesn't);
    ``materials``: its materials are uploaded PDFs (the demo), not placeholder references."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, "tech_transfer", users["cd_applicant"])
    concierge = users["cd_concierge"]
    sector = {} if intent == "major_roadshow" else {"sector": None}  # only roadshows have one
    actions = {
        "submit_project": (users["cd_applicant"], samples.submission(title=title)),
        "check_exclusions": (users["cd_recommender"], {"exclusion_outcome": "eligible", "violated_rules": []}),
        "recommend_project": (users["cd_recommender"], samples.recommendation(concierge.id, intent=intent, **sector)),
        "select_project": (users["sel_innovation"], samples.selection(bucket=intent, **sector)),
        "pitch_project": (concierge, samples.PITCH),
        "sign_project": (concierge, samples.CONTRACT),
        "follow_up_project": (concierge, samples.LANDED),
    }
    for step in PROJECT_STEPS[:PROJECT_STEPS.index(until)]:
        user, raw = actions[step]
        if step == "follow_up_project":
            land(project, concierge)
            continue
        if step == "select_project":
            place_on_board(project, users, intent, raw.get("sector"))
        if step == "submit_project" and materials:
            raw = with_materials(project.instance, user, raw)
        complete(user, project.instance, step, raw)
    if until == "follow_up_project":  # 跟踪服务 under way: records before the conclusion
        for action, result in FOLLOW_UP_RECORDS:
            record_follow_up(project.id, {"occurred_on": _today(), "action": action,
                                          "result": result}, concierge)
    return project


FOLLOW_UP_RECORDS = (  # invented
    ("电话回访项目方，了解合同履行进度", "首期技术许可费已支付，样机进入试制"),
    ("陪同需求方赴项目方实验室现场考察", "双方商定中试场地与验收指标，约定下月再访"),
)


def _today() -> str:
    """A record of 跟踪服务 is dated no later than today (the demo's clock)."""
    return clock_now().astimezone(SHANGHAI).date().isoformat()


COUNTY_PROJECT_TITLE = "社区养老智能照护终端"  # 区 → 市 → 省: at its city's 遴选推荐


def drive_county_project(world, title: str = COUNTY_PROJECT_TITLE) -> Project:
    """A 科创项目 recommended by 武侯区科协 to 成都市科协, which has its 遴选推荐 to do."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["county_wuhou"].id,
                            title, "tech_transfer", users["cd_applicant"])
    raw = with_materials(project.instance, users["cd_applicant"], samples.submission(title=title))
    complete(users["cd_applicant"], project.instance, "submit_project", raw)
    complete(users["wh_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["wh_recommender"], project.instance, "recommend_project", samples.recommendation(
        users["cd_concierge"].id, intent="showcase", sector=None, reason="区内养老服务需求明确，已在两个社区试用。"))
    return project


RETURNED_PROJECT_TITLE = "高海拔光伏支架抗风加固技术"
RETURN_COMMENT = "成果证明材料缺少盖章页，请补充后重新提交；天府科技云发布编号请与平台核对。"


def drive_returned_project(world, title: str = RETURNED_PROJECT_TITLE) -> Project:
    """A 科创项目 of 成都 that 资格审查 returned with a comment: its applicant has it to redo."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, "tech_transfer", users["cd_applicant"])
    raw = with_materials(project.instance, users["cd_applicant"], samples.submission(title=title))
    complete(users["cd_applicant"], project.instance, "submit_project", raw)
    complete(users["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": RETURN_COMMENT})
    return project


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Timeline:
    """The moments a demo application lives through, from its call's dates."""
    apply: datetime           # started, submitted, reviewed and ranked: 13 days before the deadline
    publicity_over: datetime  # four weeks after the deadline
    midterm: datetime         # the morning after the mid-term date
    period_over: datetime     # the morning after the implementation period
    rectification_over: datetime  # the morning after the rectification month (the samples'
                                  # evaluation notice is dated 10 days after the period)

    @classmethod
    def of(cls, call: GrantCall) -> Timeline:
        notice = call.period_end + timedelta(days=10)
        return cls(at(call.apply_deadline - timedelta(days=13), 10),
                   at(call.apply_deadline + timedelta(days=28)),
                   at(call.midterm_at + timedelta(days=1)), at(call.period_end + timedelta(days=1)),
                   at(add_months(notice, call.rectification_months) + timedelta(days=1)))


@dataclass(frozen=True)
class GrantDrive:
    """One application on its way: who applies, on which timeline, and whether it fails."""
    world: dict
    clock: FrozenClock
    application: GrantApplication
    applicant: User
    timeline: Timeline
    failing: bool  # no KPI achieved: the evaluation fails, rectification fails, refund
    freeze: bool = False  # run the worker's jobs right after the submission (the demo's timing)

    @property
    def steps(self) -> tuple[str, ...]:
        steps = FAILED_STEPS if self.failing else GRANT_STEPS
        if self.has_concierges:
            return steps
        return tuple(step for step in steps if step != "concierge_service")

    @property
    def has_concierges(self) -> bool:
        return CALL_KINDS[self.application.call.kind].wording.concierges

    def actor(self, role: str) -> User:
        if role == "concierge":  # the accounts 签订实施协议 opened for the society
            return concierges_of(self.application.society_org_id)[0]
        return self.applicant if role == "applicant" else self.world["users"][role]


def drive_application(world, clock: FrozenClock, society: str, applicant: str, until: str = "end",
                      *, call: GrantCall | None = None, failing: bool = False,
                      freeze: bool = False) -> GrantApplication:
    """A 专家团 application of ``society`` to ``call`` (the 2024 one by default) through the
    steps before ``until`` (a step of GRANT_STEPS, or of FAILED_STEPS when ``failing``), then
    the timers that open ``until``."""
    drive = start_drive(world, clock, society, applicant, call or world["grant_call"], failing, freeze)
    for step in drive.steps[:drive.steps.index(until)]:
        _let_time_pass(drive, step)
        _grant_step(drive, step)
    _let_time_pass(drive, until)
    return drive.application


def start_drive(world, clock, society: str, applicant: str, call: GrantCall,
                failing: bool = False, freeze: bool = False) -> GrantDrive:
    timeline = Timeline.of(call)
    clock.set(timeline.apply)
    user = world["users"][applicant]
    application = start_application(call.id, world["orgs"][society].id, user)
    return GrantDrive(world, clock, application, user, timeline, failing, freeze)


def _let_time_pass(drive: GrantDrive, step: str) -> None:
    """Move the clock until ``step`` is open and fire the due timers — of every instance."""
    moments = {"conclude_publicity": drive.timeline.publicity_over,
               "midterm_check": drive.timeline.midterm, "evaluate_performance": drive.timeline.period_over,
               # re-evaluated after the month: a failed 复评 then opens the refund
               "re_evaluate": drive.timeline.rectification_over}
    if step == "midterm_check" and not drive.failing:
        _achieve_every_kpi(drive)
    if step in moments:
        drive.clock.set(moments[step])
        fire_due_timers()


def _achieve_every_kpi(drive: GrantDrive) -> None:
    call = drive.application.call
    for row in call.kpi_targets:
        for raw in _kpi_entries(call, row):
            record_kpi(drive.application.id, raw, drive.applicant)


def _kpi_entries(call: GrantCall, row: dict) -> list[dict]:
    """The entries meeting one target: a “科创中国” call's confirmed on its platform, a written
    deliverable one piece an entry with enough words."""
    raw = {"kpi_code": row["code"], "quantity": row["target"], "occurred_on": f"{call.year}-08-01",
           "description": "平台数据"}
    if call.kind != "expert_team":
        raw["platform_ref"] = f"KCZG-{call.year}-{row['code']}"
    if not row.get("min_words"):
        return [raw]
    pieces = int(Decimal(str(row["target"])))
    return [{**raw, "quantity": "1", "word_count": int(row["min_words"]) + 800,
             "platform_ref": f"{raw.get('platform_ref', '')}-{n + 1}"} for n in range(pieces)]


def _grant_step(drive: GrantDrive, step: str) -> None:
    application, users = drive.application, drive.world["users"]
    if step == "submit_application":
        complete(drive.applicant, application.instance, step, _application_form(application))
        if drive.freeze:
            run_pending_jobs()  # a worker freezes the 申报书 moments after the submission
    elif step == "assign_reviewers":
        complete(users["grant_officer"], application.instance, step,
                 {"reviewers": [users[n].id for n in samples.REVIEWERS]})
    elif step == "review_application":
        for name in samples.REVIEWERS:
            complete(users[name], application.instance, step, samples.review())
    elif step == "ranking":
        publish_ranking(application.call_id, {application.id: "80"}, users["grant_officer"])
    else:
        inputs = {**samples.GRANT_TASK_INPUTS, **(samples.FAILED_PATH_INPUTS if drive.failing else {})}
        role, raw = inputs[step]
        if step == "sign_agreement" and not drive.has_concierges:
            raw = {name: value for name, value in raw.items() if name != "concierges"}
        complete(drive.actor(role), application.instance, step, raw)


def _application_form(application: GrantApplication) -> dict:
    """The sample 申报书 of the call's kind."""
    society, call = db.session.get(Org, application.society_org_id), application.call
    if call.kind == "service_team":
        return samples.service_team_form(society.name, call.year, call.kpi_targets)
    if call.kind != "expert_team":
        return samples.brand_event_form(society.name, call.year, call.kind)
    form = samples.application_form(society.name, year=call.year)
    form["cover"]["project_name"] = f"{society.name}{call.year}年度专家团“深耕”赋能"
    return form


def drive_ineligible(world, clock: FrozenClock, society: str, applicant: str) -> GrantApplication:
    """An application that ends at once: the society's last annual inspection failed."""
    drive = start_drive(world, clock, society, applicant, world["grant_call"])
    complete(drive.applicant, drive.application.instance, "declare_eligibility", samples.INELIGIBLE)
    return drive.application


def drive_reserve_call(world, clock: FrozenClock, call: GrantCall, entries,
                       freeze: bool = False) -> list[GrantApplication]:
    """One more application than ``call`` funds, ranked together: the last (lowest platform
    score) waits as a reserve (候补) while the others are in publicity."""
    applications = [drive_application(world, clock, society, applicant, "ranking", call=call,
                                      freeze=freeze) for society, applicant in entries]
    scores = {a.id: str(95 - 5 * n) for n, a in enumerate(applications)}
    publish_ranking(call.id, scores, world["users"]["grant_officer"])
    return applications


# (society, applicant, stands at, failing) — each is ranked on its own before the next starts,
# and none waits for a timer the later clock moves would fire: the one at refund (re-evaluated
# after the rectification month, 2025-02-11) comes before the one at rectify (due 2025-02-10).
RANKED_FIRST = [
    ("soc_new_materials", "soc_mat_applicant", "end", False),
    ("soc_bio_health", "soc_bio_applicant", "evaluate_performance", False),
    ("soc_photonics", "soc_photonics_applicant", "finance_confirm_evaluation", False),
    ("soc_energy", "soc_energy_applicant", "midterm_check", False),
    ("soc_textile", "soc_textile_applicant", "concierge_service", False),
    ("soc_smart_agri", "soc_smartagri_applicant", "disburse_funds", False),
    ("soc_mountain_eco", "soc_eco_applicant", "sign_agreement", False),
    ("soc_tea_science", "soc_tea_applicant", "issue_approval", False),
    ("soc_food_safety", "soc_food_applicant", "finance_confirm_award", False),
    ("soc_digital_culture", "soc_culture_applicant", "conclude_publicity", False),
    ("soc_drone", "soc_drone_applicant", "refund", True),
    ("soc_hydrogen", "soc_h2_applicant", "rectify", True),
]
# driven last, at 2024-03-20, with no timer fired after them (submit_application's deadline
# timer would close it); "ranking" waits for a ranking that the open reviews hold back.
BEFORE_RANKING = [
    ("soc_geo_hazard", "soc_geo_applicant", "ranking"),
    ("soc_agri_tech", "soc_agri_applicant", "review_application"),
    ("soc_smart_water", "soc_water_applicant", "assign_reviewers"),
    ("soc_rare_metals", "soc_metals_applicant", "formal_review"),
    ("soc_smart_mfg", "soc_mfg_applicant", "submit_application"),
    ("soc_rehab", "soc_rehab_applicant", "declare_eligibility"),
]
# a 2023 科技服务团 call funds 3 and keeps 1 reserve: four societies apply
RESERVE_CALL = "professional_service_team"
RESERVE_ENTRIES = [("soc_smart_mfg", "soc_mfg_applicant"), ("soc_agri_tech", "soc_agri_applicant"),
                   ("soc_new_materials", "soc_mat_applicant"), ("soc_bio_health", "soc_bio_applicant")]


def load_demo(projects_per_city: int = 2) -> dict:
    """Reference data, invented people, and instances standing at every step of both processes;
    then the crowd (demo/crowd.py): ``projects_per_city`` 科创项目 of the 3rd edition in every 市州
    and half as many of a 2nd edition that has run its course."""
    world = seed_reference_data()
    clock = FrozenClock(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
    with using_clock(clock):
        world["users"] = seed_people(world["orgs"])
        load_grants(world, clock)
        run_pending_jobs()  # the submitted 申报书 are frozen by jobs, as a worker would
        # projects last: the grants moved the clock past the 科创会 deadlines, and no timer is
        # fired after them
        for step in PROJECT_STEPS:
            clock.set(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
            drive_project(world, DEMO_PROJECT_TITLES[step], until=step, materials=True)
        drive_county_project(world)
        drive_returned_project(world)
        world["crowd"] = load_crowd(world, clock, projects_per_city)
        load_awards(world["users"])  # the 3rd edition's 评选表扬 round, ranked on the crowd's records
    return world


def load_grants(world, clock: FrozenClock) -> None:
    """专家团 applications at every step — ranked ones first: a call is ranked only once none of
    its applications is still before ranking, and their clock moves fire every due timer."""
    for society, applicant, until, failing in RANKED_FIRST:
        drive_application(world, clock, society, applicant, until, failing=failing, freeze=True)
    drive_ineligible(world, clock, "soc_bamboo", "soc_bamboo_applicant")
    reserve_call = next(c for c in world["service_calls"] if c.program_code == RESERVE_CALL)
    drive_reserve_call(world, clock, reserve_call, RESERVE_ENTRIES, freeze=True)
    for society, applicant, until in BEFORE_RANKING:
        drive_application(world, clock, society, applicant, until, freeze=True)
