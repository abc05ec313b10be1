"""发起申报 pages: a project owner starts a 科创项目; a society declares eligibility and either
goes on to its 申报书 or is told, in Chinese, why it may not apply."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import GrantApplication, Project, Task

from .formdata import post_form, text

ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": "false",
            "notified": "false"}


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_start_page_lists_open_editions_for_a_project_owner(client, world):
    html = text(client("cd_applicant").get("/start"))
    assert "第三届科创中国·天府科技云服务大会" in html and "成都云智装备科技有限公司" in html
    assert f'/start/project?edition_id={world["edition"].id}' in html
    assert "资助项目申报" not in html


def test_start_page_lists_open_calls_for_a_society_not_closed_ones(client, world):
    html = text(client("soc_agri_applicant").get("/start"))
    assert f'/start/grant/{world["grant_call"].id}' in html
    assert "科技服务团" not in html  # the 2023 calls closed in May
    assert "科创项目征集" not in html
    assert "没有可以发起的申报" in text(client("grant_officer").get("/start"))


def test_project_start_defaults_to_the_owners_city_and_opens_submit_project(client, world):
    user = client("cd_applicant")
    form = text(user.get("/start/project"))
    chengdu = world["orgs"]["city_chengdu"].id
    assert re.search(rf'<option value="{chengdu}" selected>成都市科学技术协会</option>', form)
    assert "error-summary" not in form
    fields = {"edition_id": str(world["edition"].id),
              "owner_org_id": str(world["orgs"]["ent_cloudwise"].id),
              "title": "", "project_type": "tech_transfer", "recommender_org_id": str(chengdu)}
    refused = post_form(user, "/start/project", fields, action=None)
    assert refused.status_code == 422 and "「项目名称」为必填项" in text(refused)
    assert 'value="tech_transfer" selected' in text(refused) and count(Project) == 0
    response = post_form(user, "/start/project", fields | {"title": "视觉引导柔性装配"}, action=None)
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).filter_by(task_name="submit_project"))
    assert response.headers["Location"] == f"/tasks/{task.id}"
    assert "视觉引导柔性装配" in text(user.get(response.headers["Location"]))


def test_project_start_refuses_a_recommender_that_may_not_recommend(client, world):
    fields = {"edition_id": str(world["edition"].id),
              "owner_org_id": str(world["orgs"]["ent_cloudwise"].id),
              "title": "视觉引导柔性装配", "project_type": "tech_transfer",
              "recommender_org_id": str(world["orgs"]["finance"].id)}
    response = post_form(client("cd_applicant"), "/start/project", fields, action=None)
    assert response.status_code == 422 and "「推荐单位」须为市（州）或县（区）科协" in text(response)
    assert count(Project) == 0


def test_project_start_is_not_for_a_society(client):
    response = client("soc_agri_applicant").get("/start/project")
    assert response.status_code == 403
    assert "不能发起科创项目申报" in text(response) and "返回我的待办" in text(response)


def test_an_eligible_society_goes_on_to_its_application_form(client, world):
    url = f"/start/grant/{world['grant_call'].id}"
    user = client("soc_agri_applicant")
    assert "最近一次年检结论" in text(user.get(url))
    response = post_form(user, url, ELIGIBLE, action=None)
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).filter_by(task_name="submit_application"))
    assert response.headers["Location"] == f"/tasks/{task.id}"


def test_an_ineligible_declaration_shows_the_reasons_in_chinese(client, world):
    url = f"/start/grant/{world['grant_call'].id}"
    user = client("soc_agri_applicant")
    declared = ELIGIBLE | {"inspection_last": "不合格", "penalized": ["false", "true"]}
    response = post_form(user, url, declared, action=None)
    html = text(response)
    assert response.status_code == 200 and "不符合申报条件" in html
    assert "最近一次年检结论为“不合格”" in html and "两年内受到行政处罚" in html
    db.session.rollback()
    assert db.session.scalar(sa.select(GrantApplication)).instance.outcome == "ineligible"
    again = post_form(user, url, ELIGIBLE, action=None)
    assert again.status_code == 409 and "该学会已提交过本年度申报，不能重复申报" in text(again)


def test_an_incomplete_declaration_keeps_nothing(client, world):
    url = f"/start/grant/{world['grant_call'].id}"
    response = post_form(client("soc_agri_applicant"), url, {"inspection_last": "合格"}, action=None)
    html = text(response)
    assert response.status_code == 422 and "「前一年度年检结论」为必填项" in html
    assert re.search(r'<option value="合格" selected>', html)  # what was chosen stays chosen
    assert count(GrantApplication) == 0


def test_grant_start_is_only_for_society_applicants(client, world):
    response = client("cd_applicant").get(f"/start/grant/{world['grant_call'].id}")
    assert response.status_code == 403 and "不能申报资助项目" in text(response)
    assert client("soc_agri_applicant").get("/start/grant/99999").status_code == 404
