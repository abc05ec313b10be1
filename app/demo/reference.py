"""Reference data that every installation starts from: the province's organisations and the
calls of the seed documents (3rd 科创会, 2024 专家团, 2023 科技服务团 programs) — as rows."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from ..models import ConferenceEdition, GrantCall, Holiday, Org

CITIES = [
    ("chengdu", "成都"), ("zigong", "自贡"), ("panzhihua", "攀枝花"), ("luzhou", "泸州"),
    ("deyang", "德阳"), ("mianyang", "绵阳"), ("guangyuan", "广元"), ("suining", "遂宁"),
    ("neijiang", "内江"), ("leshan", "乐山"), ("nanchong", "南充"), ("meishan", "眉山"),
    ("yibin", "宜宾"), ("guangan", "广安"), ("dazhou", "达州"), ("yaan", "雅安"),
    ("bazhong", "巴中"), ("ziyang", "资阳"), ("aba", "阿坝州"), ("ganzi", "甘孜州"),
    ("liangshan", "凉山州"),
]
AUTONOMOUS_PREFECTURES = {"aba", "ganzi", "liangshan"}  # 自治州: 阿坝州科学技术协会, no 市
# 县（市、区）科协 (seed 004's 区科协 level): a few per 市州 — public geography, invented as orgs.
COUNTIES = {
    "chengdu": [("wuhou", "成都市武侯区"), ("pidu", "成都市郫都区"), ("jianyang", "简阳市")],
    "mianyang": [("fucheng", "绵阳市涪城区"), ("jiangyou", "江油市")],
    "bazhong": [("bazhou", "巴中市巴州区"), ("enyang", "巴中市恩阳区"), ("pingchang", "平昌县")],
    "deyang": [("jingyang", "德阳市旌阳区"), ("guanghan", "广汉市")],
    "nanchong": [("shunqing", "南充市顺庆区"), ("langzhong", "阆中市")],
}
DEPARTMENTS = [("dept_innovation", "创新发展部（创发部）"), ("dept_societies", "学会学术部（学会部）"),
               ("dept_popularisation", "科学普及部（科普部）"), ("dept_publicity", "调研宣传部（调宣部）"),
               ("dept_office", "办公室")]
SOCIETIES = [("soc_smart_mfg", "四川省智能制造学会"), ("soc_agri_tech", "四川省农业科技创新学会"),
             ("soc_new_materials", "四川省新材料研究会"), ("soc_bio_health", "四川省生物健康促进会"),
             ("soc_energy", "四川省清洁能源协会")]

PARTNERS = [("partner_beijing", "北京市科学技术协会"), ("partner_chongqing", "重庆市科学技术协会")]


def _org(code, name, org_type, parent=None, city=None) -> Org:
    org = db.session.scalar(sa.select(Org).filter_by(code=code))
    if org is None:
        org = Org(code=code, name=name, org_type=org_type, parent=parent,
                  city_id=city.id if city else None)
        db.session.add(org)
        db.session.flush()
    return org


def seed_orgs() -> dict[str, Org]:
    """The province 科协 with departments, the 21 市州科协 and some of their 县（市、区）科协,
    societies, 财政厅 (idempotent)."""
    orgs = {"province": _org("province", "四川省科学技术协会", "province_association")}
    for code, name in DEPARTMENTS:
        orgs[code] = _org(code, f"省科协{name}", "department", orgs["province"])
    for code, name in CITIES:
        suffix = "科学技术协会" if code in AUTONOMOUS_PREFECTURES else "市科学技术协会"  # 泸州市, 阿坝州
        orgs[f"city_{code}"] = _org(f"city_{code}", f"{name}{suffix}", "city_association", orgs["province"])
    for city_code, counties in COUNTIES.items():
        city = orgs[f"city_{city_code}"]
        for code, name in counties:
            orgs[f"county_{code}"] = _org(f"county_{code}", f"{name}科学技术协会",
                                          "county_association", city, city)
    for code, name in SOCIETIES:
        orgs[code] = _org(code, name, "society", orgs["province"])
    orgs["finance"] = _org("finance", "四川省财政厅", "finance_department")
    for code, name in PARTNERS:  # 兄弟省市科协: recommend to the province, 开幕式定向名额
        orgs[code] = _org(code, name, "partner_association")
    return orgs


def seed_third_conference() -> ConferenceEdition:
    """第三届科创会 (seed 000): 征集/推荐 12-15, 遴选 12-20, conference 2024-01-18/19."""
    existing = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    if existing:
        return existing
    edition = ConferenceEdition(
        number=3, year=2023, name="第三届科创中国·天府科技云服务大会",
        submit_deadline=date(2023, 12, 15), recommend_deadline=date(2023, 12, 15),
        select_deadline=date(2023, 12, 20), conference_start=date(2024, 1, 18),
        conference_end=date(2024, 1, 19), follow_up_until=date(2024, 12, 31),
        quotas={"overall_min": 3000, "opening_per_type": 10, "roadshow_min": 80, "roadshow_max": 120,
                "roadshow_sector_max": None, "showcase_max": None,
                "directed_slots": {"partner_beijing": 5, "partner_chongqing": 5}},
        sectors=["electronics_equipment", "food_textile_energy_chem", "materials_health",
                 "modern_agriculture"],
        selection_departments={"admission": "dept_innovation", "opening": "dept_innovation",
                               "major_roadshow": "dept_societies", "showcase": "dept_popularisation"})
    db.session.add(edition)
    return edition


EXPERT_TEAM_KPIS = [
    {"code": "capabilities_published", "label": "科创工作室发布“科技所能”", "unit": "项", "target": "20"},
    {"code": "recommended_to_conference", "label": "向科创会推荐优质成果或高新技术", "unit": "项", "target": "5"},
    {"code": "member_studios", "label": "专家团成员开设科创工作室比例", "unit": "%", "target": "100"},
    {"code": "services", "label": "开展科技服务、推广高新技术、转化科技成果", "unit": "项", "target": "10"},
    {"code": "deal_amount", "label": "科技供需交易合作总金额", "unit": "万元", "target": "600"},
    {"code": "typical_cases", "label": "典型成功案例", "unit": "例", "target": "2"},
    {"code": "concierges", "label": "科服保姆", "unit": "名", "target": "3"},
]
REVIEW_CRITERIA = [
    {"code": "measures", "label": "重点工作内容及具体举措", "max": 30},
    {"code": "goals", "label": "项目目标及预期成效", "max": 30},
    {"code": "conditions", "label": "实施条件及保障措施", "max": 20},
    {"code": "budget", "label": "经费预算合理性", "max": 20},
]
# seed 001 一（一）–（三）: each program's 量化实施要求 as KPI rows (code, label, unit, target).
SERVICE_TEAM_PROGRAMS = {
    "industry_service_team": ("产业科技服务团示范项目", [
        ("achievements_gathered", "汇聚可转移转化科技成果并提供产业化方案", "项", "50"),  # 2
        ("problems_analysed", "解析企业技术问题", "项", "30"),                        # 2
        ("transfers", "完成技术转移转化（签署合同）", "项", "5"),                      # 3
        ("organisations", "落地组建独立法人协同创新组织", "个", "1"),                  # 4
        ("organisation_summary", "协同创新组织工作成效总结", "份", "1"),               # 4
        ("typical_cases", "典型案例", "个", "2"),                                     # 5
        ("public_reports", "公开报道", "篇", "2")]),                                  # 5
    "regional_service_team": ("区域科技服务团示范项目", [
        ("industry_needs", "梳理重点产业需求", "项", "100"),                           # 3
        ("technical_assessments", "专业技术评估", "项", "20"),                         # 3
        ("enterprise_diagnoses", "企业技术诊断", "项", "20"),                          # 3
        ("summary_reports", "省域建设总结报告", "份", "1"),                            # 4
        ("public_reports", "公开报道", "篇", "2"),                                    # 4
        ("cross_province_summary", "跨省合作经验总结", "份", "1")]),                   # 5
    "professional_service_team": ("专业科技服务团示范项目", [
        ("solutions_proposed", "技术问题初步解决方案", "项", "50"),                     # 2
        ("problems_solved", "解决技术问题（签署合同）", "项", "5"),                     # 2
        ("achievements_gathered", "汇聚可转移转化科技成果", "项", "100"),               # 3
        ("achievements_transferred", "转化落地科技成果", "项", "10"),                   # 3
        ("typical_cases", "技术转移转化典型案例", "个", "2"),                          # 4
        ("public_reports", "公开报道", "篇", "2")]),                                  # 4
}

THINK_TANK_MIN_WORDS = 5000  # seed 001 二（一）7、二（二）6: 每篇不少于5000字
# seed 001 二（一）–（二）: each 品牌活动's deliverables as KPI rows —
# {program code: (name, call kind, [(code, label, unit, target, extra), ...])}, ``extra`` the
# row's optional keys (workflows/kpi.py): ``group`` (alternatives: any one met meets them all)
# and ``min_words`` (a written deliverable, each entry at least that many 字). kpi_rows()
# makes a call's kpi_targets of them. No calls are created here.
BRAND_EVENT_PROGRAMS = {
    "industry_forum": ("产业创新论坛", "industry_forum", [
        ("events_held", "召开产业创新论坛（含主论坛）", "次", "1", {}),                # 1
        ("national_media", "国家级媒体宣介", "家", "1", {}),                          # 1: 和
        ("local_media", "省市两级地方媒体宣介", "家", "10", {}),                       # 1
        ("parallel_sessions", "平行论坛", "场", "3", {}),                             # 2
        ("event_days", "论坛会期", "天", "2", {}),                                    # 2
        ("event_summary", "论坛总结", "份", "1", {}),                                 # 7
        ("expert_reports", "专家报告", "份", "1", {}),                                # 7
        ("viewpoints", "观点汇编", "份", "1", {}),                                    # 7
        ("think_tank_reports", "高质量智库报告", "篇", "1",
         {"min_words": THINK_TANK_MIN_WORDS}),                                        # 7
        ("consulting_activities", "技术咨询、推广、成果对接活动", "次", "4", {}),       # 8
        ("video_materials", "论坛视频素材", "套", "1", {})]),                          # 9
    "academia_meeting": ("产学融合会议", "academia_meeting", [
        ("events_held", "召开产学融合会议", "场", "1", {}),                            # 1
        ("national_media", "国家级媒体宣介", "家", "1", {"group": "media"}),          # 1: 或
        ("local_media", "省市两级地方媒体宣介", "家", "10", {"group": "media"}),       # 1
        ("event_summary", "会议总结", "份", "1", {}),                                 # 6
        ("expert_reports", "专家报告", "份", "1", {}),                                # 6
        ("viewpoints", "观点汇编", "份", "1", {}),                                    # 6
        ("think_tank_reports", "高质量智库报告", "篇", "1",
         {"min_words": THINK_TANK_MIN_WORDS}),                                        # 6
        ("consulting_activities", "技术咨询、推广、成果对接活动", "次", "2", {}),       # 7
        ("video_materials", "会议视频素材", "套", "1", {})]),                          # 8
}


def kpi_rows(kpis) -> list[dict]:
    """A call's kpi_targets from (code, label, unit, target[, extra]) tuples."""
    return [{"code": code, "label": label, "unit": unit, "target": target, **(rest[0] if rest else {})}
            for code, label, unit, target, *rest in kpis]


def _call(program_code, name, year, kpis, orgs, **dates) -> GrantCall:
    existing = db.session.scalar(sa.select(GrantCall).filter_by(program_code=program_code, year=year))
    if existing:
        return existing
    call = GrantCall(program_code=program_code, name=name, year=year, kpi_targets=kpis,
                     review_criteria=REVIEW_CRITERIA, managing_org_id=orgs["dept_societies"].id,
                     finance_org_id=orgs["finance"].id, **dates)
    db.session.add(call)
    return call


# The values each source document fixes (the call page marks every other value as a setting).
EXPERT_TEAM_FIXED = ["award_amount_wan", "awards_count", "apply_deadline", "formal_review_deadline",
                     "review_deadline", "period_end", "evaluation_deadline", "rectification_months",
                     "kpi_targets", "team_rules"]
SEED_001_FIXED = ["kpi_targets"]  # seed 001 fixes what is to be achieved; no money, no dates
REDUCIBLE = {"industry_service_team", "professional_service_team"}  # 可适当抵减 (一（一）6, 一（三）5)


def seed_expert_team_call_2024(orgs) -> GrantCall:
    """专家团“深耕”赋能 2024 (seed 003): 20 × 30万元, apply by 04-02, review by 04-10."""
    return _call("expert_team", "2024年度天府科技云专家团“深耕”赋能行动示范项目", 2024,
                 EXPERT_TEAM_KPIS, orgs, award_amount_wan=Decimal("30"), awards_count=20,
                 reserve_count=5, apply_deadline=date(2024, 4, 2),
                 formal_review_deadline=date(2024, 4, 10), review_deadline=date(2024, 4, 10),
                 midterm_at=date(2024, 8, 31), period_end=date(2024, 12, 31),
                 evaluation_deadline=date(2025, 1, 31), publicity_working_days=5,
                 rectification_months=1, min_reviewers=3, objective_weight=Decimal("0.3"),
                 team_rules={"min_members": 10, "lead_title_level": "正高", "senior_ratio": "0.6"},
                 source_fixed=EXPERT_TEAM_FIXED)


# The 2023 seed-001 calls' money, dates and review settings: invented for the demo (seed 001
# fixes none — SEED_001_FIXED leaves them out, so the call page marks them as settings).
DEMO_2023_TERMS = dict(
    award_amount_wan=Decimal("50"), awards_count=3, reserve_count=1,
    apply_deadline=date(2023, 5, 31), formal_review_deadline=date(2023, 6, 10),
    review_deadline=date(2023, 6, 20), midterm_at=date(2023, 9, 30), period_end=date(2023, 12, 31),
    evaluation_deadline=date(2024, 1, 31), publicity_working_days=5, rectification_months=1,
    min_reviewers=3, objective_weight=Decimal("0.3"), team_rules=None, source_fixed=SEED_001_FIXED)


def seed_service_team_calls_2023(orgs) -> list[GrantCall]:
    """The three 科技服务团 programs of seed 001: their own 申报书 (kind service_team), their KPI
    targets, 可适当抵减 where the seed allows it. Amounts and dates are invented for the demo
    (seed 001 fixes none): the call page says so."""
    calls = []
    for code, (name, kpis) in SERVICE_TEAM_PROGRAMS.items():
        rows = kpi_rows(kpis)
        calls.append(_call(code, f"2023年“科创中国”{name}", 2023, rows, orgs, kind="service_team",
                           reduction_allowed=code in REDUCIBLE, **DEMO_2023_TERMS))
    return calls


def seed_brand_event_calls_2023(orgs) -> list[GrantCall]:
    """The two 试点城市系列品牌活动 of seed 001 (产业创新论坛, 产学融合会议): their own 申报书 and
    deliverables; amounts and dates as the demo's service-team calls — ours, marked so."""
    calls = []
    for code, (name, kind, kpis) in BRAND_EVENT_PROGRAMS.items():
        calls.append(_call(code, f"2023年“科创中国”{name}", 2023, kpi_rows(kpis), orgs, kind=kind,
                           reduction_allowed=False, **DEMO_2023_TERMS))
    return calls


# The State Council's holiday notices (国务院办公厅关于2024年/2025年部分节假日安排的通知,
# 国办发明电〔2023〕7号 and 〔2024〕12号): (first, last) day off, name, weekend days worked (调休).
PUBLIC_HOLIDAYS = [
    (date(2024, 1, 1), date(2024, 1, 1), "元旦", []),
    (date(2024, 2, 10), date(2024, 2, 17), "春节", [date(2024, 2, 4), date(2024, 2, 18)]),
    (date(2024, 4, 4), date(2024, 4, 6), "清明节", [date(2024, 4, 7)]),
    (date(2024, 5, 1), date(2024, 5, 5), "劳动节", [date(2024, 4, 28), date(2024, 5, 11)]),
    (date(2024, 6, 10), date(2024, 6, 10), "端午节", []),
    (date(2024, 9, 15), date(2024, 9, 17), "中秋节", [date(2024, 9, 14)]),
    (date(2024, 10, 1), date(2024, 10, 7), "国庆节", [date(2024, 9, 29), date(2024, 10, 12)]),
    (date(2025, 1, 1), date(2025, 1, 1), "元旦", []),
    (date(2025, 1, 28), date(2025, 2, 4), "春节", [date(2025, 1, 26), date(2025, 2, 8)]),
    (date(2025, 4, 4), date(2025, 4, 6), "清明节", []),
    (date(2025, 5, 1), date(2025, 5, 5), "劳动节", [date(2025, 4, 27)]),
    (date(2025, 5, 31), date(2025, 6, 2), "端午节", []),
    (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节", [date(2025, 9, 28), date(2025, 10, 11)]),
]


def seed_holidays() -> int:
    """The holiday calendar as rows (idempotent); an admin adds next year's the same way."""
    known = set(db.session.scalars(sa.select(Holiday.day)))
    added = 0
    for first, last, name, workdays in PUBLIC_HOLIDAYS:
        days = [(first + timedelta(days=n), "holiday") for n in range((last - first).days + 1)]
        for day, kind in days + [(d, "workday") for d in workdays]:
            if day not in known:
                db.session.add(Holiday(day=day, name=name if kind == "holiday" else f"{name}调休上班",
                                       kind=kind))
                known.add(day)
                added += 1
    db.session.flush()
    return added


def seed_reference_data() -> dict:
    orgs = seed_orgs()
    seed_holidays()
    edition = seed_third_conference()
    grant_call = seed_expert_team_call_2024(orgs)
    service_calls = seed_service_team_calls_2023(orgs)
    event_calls = seed_brand_event_calls_2023(orgs)
    db.session.commit()
    return {"orgs": orgs, "edition": edition, "grant_call": grant_call,
            "service_calls": service_calls, "event_calls": event_calls}
