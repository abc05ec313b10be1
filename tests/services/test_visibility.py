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


def test_grant_view_is_idempotent_per_viewer(world):
    """Each step that offers a task grants its viewer: the same org or person again adds no
    row (a NULL side is matched as NULL), a new one adds exactly one."""
    import sqlalchemy as sa
    from app.services.shared.projections import grant_view
    instance_id = _projects(world, 1)[0]
    org, person = world["orgs"]["city_mianyang"].id, world["users"]["my_recommender"].id

    def viewers():
        return sorted(db.session.execute(sa.select(InstanceViewer.org_id, InstanceViewer.user_id)
                                         .where(InstanceViewer.instance_id == instance_id)).all(),
                      key=lambda row: (row[0] or 0, row[1] or 0))
    before = viewers()
    grant_view(instance_id, {(org, None), (None, person)})
    after = viewers()
    assert set(after) - set(before) == {(None, person), (org, None)} and len(after) == len(before) + 2
    grant_view(instance_id, {(org, None), (None, person)} | set(before))
    assert viewers() == after
