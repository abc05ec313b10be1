"""A 科创项目 through the real pages in chromium: the applicant submits, the city 科协 checks and
recommends, the provincial 创发部 selects; each inbox shows the task while it is theirs and
not after; a recommender of another city gets the 404 page (existence is not revealed)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo import samples
from app.extensions import db

from .pages import (assert_not_found, fill_form, inbox_row, instance_id_titled, open_inbox,
                    open_task_from_inbox, open_task_id, path_of, problems, wait_for_diagram)

pytestmark = pytest.mark.browser


def submission_fields(title: str) -> dict:
    """提交科创项目 as the applicant types it (files are uploaded from small sample files)."""
    return {"title": title, "project_type": "tech_transfer", "summary": samples.SUBMISSION["summary"],
            "owner_unit": "成都云智装备科技有限公司", "sector": "electronics_equipment",
            "platform_listing_id": "TFKJY-2023-0101",
            "video_ref": "推介视频.mp4", "introduction_ref": "项目介绍.pdf", "proof_ref": "成果证明.pdf",
            "tech_level": "domestic_leading",
            "contact_name": "李思远", "contact_phone": "13800000001", "commitment": True}


def submit_task(page) -> None:
    """提交 and leave the form; if the form comes back, fail with what it says is wrong."""
    form_url = page.url
    with page.expect_navigation():
        page.click("button[name=_action][value=submit]")
    still_form = page.url == form_url and page.locator("button[name=_action][value=submit]").count()
    assert not still_form, f"{path_of(form_url)} was not accepted: {problems(page)}"


def start_project_as(page, title: str, upload_dir) -> None:
    """发起申报 on /start/project: 科创会届次 and 申报单位 come preselected, 推荐单位 defaults to
    the unit's 市科协 (chosen explicitly here); creating it opens the submit_project form."""
    response = page.goto("/start/project")
    assert response is not None and response.status == 200, \
        f"/start/project answered {response.status if response else None}"
    fill_form(page, {"title": title, "project_type": "tech_transfer",
                     "recommender_org_id": "成都市科学技术协会"}, upload_dir)
    with page.expect_navigation():
        page.click("form.task-form button[type=submit].primary")
    assert "/tasks/" in page.url, f"starting was refused: {problems(page)}"
    expect(page.locator("h1")).to_contain_text("提交科创项目")


def start_project_by_service(live_server, title: str, username: str = "cd_applicant") -> int:
    """The same start through app.services, for tests about what comes after it."""
    from app.models import ConferenceEdition, Org, User
    from app.services.kechuang.projects import start_project
    with live_server.context():
        orgs = {o.code: o.id for o in db.session.scalars(sa.select(Org))}
        edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        return start_project(edition.id, orgs["ent_cloudwise"], orgs["city_chengdu"], title,
                             "tech_transfer", user).instance_id


def test_project_moves_from_applicant_to_city_to_province(live_server, page_as, artifacts, tmp_path):
    title = "浏览器测试：视觉引导柔性装配"

    applicant, city, province = page_as("cd_applicant"), page_as("cd_recommender"), page_as("sel_innovation")
    start_project_as(applicant, title, tmp_path)
    open_inbox(city)  # a draft is the applicant's alone
    expect(city.locator("tr[data-task-name]", has_text=title)).to_have_count(0)
    open_task_from_inbox(applicant, "submit_project", title)
    fill_form(applicant, submission_fields(title), tmp_path)
    submit_task(applicant)
    open_inbox(applicant)
    expect(inbox_row(applicant, "submit_project", title)).to_have_count(0)

    open_inbox(city)
    expect(inbox_row(city, "check_exclusions", title)).to_have_count(1)
    city.screenshot(path=str(artifacts / "inbox.png"), full_page=True)
    open_task_from_inbox(city, "check_exclusions", title)
    fill_form(city, {"exclusion_outcome": "eligible"}, tmp_path)
    submit_task(city)
    open_inbox(city)
    expect(inbox_row(city, "check_exclusions", title)).to_have_count(0)
    open_inbox(province)  # not before the city has recommended it
    expect(province.locator("tr[data-task-name]", has_text=title)).to_have_count(0)
    open_task_from_inbox(city, "recommend_project", title)
    fill_form(city, {"recommend_outcome": "recommended", "intent": "major_roadshow",
                     "sector": "electronics_equipment", "reason": "技术成熟度高，需求方明确。",
                     "rank": 1, "concierge_user_id": "周晓岚"}, tmp_path)
    submit_task(city)
    open_inbox(city)
    expect(inbox_row(city, "recommend_project", title)).to_have_count(0)

    # offered to 创发部, which admits the line-up (seed 000); 学会部 places on the board only
    societies = page_as("sel_societies")
    open_inbox(societies)
    expect(societies.locator("tr[data-task-name]", has_text=title)).to_have_count(0)
    open_task_from_inbox(province, "select_project", title)
    fill_form(province, {"select_outcome": "selected", "bucket": "pitch_sessions",
                         "comment": "入选，参加集中推介洽谈。"}, tmp_path)
    submit_task(province)
    open_inbox(province)
    expect(inbox_row(province, "select_project", title)).to_have_count(0)
    concierge = page_as("cd_concierge")
    expect(inbox_row(concierge, "pitch_project", title)).to_have_count(1)

    instance_id = instance_id_titled(live_server, title)
    response = city.goto(f"/instances/{instance_id}")
    assert response.status == 200
    expect(city.locator("main")).to_contain_text(title)
    wait_for_diagram(city)
    city.screenshot(path=str(artifacts / "instance.png"), full_page=True)

    other_city = page_as("my_recommender")
    expect(other_city.locator("tr[data-task-name]", has_text=title)).to_have_count(0)
    assert_not_found(other_city.goto(f"/instances/{instance_id}"), other_city)
    pitch = open_task_id(live_server, instance_id, "pitch_project")
    assert_not_found(other_city.goto(f"/tasks/{pitch}"), other_city)


def test_a_recommender_of_another_city_gets_the_same_404_as_for_nothing(live_server, page_as):
    title = "浏览器测试：他市不可见"
    instance_id = start_project_by_service(live_server, title)
    task_id = open_task_id(live_server, instance_id, "submit_project")

    owner = page_as("cd_applicant")  # the control: the same URLs open for the project's own side
    assert owner.goto(f"/instances/{instance_id}").status == 200
    assert owner.goto(f"/tasks/{task_id}").status == 200

    other_city = page_as("my_recommender")
    assert_not_found(other_city.goto(f"/instances/{instance_id}"), other_city)
    hidden = other_city.inner_text("main")
    assert_not_found(other_city.goto(f"/tasks/{task_id}"), other_city)
    assert_not_found(other_city.goto("/instances/999999"), other_city)
    assert other_city.inner_text("main") == hidden  # nothing tells "exists" from "never existed"

    # acting on it is refused the same way (with a valid CSRF token, so only scoping answers)
    token = other_city.locator("input[name=csrf_token]").first.get_attribute("value")
    for url, form in ((f"/tasks/{task_id}/claim", {}), (f"/tasks/{task_id}", {"_action": "submit"})):
        response = other_city.request.post(url, form={"csrf_token": token, **form}, max_redirects=0)
        assert response.status == 404, f"POST {url} answered {response.status}"
