"""Service records of 科服保姆 as the processes leave them (instances, projects, audit events,
follow-up rows), written directly so a ranking fixture stays small and exact."""
from __future__ import annotations

from datetime import date, datetime
from itertools import count

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.models import (AuditEvent, ConferenceEdition, FollowUpRecord, Org, ProcessDefinition,
                        ProcessInstance, Project, RoleAssignment, User)
from tests.conftest import SHANGHAI

_numbers = count(1)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time().replace(hour=hour),
                            SHANGHAI)


def person(username: str, name: str, role: str, org_code: str) -> User:
    user = User(username=username, display_name=name, created_at=at("2023-01-01"),
                password_hash=generate_password_hash(DEMO_PASSWORD))
    user.roles.append(RoleAssignment(org_id=org(org_code).id, role=role))
    db.session.add(user)
    db.session.commit()
    return user


def org(code: str) -> Org:
    return db.session.scalar(sa.select(Org).filter_by(code=code))


def instance(process_key: str, owner: Org, title: str) -> ProcessInstance:
    definition = db.session.scalar(sa.select(ProcessDefinition).filter_by(process_key=process_key))
    now = at("2023-11-01")
    row = ProcessInstance(definition_id=definition.id, process_key=process_key, title=title,
                          business_key=f"T-{next(_numbers)}", status="running", state="{}",
                          owner_org_id=owner.id, serializer_version="1", created_at=now,
                          updated_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def project(title: str, city_code: str, **columns) -> Project:
    city = org(city_code)
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    row = Project(edition_id=edition.id, instance_id=instance("kechuang_project", city, title).id,
                  owner_org_id=org("ent_cloudwise").id, recommender_org_id=city.id,
                  city_org_id=city.id, title=title, project_type="technology", details={},
                  **columns)
    db.session.add(row)
    db.session.flush()
    return row


def completed(instance_id: int, task_name: str, when: datetime, form: dict,
              actor: User | None = None) -> None:
    db.session.add(AuditEvent(instance_id=instance_id, at=when, kind="completed",
                              task_name=task_name, actor_id=actor.id if actor else None,
                              data={"form": form}))


def recommended(item: Project, concierge: User, when: str) -> None:
    completed(item.instance_id, "recommend_project", at(when),
              {"recommend_outcome": "recommended", "concierge_user_id": concierge.id})


def follow_up(item: Project, concierge: User, day: str) -> None:
    db.session.add(FollowUpRecord(project_id=item.id, occurred_on=date.fromisoformat(day),
                                  action="走访企业", result="对接需求", recorded_by_id=concierge.id,
                                  recorded_at=at(day)))


def service_fixture(users: dict) -> dict[str, User]:
    """Four 科服保姆 with hand-counted records (weights 1/0.5/2/3/0.01/5/2; cut-off 12-15):
    周晓岚 (成都, 科协保姆): 2 followed, 3 follow-ups (a 4th on 12-16 is late), 2 intents, 1
        contract of 200万元, 1 landed → 2 + 1.5 + 4 + 3 + 2 + 5 = 17.5
    何雨霏 (学会, 学会保姆): 2 专家团 科服保姆服务 (a 3rd on 12-16 is late) → 4
    吴承泽 (绵阳, 科协保姆): 1 followed, 1 follow-up; its contract signed 12-20 is late → 1.5
    郝晴川 (成都, 专业保姆 once set): nothing → 0"""
    chengdu, mianyang = users["cd_concierge"], users["my_concierge"]
    society = person("soc_concierge", "何雨霏", "concierge", "soc_smart_mfg")
    person("cd_pro_concierge", "郝晴川", "concierge", "city_chengdu")
    first, second = project("智能巡检机器人", "city_chengdu"), project("高效节水灌溉", "city_chengdu")
    recommended(first, chengdu, "2023-11-10")
    recommended(second, chengdu, "2023-11-11")
    completed(first.instance_id, "sign_project", at("2023-12-05"),
              {"sign_outcome": "contract", "amount_wan": "200"})
    completed(second.instance_id, "sign_project", at("2023-12-06"), {"sign_outcome": "intent"})
    completed(first.instance_id, "follow_up_project", at("2023-12-14"),
              {"follow_up_outcome": "landed"})
    for day in ("2023-11-20", "2023-12-01", "2023-12-15", "2023-12-16"):
        follow_up(first, chengdu, day)
    third = project("柑橘保鲜技术", "city_mianyang")
    recommended(third, mianyang, "2023-11-12")
    follow_up(third, mianyang, "2023-12-10")
    completed(third.instance_id, "sign_project", at("2023-12-20"),
              {"sign_outcome": "contract", "amount_wan": "50"})
    grant = instance("expert_team_grant", org("soc_smart_mfg"), "专家团")
    for day in ("2023-10-01", "2023-12-15", "2023-12-16"):
        completed(grant.id, "concierge_service", at(day, 23) if day == "2023-12-15" else at(day),
                  {"services": "协助开设工作室"}, actor=society)
    db.session.commit()
    return {"chengdu": chengdu, "mianyang": mianyang, "society": society}
