"""What a person deciding (or redoing) a step reads, through HTTP: the 退回意见 on a returned
task, every completion kept on the instance page with what it decided, every expert's scores
with the expert score for those who may read them, the 遴选 quotas; and a refused submit that
names every error at once, keeps a re-chosen file once and changes nothing."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.demo.materials import with_materials
from app.demo.samples import REVIEWERS, application_form, team
from app.extensions import db
from app.models import Attachment
from app.services.grant.applications import apply_to_call
from tests.factories import recommendation, submission
from tests.services.grant_steps import ACCEPT, ELIGIBLE, apply, review
from tests.services.steps import complete, snapshot

from .formdata import flatten, input_value, post_form, text
from .test_instances import page
from .test_task_forms import PDF, SOCIETY, task_url
from .visible import identifiers, visible_text

RETURN_COMMENT = "请补充成果证明材料的盖章页。"


@pytest.fixture
def eligible(world):
    """soc_smart_mfg has declared itself eligible: 填报申报书 is open."""
    return apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, ELIGIBLE,
                         world["users"]["soc_mfg_applicant"])


def returned(world, project):
    users = world["users"]
    complete(users["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": RETURN_COMMENT})


def test_the_returned_task_shows_the_return_comment_who_and_the_step(client, world, chengdu_project):
    returned(world, chengdu_project)
    html = page(client("cd_applicant"), task_url(chengdu_project.instance, "submit_project"))
    notice = visible_text(html[html.index('data-returned="true"'):html.index("</section>", html.index('data-returned="true"'))])
    assert RETURN_COMMENT in notice and "资格审查" in notice
    assert world["users"]["cd_recommender"].display_name in notice and "退回补充材料" in notice
    assert 'data-prefill="previous"' in html and identifiers(html) == set()


def test_a_task_done_for_the_first_time_shows_no_return(client, world, chengdu_project):
    users = world["users"]
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    html = page(client("cd_recommender"), task_url(chengdu_project.instance, "recommend_project"))
    assert 'data-returned="true"' not in html


def test_history_keeps_the_return_and_the_later_recommendation_with_their_comments(
        client, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    returned(world, chengdu_project)
    complete(users["cd_applicant"], instance, "submit_project",
             with_materials(instance, users["cd_applicant"], submission(summary="补充后的项目简介。")))
    complete(users["cd_recommender"], instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], instance, "recommend_project",
             recommendation(users["cd_concierge"].id, reason="补充材料后符合推荐条件。"))
    html = page(client("cd_recommender"), f"/instances/{instance.id}")
    history = visible_text(html[html.index('id="history"'):])
    assert "退回补充材料" in history and RETURN_COMMENT in history
    assert "资格审查结论：符合条件" in history
    assert "推荐理由：补充材料后符合推荐条件。" in history
    entered = visible_text(html[html.index('id="entered"'):html.index('id="attachments"')])
    assert "此前提交（1次）" in entered and "补充后的项目简介。" in entered
    assert RETURN_COMMENT in entered  # the returning 资格审查, folded under the later one
    assert identifiers(html) == set()


def scored(world, scores_of: dict):
    """Applied, accepted and reviewed by the three demo experts with their own scores."""
    users = world["users"]
    application = apply(world)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [users[name].id for name in REVIEWERS]})
    for name in REVIEWERS:
        complete(users[name], application.instance, "review_application", review(scores_of[name]))
    return application


SCORES = {"expert_a": {"measures": 28, "goals": 20, "conditions": 18, "budget": 9},
          "expert_b": {"measures": 22, "goals": 18, "conditions": 15, "budget": 5},
          "expert_c": {"measures": 25, "goals": 19, "conditions": 16, "budget": 9.5}}


def test_officer_sees_every_review_with_criteria_and_the_expert_score_the_applicant_does_not(
        client, world):
    users = world["users"]
    application = scored(world, SCORES)
    url = f"/instances/{application.instance.id}"
    officer = page(client("grant_officer"), url)
    reviews = visible_text(officer[officer.index('id="reviews"'):officer.index('id="entered"')])
    assert "重点工作内容及具体举措（满分30分）" in reviews
    for name, total in (("expert_a", "75"), ("expert_b", "60"), ("expert_c", "69.5")):
        assert users[name].display_name in reviews and total in reviews
    assert "共3份评审，专家得分（平均分）68.17分" in reviews
    assert f'/calls/{application.call_id}/ranking' in officer
    assert identifiers(officer) == set()
    for outsider in ("soc_mfg_applicant", "expert_a"):  # an expert sees no other's review
        response = client(outsider).get(url)
        shown = visible_text(text(response)) if response.status_code == 200 else ""
        assert response.status_code in (200, 404)
        assert "专家得分" not in shown and "评分表" not in shown and "满分30分" not in shown


def test_a_refused_recommendation_names_every_error_at_once_and_changes_nothing(
        client, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    complete(users["cd_recommender"], instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    before = snapshot(instance)
    url = task_url(instance, "recommend_project")
    fields = flatten(recommendation(users["cd_concierge"].id, intent=None, sector=None, rank="第一"))
    response = post_form(client("cd_recommender"), url, fields)
    assert response.status_code == 422
    html = visible_text(text(response))
    assert "「推荐排序」应为整数" in html           # the field's own check
    assert "推荐时须填写「推介意向」" in html       # the form's cross-field check, same pass
    assert snapshot(instance) == before


def test_a_score_above_its_maximum_is_refused_with_the_criterion_in_the_first_pass(client, world):
    users = world["users"]
    application = apply(world)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [users[name].id for name in REVIEWERS]})
    before = snapshot(application.instance)
    url = task_url(application.instance, "review_application")
    response = post_form(client("expert_a"), url, {"scores.measures": "35", "scores.goals": "-1",
                                                   "scores.conditions": "15", "scores.budget": "8"})
    assert response.status_code == 422
    html = visible_text(text(response))
    assert "「重点工作内容及具体举措」满分30分，不能超过30分" in html
    assert "「评分」" not in html and "不能小于0" in html
    assert "「评审意见」为必填项" in html
    assert snapshot(application.instance) == before


def test_a_file_chosen_again_after_a_refused_submit_is_kept_once(client, eligible, upload_dir):
    application = eligible
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    short = flatten(application_form(SOCIETY, team={"members": team(9)}))
    draft = post_form(user, url, short, action="save_draft",
                      files={"stamped_pdf_ref": (io.BytesIO(PDF), "申报书.pdf")})
    kept = input_value(text(draft), "stamped_pdf_ref")
    before = snapshot(application.instance)
    refused = post_form(user, url, short | {"stamped_pdf_ref": kept},
                        files={"stamped_pdf_ref": (io.BytesIO(PDF), "申报书.pdf")})
    assert refused.status_code == 422
    assert visible_text(text(refused)).count("已上传：申报书.pdf") == 1
    assert snapshot(application.instance) == before
    fixed = flatten(application_form(SOCIETY)) | {
        "stamped_pdf_ref": input_value(text(refused), "stamped_pdf_ref")}
    assert post_form(user, url, fixed).status_code == 302
    db.session.rollback()
    assert db.session.scalars(sa.select(Attachment.filename)).all() == ["申报书.pdf"]
    files = page(user, f"/instances/{application.instance.id}")
    listed = files[files.index('id="attachments"'):files.index('id="documents"')]
    assert listed.count("申报书.pdf") == 1


def test_the_selector_sees_the_quotas_left_and_the_way_to_the_board(client, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    complete(users["cd_recommender"], instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], instance, "recommend_project",
             recommendation(users["cd_concierge"].id))
    html = page(client("sel_innovation"), task_url(instance, "select_project"))
    quota = visible_text(html[html.index('data-panel="本届遴选名额"'):])
    assert "重大科创项目专场推介会" in quota and "剩余" in quota and "120" in quota
    assert f'/editions/{chengdu_project.edition_id}/selection' in html
