"""区 → 市 → 省 (seed 004): a county 科协 checks and recommends by its own 报送截止, its city
recommends on by the 推荐截止, the province selects on the city's recommendation."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.demo.reference import _org
from app.demo.samples import CONTRACT, PITCH, recommendation, selection, submission
from app.services.documents.document_data import edition_facts
from app.services.kechuang.projects import start_project
from app.services.kechuang.steps import final_recommendation
from app.services.reading.inbox import inbox
from app.services.shared.errors import InvalidInput, NotFound
from app.services.shared.visibility import visible_instance
from app.services.steps.deadlines import LateAction
from app.services.steps.task_forms import prefill
from tests.conftest import SHANGHAI
from tests.services.steps import complete, open_tasks, select, task_of, timers_of

EXCLUSIONS_OK = {"exclusion_outcome": "eligible", "violated_rules": []}


def midnight_after(year, month, day) -> datetime:
    return datetime(year, month, day, tzinfo=SHANGHAI) + timedelta(days=1)


def county_project(world, county="county_wuhou", title="武侯区智能传感项目"):
    orgs, users = world["orgs"], world["users"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs[county].id,
                            title, "tech_transfer", users["cd_applicant"])
    complete(users["cd_applicant"], project.instance, "submit_project", submission(title=title))
    return project


def county_recommends(project, people, **changes):
    complete(people["wh_recommender"], project.instance, "check_exclusions", EXCLUSIONS_OK)
    complete(people["wh_recommender"], project.instance, "recommend_project",
             recommendation(people["cd_concierge"].id, **changes))


def test_county_city_province_selected(world, people):
    project = county_project(world)
    county_recommends(project, people)  # 重大科创项目专场推介会, 电子信息和装备制造
    assert open_tasks(project.instance) == ["city_recommend_project"]
    task = task_of(project.instance, "city_recommend_project")
    assert task.org_id == world["orgs"]["city_chengdu"].id and task.role == "recommender"
    assert task.due_at == midnight_after(2023, 12, 15) - timedelta(microseconds=1)
    # the city's form starts from the county's 推介意向
    assert prefill(task, people["cd_recommender"]).data == {
        "intent": "major_roadshow", "sector": "electronics_equipment",
        "concierge_user_id": people["cd_concierge"].id}
    complete(people["cd_recommender"], project.instance, "city_recommend_project",
             recommendation(people["cd_concierge"].id, intent="showcase", sector=None,
                            reason="市级择优：需求方已在本市对接。", rank=2))
    assert open_tasks(project.instance) == ["select_project"]
    selecting = task_of(project.instance, "select_project")
    assert selecting.org_id == world["orgs"]["dept_innovation"].id  # 创发部 admits (seed 000)
    assert project.intent == "showcase"  # the city's 推介意向 is the one the province reads
    assert final_recommendation(project.instance)["rank"] == 2
    assert prefill(selecting, people["sel_innovation"]).data == {"bucket": "showcase"}
    select(people, project.instance, selection(bucket="showcase", sector=None))
    complete(people["cd_concierge"], project.instance, "pitch_project", PITCH)
    complete(people["cd_concierge"], project.instance, "sign_project", CONTRACT)
    assert project.bucket == "showcase" and open_tasks(project.instance) == ["follow_up_project"]


def test_county_task_is_due_by_the_county_deadline(world, people):
    project = county_project(world)
    # no date on the edition: 7 days before the 12-15 推荐截止 → the end of 12-08
    assert task_of(project.instance, "check_exclusions").due_at == \
        midnight_after(2023, 12, 8) - timedelta(microseconds=1)
    assert set(timers_of(project.instance)) == {"timer_check_recommend_deadline"}


def test_edition_county_deadline_is_used(world, people):
    world["edition"].county_recommend_deadline = datetime(2023, 12, 4).date()
    project = county_project(world)
    assert task_of(project.instance, "check_exclusions").due_at == \
        midnight_after(2023, 12, 4) - timedelta(microseconds=1)


def test_county_late_is_refused_and_the_deadline_ends_it(world, people, clock):
    project = county_project(world)
    clock.set(midnight_after(2023, 12, 8))
    with pytest.raises(LateAction, match="已按期限办结：未推荐"):
        complete(people["wh_recommender"], project.instance, "check_exclusions", EXCLUSIONS_OK)
    assert (project.instance.status, project.instance.outcome) == ("completed", "not_recommended")
    assert open_tasks(project.instance) == []


def test_county_in_time_city_late(world, people, clock):
    project = county_project(world)
    clock.set(midnight_after(2023, 12, 8) - timedelta(seconds=1))
    county_recommends(project, people)
    clock.set(midnight_after(2023, 12, 15))
    with pytest.raises(LateAction, match="市（州）科协遴选推荐"):
        complete(people["cd_recommender"], project.instance, "city_recommend_project",
                 recommendation(people["cd_concierge"].id))
    assert project.instance.outcome == "not_recommended"


def test_city_declines(world, people):
    project = county_project(world)
    county_recommends(project, people)
    complete(people["cd_recommender"], project.instance, "city_recommend_project",
             {"recommend_outcome": "not_recommended", "reason": "本市名额有限，未予推荐。"})
    assert (project.instance.status, project.instance.outcome) == ("completed", "not_recommended")
    assert project.outcome == "not_recommended" and project.intent is None
    # the county said 推荐, the city did not: the 统计数据 funnel and the report count it as not
    # recommended (both read edition_facts)
    funnel = edition_facts(world["edition"]).funnel([project])
    assert (funnel["submitted"], funnel["recommended"]) == (1, 0)


def test_a_county_project_is_its_own_and_its_citys_only(world, people):
    project = county_project(world)
    instance_id = project.instance_id
    for who in ("wh_recommender", "cd_recommender"):  # the city sees it from the start
        assert visible_instance(instance_id, people[who]).id == instance_id
    for who in ("my_recommender", "fc_recommender"):  # another city, another city's county
        with pytest.raises(NotFound):
            visible_instance(instance_id, people[who])
    county_recommends(project, people)
    assert [row.task.task_name for row in inbox(people["cd_recommender"])] == ["city_recommend_project"]
    assert inbox(people["wh_recommender"]) == [] and inbox(people["my_recommender"]) == []


def test_other_county_project_is_never_seen_by_this_county(world, people):
    other = county_project(world, county="county_pidu", title="郫都区项目")
    with pytest.raises(NotFound):
        visible_instance(other.instance_id, people["wh_recommender"])


def test_a_city_project_goes_straight_to_the_province(world, people):
    orgs = world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            "成都直报项目", "tech_transfer", people["cd_applicant"])
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    assert task_of(project.instance, "check_exclusions").due_at == \
        midnight_after(2023, 12, 15) - timedelta(microseconds=1)
    complete(people["cd_recommender"], project.instance, "check_exclusions", EXCLUSIONS_OK)
    complete(people["cd_recommender"], project.instance, "recommend_project",
             recommendation(people["cd_concierge"].id))
    assert open_tasks(project.instance) == ["select_project"]
    assert final_recommendation(project.instance)["intent"] == "major_roadshow"


def test_a_county_without_its_city_is_refused_as_recommender(world, people):
    stray = _org("county_stray", "某县科学技术协会", "county_association")
    with pytest.raises(InvalidInput) as refused:
        start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id, stray.id, "无市项目",
                      "tech_transfer", people["cd_applicant"])
    assert refused.value.errors == {"recommender_org_id": [
        "「推荐单位」某县科学技术协会未登记所属市（州）科协，不能经市（州）推荐至省科协"]}
