"""The inbox: scope by role and org, assignment, filters, counts, claim / release / delegate."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.services.shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.services.reading.inbox import (InboxFilter, claim_task, colleagues_for, counts, delegate_task,
                                inbox, unclaim_task)
from app.services.kechuang.projects import start_project
from app.models import RoleAssignment, User
from app.extensions import db
from tests.conftest import SHANGHAI
from tests.factories import submission

from .steps import audit_kinds, complete, task_of


def new_project(world, unit="ent_cloudwise", city="city_chengdu", applicant="cd_applicant"):
    return start_project(world["edition"].id, world["orgs"][unit].id, world["orgs"][city].id,
                         "收件箱测试项目", "tech_transfer", world["users"][applicant])


def names(rows):
    return [row.task.task_name for row in rows]


def test_city_official_sees_only_own_city(world, people):
    chengdu = new_project(world)
    mianyang = new_project(world, "ent_greenfield", "city_mianyang", "my_applicant")
    complete(people["cd_applicant"], chengdu.instance, "submit_project", submission())
    complete(people["my_applicant"], mianyang.instance, "submit_project",
             submission(platform_listing_id="TFKJY-2023-0002", owner_unit="绵阳绿野农业科技有限公司"))
    assert [r.instance.id for r in inbox(people["cd_recommender"])] == [chengdu.instance_id]
    assert [r.instance.id for r in inbox(people["my_recommender"])] == [mianyang.instance_id]
    assert inbox(people["expert_a"]) == []


def test_applicant_sees_draft_with_due_date_and_filters(world, people, clock):
    new_project(world)
    rows = inbox(people["cd_applicant"])
    assert names(rows) == ["submit_project"]
    assert rows[0].task.due_at == datetime(2023, 12, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert not rows[0].overdue and not rows[0].due_soon
    assert names(inbox(people["cd_applicant"], InboxFilter(process="expert_team_grant"))) == []
    assert names(inbox(people["cd_applicant"], InboxFilter(due="week"))) == []
    clock.set(datetime(2023, 12, 10, tzinfo=SHANGHAI))
    assert names(inbox(people["cd_applicant"], InboxFilter(due="week"))) == ["submit_project"]
    assert inbox(people["cd_applicant"])[0].due_soon
    assert counts(people["cd_applicant"]) == {"all": 1, "overdue": 0, "week": 1, "mine": 0}


def test_claim_release_and_colleague_cannot_take(world, people):
    second = _second_recommender(world)
    project = new_project(world)
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    task = task_of(project.instance, "check_exclusions")
    claim_task(task.id, people["cd_recommender"])
    assert counts(people["cd_recommender"])["mine"] == 1
    with pytest.raises(Conflict):
        claim_task(task.id, second)
    with pytest.raises(PermissionDenied):
        complete(second, project.instance, "check_exclusions",
                 {"exclusion_outcome": "eligible", "violated_rules": []})
    with pytest.raises(PermissionDenied):
        unclaim_task(task.id, second)
    unclaim_task(task.id, people["cd_recommender"])
    claim_task(task.id, second)
    assert audit_kinds(project.instance)[-3:] == ["claimed", "unclaimed", "claimed"]


def test_delegate_to_colleague_with_reason(world, people):
    second = _second_recommender(world)
    project = new_project(world)
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    task = task_of(project.instance, "check_exclusions")
    assert [u.id for u in colleagues_for(task, people["cd_recommender"])] == [second.id]
    with pytest.raises(InvalidInput):
        delegate_task(task.id, people["cd_recommender"], second.id, "  ")
    with pytest.raises(InvalidInput):
        delegate_task(task.id, people["cd_recommender"], people["my_recommender"].id, "出差")
    delegate_task(task.id, people["cd_recommender"], second.id, "本周出差，请代为审核")
    assert task.claimed_by_id == second.id
    assert counts(second)["mine"] == 1
    complete(second, project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    assert "delegated" in audit_kinds(project.instance)


def test_outsider_cannot_claim(world, people):
    project = new_project(world)
    task = task_of(project.instance, "submit_project")
    with pytest.raises(NotFound):
        claim_task(task.id, people["my_applicant"])


def _second_recommender(world) -> User:
    user = User(username="cd_recommender2", display_name="马清源", created_at=datetime.now(SHANGHAI))
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, org_id=world["orgs"]["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    return user


def test_of_two_simultaneous_claims_exactly_one_wins(world, people, monkeypatch):
    second = _second_recommender(world)
    project = new_project(world)
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    task = task_of(project.instance, "check_exclusions")
    import app.services.reading.inbox as inbox_module
    original = inbox_module._visible_task

    def visible_then_colleague_claims(task_id, user):
        found = original(task_id, user)
        with db.engine.begin() as other:  # the colleague's claim commits in between
            other.execute(sa.text("UPDATE tasks SET claimed_by_id = :u WHERE id = :t"),
                          {"u": second.id, "t": task_id})
        return found

    monkeypatch.setattr(inbox_module, "_visible_task", visible_then_colleague_claims)
    with pytest.raises(Conflict):
        claim_task(task.id, people["cd_recommender"])
    db.session.expire_all()
    assert db.session.get(type(task), task.id).claimed_by_id == second.id
    assert "claimed" not in audit_kinds(project.instance)


@pytest.mark.parametrize("group_at", [0, 100])
def test_the_unfiltered_page_total_and_badges_agree_with_the_rows(world, people, clock, monkeypatch, group_at):
    """The badges and the 遴选 lines come from one tally of the inbox index, and the unfiltered
    page's total from that tally less the grouped 遴选 — each must equal what the rows are."""
    import uuid
    from app.models import Task
    from app.services.reading import inbox
    from .selection_rows import add_recommended
    monkeypatch.setattr(inbox, "SELECTION_GROUP_AT", group_at)
    selector = people["sel_innovation"]
    department = selector.roles[0].org_id
    city = world["orgs"]["city_mianyang"]
    add_recommended(world["edition"], city, city, "tech_transfer", 3, selector_org=db.session.get(type(city), department))
    late = datetime(2023, 1, 2, tzinfo=SHANGHAI)  # long before the tests' clock
    instance_id = db.session.scalar(sa.select(Task.instance_id).where(Task.org_id == department).limit(1))
    db.session.add(Task(id=str(uuid.uuid4()), instance_id=instance_id, task_name="select_project_report",
                        title="遴选情况报告", role="selector", org_id=department, due_at=late, created_at=late))
    db.session.commit()
    rows = inbox.inbox(selector)
    page = inbox.inbox_page(selector)
    groups = inbox.selection_groups(selector)
    assert page.total == len(rows) == len(page.rows) == (1 if group_at == 0 else 4)
    assert [group.count for group in groups] == ([3] if group_at == 0 else [])
    badges = counts(selector)
    assert badges["all"] == 4 and badges["overdue"] == sum(row.overdue for row in inbox.inbox(
        selector, InboxFilter(task_name="select_project"))) + 1
    assert page.total == inbox.inbox_page(selector, InboxFilter(process="kechuang_project")).total
    # the 事项 options: every kind offered, grouped or not, named by its title
    assert page.task_choices == inbox.task_choices(selector) == [("select_project", "遴选"),
                                                               ("select_project_report", "遴选情况报告")]
    selections = InboxFilter(task_name="select_project")
    assert inbox.inbox_page(selector, selections).total == len(inbox.inbox(selector, selections)) == 3


@pytest.mark.parametrize("group_at", [0, 100])
def test_a_filtered_page_total_agrees_with_its_rows_and_the_tallied_ones_are_not_counted_again(
        app, world, people, clock, monkeypatch, group_at):
    """已逾期 / 7日内到期 / 我认领的, alone or with 事项 = 遴选, take their total from the tally
    (no count of their own); every other filter is counted — both must equal the rows."""
    from app.models import Task
    from app.services.reading import inbox
    from tests.web.test_page_queries import statements
    from .selection_rows import add_recommended
    monkeypatch.setattr(inbox, "SELECTION_GROUP_AT", group_at)
    selector = people["sel_innovation"]
    department = db.session.get(type(world["orgs"]["city_mianyang"]), selector.roles[0].org_id)
    city = world["orgs"]["city_mianyang"]
    add_recommended(world["edition"], city, city, "tech_transfer", 5, selector_org=department)
    tasks = db.session.scalars(sa.select(Task).where(Task.org_id == department.id).order_by(Task.id)).all()
    tasks[0].due_at = clock() - timedelta(days=1)
    tasks[1].due_at = tasks[2].due_at = clock() + timedelta(days=3)
    tasks[2].claimed_by_id = tasks[3].claimed_by_id = selector.id
    tasks[4].task_name, tasks[4].edition_id = "select_project_report", None  # not a 遴选 task
    db.session.commit()
    tallied = [InboxFilter(due="overdue"), InboxFilter(due="week"), InboxFilter(mine=True),
               InboxFilter(task_name="select_project", due="overdue"),
               InboxFilter(task_name="select_project", mine=True)]
    counted = [InboxFilter(due="week", mine=True), InboxFilter(process="kechuang_project", due="overdue"),
               InboxFilter(task_name="select_project_report", mine=True)]
    for wanted in tallied + counted:
        with statements(app) as seen:
            total = inbox.inbox_page(selector, wanted).total
        assert total == len(inbox.inbox(selector, wanted)), wanted
        counts_run = [s for s in seen if s.startswith("SELECT count(*) AS count_1")]
        assert len(counts_run) == (0 if wanted in tallied else 1), (wanted, seen)
    assert inbox.inbox_page(selector, InboxFilter(task_name="select_project", mine=True)).total == 2
    assert inbox.inbox_page(selector, InboxFilter(due="week")).total == (2 if group_at else 0)


def test_the_badges_of_someone_with_two_roles_and_a_task_by_name_count_each_task_once(
        world, people, clock, monkeypatch):
    """The tally reads one range of the index per (role, org) held and one for the tasks
    assigned by name, then adds them up: each task counted once, as the rows list them."""
    import uuid
    from app.models import Task
    from app.services.reading import inbox
    from .selection_rows import add_recommended
    monkeypatch.setattr(inbox, "SELECTION_GROUP_AT", 100)
    selector, city = people["sel_innovation"], world["orgs"]["city_mianyang"]
    department = db.session.get(type(city), selector.roles[0].org_id)
    db.session.add(RoleAssignment(user_id=selector.id, org_id=city.id, role="recommender"))
    add_recommended(world["edition"], city, city, "tech_transfer", 2, selector_org=department)
    instance_id = db.session.scalar(sa.select(Task.instance_id).where(Task.org_id == department.id).limit(1))
    for name, role, org, candidate, due in [
            ("check_exclusions", "recommender", city.id, None, clock() - timedelta(days=2)),
            ("score_application", "selector", department.id, selector.id, clock() + timedelta(days=2)),
            ("check_exclusions", "recommender", department.id, None, None)]:  # not offered to him
        db.session.add(Task(id=str(uuid.uuid4()), instance_id=instance_id, task_name=name, title=name, role=role,
                            org_id=org, candidate_user_id=candidate, due_at=due, created_at=clock()))
    db.session.commit()
    db.session.expire_all()
    rows = inbox.inbox(selector)
    assert len(rows) == 4
    assert counts(selector) == {"all": 4, "overdue": sum(row.overdue for row in rows),
                                "week": sum(row.due_soon for row in rows),
                                "mine": sum(row.task.candidate_user_id == selector.id for row in rows)}
    assert counts(selector)["overdue"] == counts(selector)["week"] == counts(selector)["mine"] == 1


@pytest.mark.parametrize("ranges_from,ranges_at_most", [(0, 32), (0, 0), (100, 32)])
def test_pages_read_range_by_range_list_the_same_tasks_in_the_same_order_as_the_whole_inbox(
        app, world, people, clock, monkeypatch, ranges_from, ranges_at_most):
    """A long inbox's page is read from each (arm, kind, edition) range the tally met, each in
    due order up to the page's end, then merged (a short one, or one of more ranges than
    RANGES_AT_MOST, by one query): page after page they are the inbox's tasks in its order —
    due first, no deadline last, ties oldest first — under every filter, the grouped 遴选 left
    out."""
    import uuid
    from app.models import Task
    from app.services.reading import inbox
    from tests.web.test_page_queries import statements
    from .selection_rows import add_recommended
    monkeypatch.setattr(inbox, "SELECTION_GROUP_AT", 3)
    monkeypatch.setattr(inbox, "RANGES_AT_MOST", ranges_at_most)
    monkeypatch.setattr(inbox, "RANGES_FROM", ranges_from)
    by_ranges = ranges_from == 0 and ranges_at_most > 0
    selector, city = people["sel_innovation"], world["orgs"]["city_mianyang"]
    department = db.session.get(type(city), selector.roles[0].org_id)
    db.session.add(RoleAssignment(user_id=selector.id, org_id=city.id, role="recommender"))
    add_recommended(world["edition"], city, city, "tech_transfer", 4, selector_org=department)  # a line
    instance_id = db.session.scalar(sa.select(Task.instance_id).where(Task.org_id == department.id).limit(1))
    day = timedelta(days=1)
    for i, (name, role, org, candidate, due, claimed) in enumerate([
            ("check_exclusions", "recommender", city.id, None, clock() - 2 * day, None),
            ("check_exclusions", "recommender", city.id, None, None, selector.id),
            ("check_exclusions", "recommender", city.id, None, clock() + 3 * day, None),
            ("score_application", "selector", department.id, selector.id, clock() + 3 * day, None),
            ("score_application", "selector", department.id, None, clock() - 2 * day, None),
            ("select_project_report", "selector", department.id, None, None, None),
            ("select_project_report", "selector", department.id, None, clock() + 9 * day, selector.id),
            ("select_project", "selector", department.id, selector.id, clock() + day, None)]):
        db.session.add(Task(id=str(uuid.uuid4()), instance_id=instance_id, task_name=name, title=name,
                            role=role, org_id=org, candidate_user_id=candidate, due_at=due,
                            claimed_by_id=claimed, created_at=clock() - timedelta(minutes=i),
                            edition_id=world["edition"].id if name == "select_project" else None))
    db.session.add(Task(id=str(uuid.uuid4()), instance_id=instance_id, task_name="select_project", title="遴选",
                        role="selector", org_id=department.id, due_at=clock() + 2 * day,
                        created_at=clock()))  # of no edition: never in a line
    db.session.commit()
    db.session.expire_all()

    def in_order(rows):
        return sorted(rows, key=lambda row: (row.task.due_at is None, row.task.due_at or clock(),
                                             row.task.created_at, row.task.id))
    for wanted in [InboxFilter(), InboxFilter(due="overdue"), InboxFilter(due="week"), InboxFilter(mine=True),
                   InboxFilter(task_name="check_exclusions"), InboxFilter(task_name="select_project"),
                   InboxFilter(city_id=city.id), InboxFilter(process="kechuang_project")]:
        whole = inbox.inbox(selector, wanted)
        assert [row.task.id for row in whole] == [row.task.id for row in in_order(whole)], wanted
        paged, page = [], inbox.inbox_page(selector, wanted, per_page=2)
        assert page.total == len(whole), wanted
        while True:
            paged += page.rows
            if page.page == page.pages:
                break
            with statements(app) as seen:
                page = inbox.inbox_page(selector, wanted, page=page.page + 1, per_page=2)
            read = [s for s in seen if "FROM tasks JOIN process_instances" in s]
            assert len(read) == 1 and (read[0].count("LIMIT") > 1) == by_ranges, seen
        assert [row.task.id for row in paged] == [row.task.id for row in whole], wanted
    assert len(inbox.inbox(selector)) == 8  # the five grouped 遴选 (one by name) are one line, not rows
    assert len(inbox.inbox(selector, InboxFilter(task_name="select_project"))) == 6


def test_the_task_options_name_each_kind_as_the_newest_diagram_does(world, people):
    """A task still open on an older version of the model is filtered under the step's
    current name (one option per kind), while its own row keeps the name it was made with."""
    from pathlib import Path

    from app.models import ProcessDefinition
    from app.services.reading import inbox
    from app.services.shared.definitions import deploy_bundle
    from tests.conftest import wipe_data
    from workflows.specs import read_bundle

    project = new_project(world)  # on version 1: its 提交科创项目 task is the applicant's
    applicant = people["cd_applicant"]
    assert ("submit_project", "提交科创项目") in inbox.task_choices(applicant)
    files = read_bundle(Path(__file__).resolve().parents[2] / "bpmn")
    files["kechuang_project.bpmn"] = files["kechuang_project.bpmn"].replace(
        'name="提交科创项目"', 'name="提交科创项目（新版）"', 1)
    try:
        deploy_bundle(files)
        db.session.commit()
        choices = inbox.task_choices(applicant)
        assert ("submit_project", "提交科创项目（新版）") in choices
        assert [name for name, _ in choices].count("submit_project") == 1
        assert task_of(project.instance, "submit_project").title == "提交科创项目"
    finally:
        wipe_data()
        db.session.execute(sa.delete(ProcessDefinition).where(ProcessDefinition.version > 1))
        db.session.commit()
