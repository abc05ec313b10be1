"""区 → 市 → 省 through HTTP: a county's project is seen by the county and its city only, sits in
its city's inbox once the county has recommended it, and the city's form shows the county's
recommendation and starts from its 推介意向."""
from __future__ import annotations

import re

import pytest

from app.demo.materials import with_materials
from app.demo.samples import recommendation
from app.services.kechuang.projects import start_project
from tests.factories import submission
from tests.services.steps import complete, open_tasks

from .formdata import flatten, post_form, text
from .login import logged_in
from .test_task_forms import task_url

TITLE = "武侯区智能传感项目"


@pytest.fixture
def county_project(world, upload_dir):
    """A project of 成都云智 recommended by 武侯区科协, submitted with its materials."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["county_wuhou"].id,
                            TITLE, "tech_transfer", users["cd_applicant"])
    raw = with_materials(project.instance, users["cd_applicant"], submission(title=TITLE))
    complete(users["cd_applicant"], project.instance, "submit_project", raw)
    return project


@pytest.fixture
def at_city(world, county_project):
    users = world["users"]
    complete(users["wh_recommender"], county_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["wh_recommender"], county_project.instance, "recommend_project",
             recommendation(users["cd_concierge"].id, reason="区内龙头企业牵头，已完成中试。"))
    return county_project


@pytest.mark.parametrize("username, status", [
    ("wh_recommender", 200), ("cd_recommender", 200), ("my_recommender", 404),
    ("fc_recommender", 404)])
def test_instance_page_and_files_for_the_county_and_its_city_only(app, county_project, username,
                                                                  status):
    client = logged_in(app, username)
    html = client.get(f"/instances/{county_project.instance_id}")
    assert html.status_code == status
    listed = text(client.get("/instances"))
    assert (county_project.instance.business_key in listed) == (status == 200)
    files = re.findall(r'href="(/attachments/\d+)"',
                       text(logged_in(app, "admin").get(f"/instances/{county_project.instance_id}")))
    assert files
    download = client.get(files[0])
    assert download.status_code == status
    download.close()


def test_county_project_in_its_citys_inbox_only(app, at_city):
    assert open_tasks(at_city.instance) == ["city_recommend_project"]
    url = task_url(at_city.instance, "city_recommend_project")
    assert TITLE in text(logged_in(app, "cd_recommender").get("/"))
    for outsider in ("wh_recommender", "my_recommender", "fc_recommender"):
        assert TITLE not in text(logged_in(app, outsider).get("/"))
        assert logged_in(app, outsider).get(url).status_code == 404


def test_city_form_shows_the_countys_recommendation_and_starts_from_it(app, world, at_city):
    url = task_url(at_city.instance, "city_recommend_project")
    html = text(logged_in(app, "cd_recommender").get(url))
    assert "县（市、区）科协推荐意见" in html and "区内龙头企业牵头，已完成中试。" in html
    intent = re.search(r'<select id="f-intent".*?</select>', html, re.S).group(0)
    assert re.search(r'<option[^>]*value="major_roadshow"[^>]*selected', intent)
    response = post_form(logged_in(app, "cd_recommender"), url, flatten(recommendation(
        world["users"]["cd_concierge"].id, intent="showcase", sector=None,
        reason="市级择优推荐。", rank=3)))
    assert response.status_code == 302
    assert open_tasks(at_city.instance) == ["select_project"]
    select = text(logged_in(app, "sel_innovation").get(task_url(at_city.instance, "select_project")))
    assert "市级择优推荐。" in select  # the province reads the city's recommendation
