"""Seven projects of two 市州 at known stages, driven through the services people use.

成都: A 开幕式 → contract 120.5 万元 → landed; B 专场(电子信息) → intent; C 集中推介 → no
signing; D recommended, not yet selected. 绵阳: E 专场(现代农业) → contract 80 万元, in
follow-up; F submitted only; G started, not submitted.
"""
from __future__ import annotations

from app.demo import samples
from app.demo.acting import complete, land, place_on_board
from app.services.kechuang.projects import start_project

CITIES = {"cd": ("ent_cloudwise", "city_chengdu"), "my": ("ent_greenfield", "city_mianyang")}


def pitch(*parties) -> dict:
    return {**samples.PITCH, "negotiation_parties": [
        {"name": name, "party_type": kind} for name, kind in parties]}


def drive(world, city: str, title: str, sector, bucket=None, steps: int = 0,
          session=None, parties=(), sign=None) -> None:
    """``steps``: how many of submit, check, recommend, select, pitch, sign, follow-up to do."""
    users, orgs = world["users"], world["orgs"]
    owner, city_org = CITIES[city]
    applicant, recommender, concierge = (users[f"{city}_{role}"] for role in
                                         ("applicant", "recommender", "concierge"))
    project = start_project(world["edition"].id, orgs[owner].id, orgs[city_org].id, title,
                            "tech_transfer", applicant)
    where = {} if bucket == "major_roadshow" else {"sector": None}
    session_sector = {"sector": session} if bucket == "major_roadshow" else where
    actions = [
        (applicant, "submit_project", samples.submission(title=title, sector=sector)),
        (recommender, "check_exclusions", {"exclusion_outcome": "eligible", "violated_rules": []}),
        (recommender, "recommend_project",
         samples.recommendation(concierge.id, intent=bucket or "showcase", **session_sector)),
        (users["sel_innovation"], "select_project",
         samples.selection(bucket=bucket, **session_sector)),
        (concierge, "pitch_project", pitch(*parties)),
        (concierge, "sign_project", sign),
        (concierge, "follow_up_project", samples.LANDED),
    ]
    for user, step, raw in actions[:steps]:
        if step == "follow_up_project":
            land(project, concierge)
            continue
        if step == "select_project":
            place_on_board(project, users, bucket, raw.get("sector"))
        complete(user, project.instance, step, raw)


def contract(amount: str) -> dict:
    return {**samples.CONTRACT, "amount_wan": amount}


INTENT = {"sign_outcome": "intent", "counterparty": "甲公司", "signed_on": "2024-01-19"}
NO_SIGNING = {"sign_outcome": "none"}


def seven_projects(world) -> None:
    demand = "demand_side"
    drive(world, "cd", "项目A", "electronics_equipment", "opening", 7,
          parties=[("德阳某重型装备公司", demand)], sign=contract("120.5"))
    drive(world, "cd", "项目B", "electronics_equipment", "major_roadshow", 6,
          session="electronics_equipment",
          parties=[("甲公司", demand), ("乙基金", "finance_institution")], sign=INTENT)
    drive(world, "cd", "项目C", "materials_health", "showcase", 6,
          parties=[("德阳某重型装备公司", demand)], sign=NO_SIGNING)
    drive(world, "cd", "项目D", "modern_agriculture", "opening", 3)
    drive(world, "my", "项目E", "modern_agriculture", "major_roadshow", 6,
          session="modern_agriculture",
          parties=[("德阳某重型装备公司", demand), ("丙公司", demand), ("丁公司", "other")],
          sign=contract("80"))
    drive(world, "my", "项目F", None, steps=1)
    drive(world, "my", "项目G", None, steps=0)
