"""Invented organisations and people for demos and tests — no personal data from the seeds."""
from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from workflows import clock

from ..extensions import db
from ..models import Org, RoleAssignment, User
from .reference import _org

DEMO_PASSWORD = "grantflow-demo"

MEMBER_UNITS = [  # code, name, city code
    ("ent_cloudwise", "成都云智装备科技有限公司", "city_chengdu"),
    ("ent_greenfield", "绵阳绿野农业科技有限公司", "city_mianyang"),
    ("uni_southwest", "川西理工学院", "city_chengdu"),
]

# More societies, so that a 专家团 application can stand at every step of one call (one
# application per society per call). Invented names.
DEMO_SOCIETIES = [
    ("soc_smart_agri", "四川省智慧农业学会"), ("soc_mountain_eco", "四川省山地生态修复学会"),
    ("soc_tea_science", "四川省茶叶科技促进会"), ("soc_digital_culture", "四川省数字文旅研究会"),
    ("soc_hydrogen", "四川省氢能技术协会"), ("soc_drone", "四川省无人机应用学会"),
    ("soc_bamboo", "四川省竹产业科技学会"), ("soc_geo_hazard", "四川省地质灾害防治研究会"),
    ("soc_smart_water", "四川省智慧水务学会"), ("soc_rare_metals", "四川省稀有金属材料学会"),
    ("soc_rehab", "四川省康复工程学会"), ("soc_photonics", "四川省光电信息学会"),
    ("soc_food_safety", "四川省食品安全科技协会"), ("soc_textile", "四川省纺织科技学会"),
]

# username, display name, [(role, org code)]
PEOPLE = [
    ("admin", "系统管理员", [("admin", "province")]),
    ("cd_applicant", "李思远", [("applicant", "ent_cloudwise")]),
    ("my_applicant", "王雨桐", [("applicant", "ent_greenfield")]),
    ("uni_applicant", "赵明哲", [("applicant", "uni_southwest")]),
    ("cd_recommender", "陈嘉禾", [("recommender", "city_chengdu")]),
    ("my_recommender", "刘书瑶", [("recommender", "city_mianyang")]),
    ("wh_recommender", "陆明远", [("recommender", "county_wuhou")]),  # 区 → 市 → 省
    ("fc_recommender", "戴欣然", [("recommender", "county_fucheng")]),
    ("cd_concierge", "周晓岚", [("concierge", "city_chengdu")]),
    ("my_concierge", "吴承泽", [("concierge", "city_mianyang")]),
    ("sel_innovation", "孙立诚", [("selector", "dept_innovation")]),
    ("sel_societies", "郑可欣", [("selector", "dept_societies")]),
    ("sel_popularisation", "冯一鸣", [("selector", "dept_popularisation")]),
    ("soc_mfg_applicant", "何静怡", [("applicant", "soc_smart_mfg")]),
    ("soc_agri_applicant", "谢文博", [("applicant", "soc_agri_tech")]),
    ("soc_mat_applicant", "唐若兰", [("applicant", "soc_new_materials")]),
    ("grant_officer", "韩志远", [("grant_officer", "dept_societies")]),
    ("expert_a", "杨振华", [("expert", "province")]),
    ("expert_b", "许清扬", [("expert", "province")]),
    ("expert_c", "邓慧敏", [("expert", "province")]),
    ("expert_d", "曹俊杰", [("expert", "province"), ("applicant", "soc_smart_mfg")]),
    ("finance_officer", "罗婉清", [("finance_officer", "finance")]),
    ("finance_reviewer", "韩思远", [("finance_reviewer", "finance")]),
    ("soc_bio_applicant", "程雨萱", [("applicant", "soc_bio_health")]),
    ("soc_energy_applicant", "魏子墨", [("applicant", "soc_energy")]),
    ("soc_smartagri_applicant", "林书航", [("applicant", "soc_smart_agri")]),
    ("soc_eco_applicant", "高雅琴", [("applicant", "soc_mountain_eco")]),
    ("soc_tea_applicant", "蒋明轩", [("applicant", "soc_tea_science")]),
    ("soc_culture_applicant", "秦语嫣", [("applicant", "soc_digital_culture")]),
    ("soc_h2_applicant", "苏哲远", [("applicant", "soc_hydrogen")]),
    ("soc_drone_applicant", "马可心", [("applicant", "soc_drone")]),
    ("soc_bamboo_applicant", "黄启航", [("applicant", "soc_bamboo")]),
    ("soc_geo_applicant", "潘若溪", [("applicant", "soc_geo_hazard")]),
    ("soc_water_applicant", "董浩然", [("applicant", "soc_smart_water")]),
    ("soc_metals_applicant", "袁思琪", [("applicant", "soc_rare_metals")]),
    ("soc_rehab_applicant", "范嘉树", [("applicant", "soc_rehab")]),
    ("soc_photonics_applicant", "易晨曦", [("applicant", "soc_photonics")]),
    ("soc_food_applicant", "柳安然", [("applicant", "soc_food_safety")]),
    ("soc_textile_applicant", "钟亦凡", [("applicant", "soc_textile")]),
]


def seed_member_units(orgs: dict[str, Org]) -> None:
    for code, name, city in MEMBER_UNITS:
        orgs[code] = _org(code, name, "member_unit", city=orgs[city])


def seed_demo_societies(orgs: dict[str, Org]) -> None:
    for code, name in DEMO_SOCIETIES:
        orgs[code] = _org(code, name, "society", orgs["province"])


@lru_cache(maxsize=4)
def _hashed(password: str) -> str:
    return generate_password_hash(password)  # hashed once per process: the demo shares one


def seed_people(orgs: dict[str, Org], password: str = DEMO_PASSWORD) -> dict[str, User]:
    """One user per role and place (idempotent)."""
    seed_member_units(orgs)
    seed_demo_societies(orgs)
    hashed = _hashed(password)
    users = {}
    for username, name, roles in PEOPLE:
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        if user is None:
            user = User(username=username, display_name=name, password_hash=hashed,
                        created_at=clock.now())
            db.session.add(user)
            db.session.flush()
            for role, org_code in roles:
                db.session.add(RoleAssignment(user_id=user.id, org_id=orgs[org_code].id, role=role))
        users[username] = user
    db.session.commit()
    return users
