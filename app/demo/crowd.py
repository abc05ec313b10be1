"""The demo's crowd: several hundred invented 科创项目 over the 21 市州, so that the selection
board, the quota counters and the leaders' charts have something to show.

Two editions: the 2nd 科创会 (2022, invented dates) has run its whole course — recommended,
selected, pitched, signed, followed up, some landed — and the 3rd (seed 000) stands where
the demo's clock stands, at 2023-12-01: projects submitted, checked and recommended, waiting
in the province's selection pool. Everything goes through the services people use; names of
units, people and projects are invented combinations (no personal data from the seeds).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from forms.choices import EXCLUSION_RULES, EXCLUSIONS_BY_TYPE, label_of
from workflows.clock import FrozenClock
from workflows.dates import SHANGHAI

from ..extensions import db
from ..models import ConferenceEdition, Org, RoleAssignment, Task, User
from ..services.kechuang.projects import record_follow_up, start_project
from ..services.kechuang.selection import mark_admission, mark_placement, publish_selection
from ..services.shared.errors import Conflict
from . import samples
from .acting import SELECTORS, complete
from .materials import with_materials
from .people import _hashed, DEMO_PASSWORD
from .reference import CITIES, _org

SEED = 20231201  # the crowd is the same on every load

# ---- invented vocabulary -------------------------------------------------------------------

SECTOR_SUBJECTS = {
    "electronics_equipment": ("工业机器人", "数控机床", "光纤传感", "智能电网", "北斗导航终端",
                              "工业无人机", "芯片封装", "激光加工", "边缘计算网关", "精密减速器"),
    "food_textile_energy_chem": ("复合调味料", "固态白酒酿造", "茶饮料", "天然气净化", "页岩气压裂",
                                 "锂盐提取", "生物降解纤维", "丝绸印染", "氢燃料电池", "光伏组件"),
    "materials_health": ("钒钛合金", "石墨烯导热膜", "稀土永磁", "医用钛合金", "中药配方颗粒",
                         "靶向给药", "康复外骨骼", "体外诊断试剂", "医用敷料", "碳纤维复合材料"),
    "modern_agriculture": ("晚熟柑橘", "红心猕猴桃", "名优绿茶", "生猪健康养殖", "再生稻",
                           "高油酸油菜", "青花椒", "珍稀食用菌", "道地中药材", "高原牦牛"),
}
TYPE_ENDINGS = {
    "tech_transfer": ("关键技术成果转化", "新工艺产业化", "核心部件国产化", "高效制备技术"),
    "tech_promotion": ("智能化生产线推广", "节能降耗技术推广", "数字化管理系统推广", "标准化种养技术推广"),
    "tech_challenge": ("质量稳定性难题攻关", "低成本制备难题攻关", "废弃物资源化难题攻关", "检测精度难题攻关"),
    "finance_product": ("知识产权质押贷", "投贷联动产品", "成果转化风险补偿产品", "科技保险产品"),
}
FIRM_WORDS = ("华川", "蜀源", "锦程", "岷江", "巴渝", "峨岭", "青城", "嘉陵", "雅砻", "沱江",
              "涪川", "凌云", "天全", "安澜")
FIRM_TRADES = ("智能装备", "新材料", "生物科技", "农业科技", "能源科技", "食品", "电子科技")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("子涵", "思远", "嘉怡", "浩然", "雨桐", "明轩", "若曦", "俊杰", "欣然", "志强", "文静",
         "博文", "晓峰", "诗涵", "宇航", "静怡", "睿哲", "安琪", "景行", "书宁")
PARTIES = ("某装备制造集团", "某农业产业化龙头企业", "某医药股份公司", "某新能源有限公司",
           "某食品集团", "某产业投资基金", "某科技支行")

TYPES = (("tech_transfer", 35), ("tech_promotion", 30), ("tech_challenge", 30), ("finance_product", 5))
INTENTS = (("opening", 10), ("major_roadshow", 45), ("showcase", 45))


@dataclass
class CityCrew:
    """Who acts for one 市州 in the demo: its units (with their applicants), its recommender
    and its 科服保姆."""
    city: Org
    units: list[tuple[Org, User]]
    recommender: User
    concierges: list[User]


@dataclass
class Crowd:
    rng: random.Random
    world: dict
    crews: list[CityCrew]
    titles: set

    def pick(self, weighted) -> str:
        codes, weights = zip(*weighted)
        return self.rng.choices(codes, weights)[0]

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def title(self, sector: str, project_type: str) -> str:
        for _ in range(50):
            title = self.rng.choice(SECTOR_SUBJECTS[sector]) + self.rng.choice(TYPE_ENDINGS[project_type])
            if title not in self.titles:
                break
        else:
            title = f"{title}（{len(self.titles) + 1}）"
        self.titles.add(title)
        return title


# ---- people and units ----------------------------------------------------------------------

def _user(username: str, name: str, roles: list[tuple[str, Org]]) -> User:
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    if user is None:
        user = User(username=username, display_name=name, password_hash=_hashed(DEMO_PASSWORD),
                    created_at=datetime(2023, 9, 1, tzinfo=SHANGHAI))
        db.session.add(user)
        db.session.flush()
        for role, org in roles:
            db.session.add(RoleAssignment(user_id=user.id, org_id=org.id, role=role))
    return user


def _holder(role: str, org: Org) -> User | None:
    return db.session.scalar(sa.select(User).join(RoleAssignment).where(
        RoleAssignment.role == role, RoleAssignment.org_id == org.id).order_by(User.id).limit(1))


def _city_crew(crowd: Crowd, code: str, name: str) -> CityCrew:
    city = crowd.world["orgs"][f"city_{code}"]
    units = []
    for n in range(3):
        trade = FIRM_TRADES[(len(code) + n) % len(FIRM_TRADES)]
        word = FIRM_WORDS[(sum(map(ord, code)) + n) % len(FIRM_WORDS)]
        unit_name = (f"{name}{word}{trade}有限公司" if n < 2 else f"{name}{word}产业技术研究院")
        unit = _org(f"crowd_{code}_{n}", unit_name, "member_unit", city=city)
        units.append((unit, _user(f"{code}_unit{n}", crowd.person(), [("applicant", unit)])))
    recommender = _holder("recommender", city) or _user(
        f"{code}_recommender", crowd.person(), [("recommender", city)])
    concierges = [_user(f"{code}_nanny{n}", crowd.person(), [("concierge", city)]) for n in range(2)]
    return CityCrew(city, units, recommender, concierges)


# ---- the 2nd 科创会 (invented dates: it is over by the demo's clock) --------------------------

def seed_second_conference(third: ConferenceEdition) -> ConferenceEdition:
    existing = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=2))
    if existing:
        return existing
    edition = ConferenceEdition(
        number=2, year=2022, name="第二届科创中国·天府科技云服务大会",
        submit_deadline=date(2022, 12, 9), recommend_deadline=date(2022, 12, 9),
        select_deadline=date(2022, 12, 16), conference_start=date(2023, 1, 10),
        conference_end=date(2023, 1, 11), follow_up_until=date(2023, 12, 31),
        quotas=dict(third.quotas), sectors=list(third.sectors),
        selection_departments=dict(third.selection_departments))
    db.session.add(edition)
    db.session.commit()
    return edition


# ---- driving one project -------------------------------------------------------------------

def _submit(crowd: Crowd, edition: ConferenceEdition, crew: CityCrew, serial: str):
    unit, applicant = crowd.rng.choice(crew.units)
    project_type = crowd.pick(TYPES)
    sector = crowd.rng.choice(edition.sectors)
    title = crowd.title(sector, project_type)
    project = start_project(edition.id, unit.id, crew.city.id, title, project_type, applicant)
    return project, applicant, sector


def _submission(crowd, project, unit_name, sector, serial) -> dict:
    raw = samples.submission(title=project.title, project_type=project.project_type,
                             owner_unit=unit_name, sector=sector,
                             platform_listing_id=f"TFKJY-{serial}",
                             contact_name=crowd.person(), contact_phone=f"139{serial[-8:]}")
    if project.project_type in ("tech_challenge", "finance_product"):
        raw.pop("proof_ref")
    if "tech_level" in raw:
        raw["tech_level"] = crowd.rng.choice(("domestic_leading", "international_advanced", "other"))
    if "maturity" in raw:
        raw["maturity"] = crowd.rng.choice(("pilot_done", "early_industrialisation", "other"))
        raw["provincial_award"] = crowd.rng.random() < 0.3
    return raw


def _intent(crowd: Crowd, project_type: str) -> str:
    intent = crowd.pick(INTENTS)
    return "showcase" if intent == "opening" and project_type == "finance_product" else intent


def _recommendation(crowd, crew, project, sector, intent, rank) -> dict:
    raw = samples.recommendation(crowd.rng.choice(crew.concierges).id, intent=intent, rank=rank,
                                 reason="技术成熟、需求明确，具备现场对接条件。")
    raw["sector"] = sector if intent == "major_roadshow" else None
    return raw


def drive_to_pool(crowd: Crowd, edition: ConferenceEdition, crew: CityCrew, serial: str,
                  rank: int, stage: str):
    """One project of ``crew``'s city through the steps before ``stage``: "submit_project",
    "check_exclusions", "excluded", "recommend_project", "not_recommended" or "select_project"
    (recommended: waiting in the province's pool). Returns the project and its 推介意向."""
    project, applicant, sector = _submit(crowd, edition, crew, serial)
    unit_name = db.session.get(Org, project.owner_org_id).name
    if stage == "submit_project":
        return project, None
    raw = _submission(crowd, project, unit_name, sector, serial)
    complete(applicant, project.instance, "submit_project", with_materials(project.instance, applicant, raw))
    if stage == "check_exclusions":
        return project, None
    if stage == "excluded":  # the type's second rule: 已经大面积推广 / 已攻克 / materials
        rule = EXCLUSIONS_BY_TYPE[project.project_type][1]
        complete(crew.recommender, project.instance, "check_exclusions",
                 {"exclusion_outcome": "excluded", "violated_rules": [rule],
                  "comment": f"经审查：{label_of(EXCLUSION_RULES, rule)}。"})
        return project, None
    complete(crew.recommender, project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    if stage == "recommend_project":
        return project, None
    if stage == "not_recommended":
        complete(crew.recommender, project.instance, "recommend_project",
                 {"recommend_outcome": "not_recommended", "reason": "本年度需求方尚不明确，转常年服务。"})
        return project, None
    intent = _intent(crowd, project.project_type)
    complete(crew.recommender, project.instance, "recommend_project",
             _recommendation(crowd, crew, project, sector, intent, rank))
    return project, intent


# ---- the editions --------------------------------------------------------------------------

# where the 3rd edition's projects stand (weights): most wait in the province's pool
CURRENT_STAGES = (("submit_project", 5), ("check_exclusions", 6), ("excluded", 3),
                  ("recommend_project", 6), ("not_recommended", 3), ("select_project", 77))


def load_current_edition(crowd: Crowd, edition: ConferenceEdition, clock: FrozenClock,
                         per_city: int) -> list:
    clock.set(datetime(2023, 12, 1, 9, tzinfo=SHANGHAI))
    pool = []
    for c, crew in enumerate(crowd.crews):
        for n in range(per_city):
            stage = crowd.pick(CURRENT_STAGES)
            project, intent = drive_to_pool(crowd, edition, crew, f"2023{c:02d}{n:04d}", n + 1, stage)
            if intent:
                pool.append((project, intent))
    return pool


def load_past_edition(crowd: Crowd, edition: ConferenceEdition, clock: FrozenClock,
                      per_city: int) -> list:
    """The 2nd edition from submission to landing: every project recommended, then selected
    within its quotas, pitched at the conference, signed or not, followed up."""
    clock.set(datetime(2022, 11, 21, 9, tzinfo=SHANGHAI))
    pool = []
    for c, crew in enumerate(crowd.crews):
        for n in range(per_city):
            project, intent = drive_to_pool(crowd, edition, crew, f"2022{c:02d}{n:04d}", n + 1,
                                            "select_project")
            pool.append((project, intent, crew))
    clock.set(datetime(2022, 12, 14, 9, tzinfo=SHANGHAI))
    selected = select_past(crowd, edition, pool)
    clock.set(datetime(2023, 1, 10, 14, tzinfo=SHANGHAI))
    for project, crew, bucket in selected:
        pitch_and_sign(crowd, project, crew, bucket)
    clock.set(datetime(2023, 6, 30, 9, tzinfo=SHANGHAI))
    for project, crew, _ in selected:
        follow_up(crowd, project, crew)
    return selected


def select_past(crowd: Crowd, edition: ConferenceEdition, pool) -> list:
    """遴选 of the 2nd edition on the board: 创发部 admits seven in eight, each department places
    what its quotas allow (a refused placement stays at 集中推介洽谈), then 创发部 publishes."""
    users = crowd.world["users"]
    admitted = [(project, intent, crew) for project, intent, crew in pool
                if crowd.rng.random() >= 0.125]
    mark_admission([project.id for project, _, _ in admitted], True, users["sel_innovation"])
    for project, intent, _ in admitted:
        if intent == "showcase" and crowd.rng.random() < 0.4:
            continue  # 科普部 leaves it to the 集中推介洽谈 sessions
        try:
            mark_placement(project.id, intent, project.sector if intent == "major_roadshow" else None,
                           users[SELECTORS[intent]])
        except Conflict:  # that bucket is full
            pass
    publish_selection(edition.id, users["sel_innovation"], confirm_short=True)
    return [(project, crew, project.bucket) for project, _, crew in admitted]


def mark_current(crowd: Crowd, pool) -> None:
    """The 3rd edition's board at 12-01: 创发部 has admitted about half of the pool so far and
    the departments have placed some of those."""
    users = crowd.world["users"]
    admitted = [(project, intent) for project, intent in pool if crowd.rng.random() < 0.5]
    mark_admission([project.id for project, _ in admitted], True, users["sel_innovation"])
    for project, intent in admitted:
        if crowd.rng.random() < 0.5:
            try:
                mark_placement(project.id, intent,
                               project.sector if intent == "major_roadshow" else None,
                               users[SELECTORS[intent]])
            except Conflict:
                pass


SECTOR_SESSIONS = {"electronics_equipment": "电子信息和装备制造专场",
                   "food_textile_energy_chem": "食品轻纺和能源化工专场",
                   "materials_health": "先进材料和医药健康专场",
                   "modern_agriculture": "现代农业（乡村振兴）专场"}


def _session(crowd: Crowd, project, bucket: str) -> str:
    if bucket == "opening":
        return "开幕式重大科创项目发布"
    if bucket == "major_roadshow":
        return SECTOR_SESSIONS[project.sector]
    if bucket == "showcase":
        return "重点科创项目集中展推区"
    return f"第{crowd.rng.randint(1, 10)}推介洽谈区"


def pitch_and_sign(crowd: Crowd, project, crew: CityCrew, bucket: str) -> None:
    concierge = _concierge_of(project, crew)
    parties = [{"name": crowd.rng.choice(PARTIES), "party_type": "demand_side"}
               for _ in range(crowd.rng.randint(1, 3))]
    if crowd.rng.random() < 0.3:
        parties.append({"name": "某产业投资基金", "party_type": "finance_institution"})
    complete(concierge, project.instance, "pitch_project", {
        "session": _session(crowd, project, bucket), "pitched_at": "2023-01-10T14:30:00+08:00",
        "expert_name": crowd.person(), "expert_comment": "技术路线清晰，建议加快与需求方对接。",
        "negotiation_parties": parties})
    roll = crowd.rng.random()
    if roll < 0.3:
        raw = {"sign_outcome": "contract", "counterparty": parties[0]["name"],
               "amount_wan": str(crowd.rng.randint(20, 800)),
               "contract_kind": crowd.rng.choice(("transfer", "license", "joint_development",
                                                  "equity_investment")),
               "signed_on": "2023-01-11"}
    elif roll < 0.65:
        raw = {"sign_outcome": "intent", "counterparty": parties[0]["name"], "signed_on": "2023-01-11"}
    else:
        raw = {"sign_outcome": "none", "note": "会后继续跟踪对接。"}
    complete(concierge, project.instance, "sign_project", raw)


def follow_up(crowd: Crowd, project, crew: CityCrew) -> None:
    """One to three 一单一策 records; a contract lands more often than an intent."""
    concierge = _concierge_of(project, crew)
    for month in range(crowd.rng.randint(1, 3)):
        record_follow_up(project.id, {"occurred_on": f"2023-0{month + 2}-15", "action": "走访供需双方",
                                      "result": "推动合同履行与中试场地落实"}, concierge)
    chance = {"contract": 0.6, "intent": 0.25}.get(project.sign_outcome, 0.05)
    roll = crowd.rng.random()
    if roll < chance:
        complete(concierge, project.instance, "follow_up_project", {
            "follow_up_outcome": "landed", "landed_on": "2023-06-28",
            "landing_evidence": "合同已履行，产品进入批量生产。"})
    elif roll > 0.92:
        complete(concierge, project.instance, "follow_up_project", {
            "follow_up_outcome": "closed", "close_reason": "需求方调整投资计划，终止合作。"})


def _concierge_of(project, crew: CityCrew) -> User:
    """The 科服保姆 the recommender assigned: the one the project's open task is offered to."""
    user_id = db.session.scalar(sa.select(Task.candidate_user_id).filter_by(
        instance_id=project.instance_id).limit(1))
    return next(c for c in crew.concierges if c.id == user_id)


def load_crowd(world: dict, clock: FrozenClock, per_city: int) -> dict:
    """``per_city`` projects of the 3rd edition in every 市州 (most waiting for 遴选) and half as
    many of the 2nd edition run to their end."""
    crowd = Crowd(random.Random(SEED), world, [], set())
    crowd.crews = [_city_crew(crowd, code, name) for code, name in CITIES]
    db.session.commit()
    past = seed_second_conference(world["edition"])
    past_per_city = max(1, per_city // 2)
    selected = load_past_edition(crowd, past, clock, past_per_city)
    pool = load_current_edition(crowd, world["edition"], clock, per_city)
    mark_current(crowd, pool)
    return {"current_edition": world["edition"].name, "current": per_city * len(crowd.crews),
            "pool": len(pool), "past_edition": past.name, "past": past_per_city * len(crowd.crews),
            "past_selected": len(selected),
            "past_signed": sum(1 for p, _, _ in selected if p.sign_outcome in ("intent", "contract")),
            "past_landed": sum(1 for p, _, _ in selected if p.outcome == "landed")}
