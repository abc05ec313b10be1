"""Who sees how many instances: the viewer rows, counted once per instance or no further than asked."""
from __future__ import annotations

from app.extensions import db
from app.models import InstanceViewer
from app.services.kechuang.projects import start_project
from app.services.shared.visibility import sees_many, visible_count


def _projects(world, count: int) -> list[int]:
    orgs, users = world["orgs"], world["users"]
    return [start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                          f"可见性测试项目{n}", "tech_transfer", users["cd_applicant"]).instance_id
            for n in range(count)]


def test_rows_by_name_and_by_org_both_count_towards_seeing_many(world):
    """A 绵阳 recommender sees none of 成都's projects until a row names them (one of the
    three) or their org (the other two): sees_many reads both kinds of rows."""
    person = world["users"]["my_recommender"]
    before = visible_count(person)
    by_name, *by_org = _projects(world, 3)
    db.session.add_all([InstanceViewer(instance_id=by_name, user_id=person.id)] + [
        InstanceViewer(instance_id=instance_id, org_id=world["orgs"]["city_mianyang"].id)
        for instance_id in by_org])
    db.session.flush()
    assert visible_count(person) == before + 3
    assert sees_many(person, before + 3)
    assert not sees_many(person, before + 4)


def test_an_applicant_sees_many_only_past_what_they_see(world):
    applicant = world["users"]["cd_applicant"]
    _projects(world, 2)
    seen = visible_count(applicant)
    assert seen >= 2
    assert sees_many(applicant, seen) and not sees_many(applicant, seen + 1)
