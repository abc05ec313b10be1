"""科创项目 end to end through the services: every path, deadlines with a moved clock."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.services.shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.services.kechuang.projects import record_follow_up, start_project
from app.services.background.timers import fire_due_timers
from app.services.steps.task_forms import prefill
from tests.conftest import SHANGHAI
from tests.factories import CONTRACT, PITCH, recommendation, selection, submission

from .steps import audit_kinds, complete, open_tasks, select, snapshot, task_of, timers_of


def submit_and_recommend(project, people, **recommend_changes):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(people["cd_recommender"], project.instance, "recommend_project",
             recommendation(people["cd_concierge"].id, **recommend_changes))


AFTER_LANDING = datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI)  # a 落地日期 is not in the future


def test_happy_path_reaches_landed(project, people, clock):
    submit_and_recommend(project, people)
    assert open_tasks(project.instance) == ["select_project"]
    task = task_of(project.instance, "select_project")
    assert task.org_id == people["sel_innovation"].roles[0].org_id  # 创发部 admits (seed 000 §七.5)
    assert task.edition_id == project.edition_id  # the inbox groups 遴选 by it
    select(people, project.instance, selection())
    complete(people["cd_concierge"], project.instance, "pitch_project", PITCH)
    complete(people["cd_concierge"], project.instance, "sign_project", CONTRACT)
    clock.set(AFTER_LANDING)
    record_follow_up(project.id, {"occurred_on": "2024-02-20", "action": "走访需求方",
                                  "result": "确定中试场地"}, people["cd_concierge"])
    complete(people["cd_concierge"], project.instance, "follow_up_project",
             {"follow_up_outcome": "landed", "landed_on": "2024-06-30",
              "landing_evidence": "技术许可合同已履行，产线投产。"})
    assert (project.instance.status, project.instance.outcome) == ("completed", "landed")
    assert (project.outcome, project.bucket, project.sign_outcome) == ("landed", "major_roadshow", "contract")
    assert str(project.contract_amount_wan) == "120.5000"
    assert open_tasks(project.instance) == [] and timers_of(project.instance) == {}
    assert audit_kinds(project.instance).count("completed") == 7
    assert "follow_up" in audit_kinds(project.instance)


def test_follow_up_closed_with_reason(project, people):
    submit_and_recommend(project, people, intent="showcase", sector=None)
    select(people, project.instance, selection(bucket="showcase", sector=None))
    complete(people["cd_concierge"], project.instance, "pitch_project", PITCH)
    complete(people["cd_concierge"], project.instance, "sign_project", {"sign_outcome": "none"})
    complete(people["cd_concierge"], project.instance, "follow_up_project",
             {"follow_up_outcome": "closed", "close_reason": "项目方转让技术给第三方，终止跟踪。"})
    assert project.instance.outcome == "closed"


def test_excluded_project_ends_with_rule_named(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "excluded", "violated_rules": ["widely_promoted"],
              "comment": "已在省内大面积推广"})
    assert project.instance.outcome == "excluded" and project.outcome == "excluded"


def test_returned_for_materials_then_recommended(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    assert open_tasks(project.instance) == ["submit_project"]
    submit_and_recommend(project, people)
    assert open_tasks(project.instance) == ["select_project"]


def test_not_recommended_and_not_selected(world, project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(people["cd_recommender"], project.instance, "recommend_project",
             {"recommend_outcome": "not_recommended", "reason": "本年度名额已满"})
    assert project.instance.outcome == "not_recommended"
    other = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                          world["orgs"]["city_chengdu"].id, "第二个项目", "tech_transfer",
                          people["cd_applicant"])
    submit_and_recommend(other, people)
    select(people, other.instance, {"select_outcome": "not_selected", "comment": "与专场主题不符"})
    assert other.instance.outcome == "not_selected"


@pytest.mark.parametrize("moment, expected", [
    (datetime(2023, 12, 15, 23, 59, 58, tzinfo=SHANGHAI), None),
    (datetime(2023, 12, 16, 0, 0, 1, tzinfo=SHANGHAI), "not_submitted"),
])
def test_unsubmitted_draft_closes_at_collection_deadline(project, clock, moment, expected):
    assert timers_of(project.instance)["timer_submit_deadline"].due_at == \
        datetime(2023, 12, 15, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    clock.set(moment)
    fire_due_timers()
    assert project.instance.outcome == expected


def test_recommendation_deadline_closes_as_not_recommended(project, people, clock):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    clock.set(datetime(2023, 12, 16, 8, 0, tzinfo=SHANGHAI))
    assert fire_due_timers() == 1
    assert project.instance.outcome == "not_recommended"
    assert audit_kinds(project.instance)[-1] == "timer"
    assert fire_due_timers() == 0  # idempotent: nothing left to fire


def test_selection_deadline_closes_as_not_selected(project, people, clock):
    submit_and_recommend(project, people)
    assert task_of(project.instance, "select_project").due_at == \
        datetime(2023, 12, 20, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    clock.set(datetime(2023, 12, 21, tzinfo=SHANGHAI))
    fire_due_timers()
    assert project.instance.outcome == "not_selected" and project.outcome == "not_selected"


def test_unlanded_project_returns_to_service_at_year_end(project, people, clock):
    submit_and_recommend(project, people)
    select(people, project.instance, selection())
    complete(people["cd_concierge"], project.instance, "pitch_project", PITCH)
    complete(people["cd_concierge"], project.instance, "sign_project", {"sign_outcome": "none"})
    clock.set(datetime(2025, 1, 1, tzinfo=SHANGHAI))
    fire_due_timers()
    assert project.instance.outcome == "returned_to_service"


def test_other_city_official_cannot_see_or_complete(world, project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    task = task_of(project.instance, "check_exclusions")
    before = snapshot(project.instance)
    with pytest.raises(NotFound):
        complete_raw(task.id, {"exclusion_outcome": "eligible", "violated_rules": []},
                     people["my_recommender"])
    assert snapshot(project.instance) == before


def complete_raw(task_id, raw, user):
    from app.services.steps.instances import complete_task
    return complete_task(task_id, raw, user)


def test_only_assigned_concierge_completes_pitch(project, people):
    submit_and_recommend(project, people)
    select(people, project.instance, selection())
    task = task_of(project.instance, "pitch_project")
    assert task.candidate_user_id == people["cd_concierge"].id
    with pytest.raises(NotFound):
        complete_raw(task.id, PITCH, people["cd_recommender"])


def test_invalid_recommendation_changes_nothing(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    before = snapshot(project.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(people["cd_recommender"], project.instance, "recommend_project",
                 recommendation(people["my_concierge"].id))  # a concierge of another city
    assert "concierge_user_id" in refused.value.errors
    assert snapshot(project.instance) == before


def test_landed_project_cannot_be_submitted_again(world, project, people, clock):
    submit_and_recommend(project, people)
    select(people, project.instance, selection())
    complete(people["cd_concierge"], project.instance, "pitch_project", PITCH)
    complete(people["cd_concierge"], project.instance, "sign_project", CONTRACT)
    clock.set(AFTER_LANDING)
    complete(people["cd_concierge"], project.instance, "follow_up_project",
             {"follow_up_outcome": "landed", "landed_on": "2024-06-30", "landing_evidence": "已投产"})
    from tests.services.editions import next_edition
    edition = next_edition(world)
    again = start_project(edition.id, world["orgs"]["ent_cloudwise"].id,
                          world["orgs"]["city_chengdu"].id, "视觉引导柔性装配", "tech_transfer",
                          people["cd_applicant"])
    untouched = snapshot(again.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(people["cd_applicant"], again.instance, "submit_project", submission())
    assert refused.value.errors == {"platform_listing_id": [
        "「天府科技云发布编号」TFKJY-2023-0001对应的项目已在往届科创会落地转化，不再推荐"]}
    assert snapshot(again.instance) == untouched
    complete(people["cd_applicant"], again.instance, "submit_project",
             submission(platform_listing_id="TFKJY-2024-0002"))  # another listing: a new project
    assert open_tasks(again.instance) == ["check_exclusions"]
    # the rule is of earlier editions: the landing edition's own projects are not refused by it
    clock.set(datetime(2023, 12, 10, tzinfo=SHANGHAI))  # (its collection, with the landing on record)
    same = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                         world["orgs"]["city_chengdu"].id, "视觉引导柔性装配（同届）", "tech_transfer",
                         people["cd_applicant"])
    complete(people["cd_applicant"], same.instance, "submit_project", submission())
    assert open_tasks(same.instance) == ["check_exclusions"]
    # nor is a listing another edition has only submitted, not landed
    other = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                          world["orgs"]["city_chengdu"].id, "视觉引导柔性装配（另案）", "tech_transfer",
                          people["cd_applicant"])
    complete(people["cd_applicant"], other.instance, "submit_project",
             submission(platform_listing_id="TFKJY-2024-0002"))
    assert open_tasks(other.instance) == ["check_exclusions"]


def test_collection_closed_refuses_new_project(world, people, clock):
    clock.set(datetime(2023, 12, 16, tzinfo=SHANGHAI))
    with pytest.raises(Conflict):
        start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                      world["orgs"]["city_chengdu"].id, "迟到的项目", "tech_transfer",
                      people["cd_applicant"])


def test_applicant_of_another_unit_cannot_start(world, people):
    with pytest.raises(PermissionDenied):
        start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                      world["orgs"]["city_chengdu"].id, "冒名项目", "tech_transfer",
                      people["my_applicant"])


def test_eligible_refused_when_required_materials_missing(project, people):
    """A submission from before the materials were required at submission (its details)."""
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    project.details = {**project.details, "video_ref": None}
    db.session.commit()
    before = snapshot(project.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(people["cd_recommender"], project.instance, "check_exclusions",
                 {"exclusion_outcome": "eligible", "violated_rules": []})
    assert "大会推介视频" in refused.value.errors["exclusion_outcome"][0]
    assert snapshot(project.instance) == before


def test_submission_without_the_video_is_refused_at_submit(project, people):
    """What 资格审查 needs for 符合条件 is required when the project is submitted."""
    before = snapshot(project.instance)
    with pytest.raises(InvalidInput) as refused:
        complete(people["cd_applicant"], project.instance, "submit_project",
                 submission(video_ref=None))
    assert refused.value.errors == {"video_ref": ["科技成果转化项目须提供「大会推介视频」"]}
    assert snapshot(project.instance) == before and project.details == {}


def test_finance_product_without_proof_is_submitted_and_found_eligible(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project",
             submission(project_type="finance_product", proof_ref=None))
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    assert project.project_type == "finance_product"
    assert open_tasks(project.instance) == ["recommend_project"]


def test_recommendation_and_selection_start_from_what_came_before(project, people):
    """The applicant's 所属领域 starts the recommender's 专场领域; the recommended 推介意向 and
    专场领域 start 遴选's."""
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    recommend = prefill(task_of(project.instance, "recommend_project"), people["cd_recommender"])
    assert recommend.data == {"sector": "electronics_equipment"}
    complete(people["cd_recommender"], project.instance, "recommend_project",
             recommendation(people["cd_concierge"].id, intent="showcase", sector=None))
    select = prefill(task_of(project.instance, "select_project"), people["sel_popularisation"])
    assert select.source == "earlier" and select.data == {"bucket": "showcase"}


def test_submit_form_starts_from_what_the_start_page_took(world, project, people):
    task = task_of(project.instance, "submit_project")
    filled = prefill(task, people["cd_applicant"])
    assert filled.source == "earlier" and filled.data == {
        "title": "视觉引导柔性装配", "project_type": "tech_transfer",
        "owner_unit": world["orgs"]["ent_cloudwise"].name}


def test_quota_of_opening_projects_per_type_is_enforced(world, people, project):
    world["edition"].quotas = {**world["edition"].quotas, "opening_per_type": 1}
    submit_and_recommend(project, people, intent="opening", sector=None)
    complete(people["sel_innovation"], project.instance, "select_project",
             selection(bucket="opening", sector=None))
    second = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                           world["orgs"]["city_chengdu"].id, "第二个开幕式项目", "tech_transfer",
                           people["cd_applicant"])
    submit_and_recommend(second, people, intent="opening", sector=None)
    with pytest.raises(InvalidInput) as refused:
        complete(people["sel_innovation"], second.instance, "select_project",
                 selection(bucket="opening", sector=None))
    assert "1" in refused.value.message


def test_pitch_is_due_by_the_end_of_the_conference(project, people):
    submit_and_recommend(project, people)
    select(people, project.instance, selection())
    assert task_of(project.instance, "pitch_project").due_at == \
        datetime(2024, 1, 19, 23, 59, 59, 999999, tzinfo=SHANGHAI)
