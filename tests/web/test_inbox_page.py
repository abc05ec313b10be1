"""The inbox page as people use it: their tasks only, badges, filters, claim, delegate."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, RoleAssignment, Task, User

from .login import csrf_token


def test_inbox_lists_my_tasks_with_badges_and_nothing_of_other_cities(world, client, chengdu_project):
    project = chengdu_project
    page = client("cd_recommender").get("/").get_data(as_text=True)
    assert 'data-task-name="check_exclusions"' in page and project.instance.business_key in page
    assert re.search(r'data-count="all">1<', page)
    other = client("my_recommender").get("/").get_data(as_text=True)
    assert project.instance.business_key not in other and "暂无待办事项" in other


def test_filters_narrow_the_list(world, client, chengdu_project):
    recommender = client("cd_recommender")
    row = 'data-task-name="check_exclusions"'  # the 事项 filter offers every kind the person has
    assert row in recommender.get("/?process=kechuang_project").get_data(as_text=True)
    assert row not in recommender.get("/?process=expert_team_grant").get_data(as_text=True)
    mianyang = world["orgs"]["city_mianyang"].id
    page = recommender.get(f"/?city={mianyang}").get_data(as_text=True)
    assert row not in page and '<option value="check_exclusions"' in page
    assert re.search(rf'<option value="{mianyang}" selected>', page)  # the page shows what it is filtered on
    assert re.search(r'<option value="kechuang_project" selected>',
                     recommender.get("/?process=kechuang_project").get_data(as_text=True))


def test_claim_from_the_inbox_needs_csrf_and_records_it(world, client, chengdu_project):
    project = chengdu_project
    recommender = client("cd_recommender")
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id))
    assert recommender.post(f"/tasks/{task.id}/claim").status_code == 400  # no CSRF token
    token = csrf_token(recommender.get("/").get_data(as_text=True))
    recommender.post(f"/tasks/{task.id}/claim", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Task, task.id).claimed_by_id == world["users"]["cd_recommender"].id
    assert "我" in recommender.get("/").get_data(as_text=True)


def test_outsider_claim_is_a_404(world, client, chengdu_project):
    project = chengdu_project
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id))
    outsider = client("my_recommender")
    token = csrf_token(outsider.get("/").get_data(as_text=True))
    assert outsider.post(f"/tasks/{task.id}/claim", data={"csrf_token": token}).status_code == 404


def test_delegate_from_the_task_page_keeps_the_reason(world, client, chengdu_project):
    project = chengdu_project
    colleague = User(username="cd_recommender2", display_name="马清源",
                     created_at=world["users"]["cd_recommender"].created_at)
    db.session.add(colleague)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=colleague.id, org_id=world["orgs"]["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id))
    recommender = client("cd_recommender")
    page = recommender.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "转办给同事" in page and "马清源" in page
    recommender.post(f"/tasks/{task.id}/delegate", data={
        "csrf_token": csrf_token(page), "to_user_id": colleague.id, "reason": "本周出差"})
    reasons = [e.data["reason"] for e in db.session.scalars(
        sa.select(AuditEvent).filter_by(instance_id=project.instance_id, kind="delegated"))]
    assert reasons == ["本周出差"]


@pytest.mark.parametrize("ranges_from", [1000, 0])
def test_a_long_inbox_comes_in_pages_with_the_filters_kept(world, client, chengdu_project, monkeypatch,
                                                           ranges_from):
    """A department's inbox holds thousands: 50 rows a page (here 1, to keep the test small),
    the badge counts every page, and the pager keeps the filters — read as one query, or, as
    a long inbox is (RANGES_FROM), range by range of the inbox index."""
    from app.services.reading import inbox
    from app.demo.scenario import drive_project
    drive_project(world, "分页测试项目", until="check_exclusions")
    monkeypatch.setattr(inbox, "INBOX_PAGE_SIZE", 1)
    monkeypatch.setattr(inbox, "RANGES_FROM", ranges_from)
    recommender = client("cd_recommender")
    first = recommender.get("/?process=kechuang_project").get_data(as_text=True)
    assert first.count('data-task-name="check_exclusions"') == 1 and re.search(r'data-count="all">2<', first)
    assert "第 1 / 2 页（共 2 项）" in first and 'href="/?page=2&amp;process=kechuang_project"' in first
    second = recommender.get("/?page=2&process=kechuang_project").get_data(as_text=True)
    assert second.count('data-task-name="check_exclusions"') == 1 and "第 2 / 2 页" in second
    rows = {re.search(r'data-instance="([^"]+)"', page).group(1) for page in (first, second)}
    assert len(rows) == 2  # each task on exactly one page
    past_the_end = recommender.get("/?page=99&process=kechuang_project").get_data(as_text=True)
    assert "第 2 / 2 页" in past_the_end


@pytest.mark.parametrize("ranges_from", [1000, 0])
def test_many_selection_tasks_are_one_line_to_the_board_and_listed_on_demand(world, client, monkeypatch,
                                                                            ranges_from):
    """A department with hundreds of 遴选 tasks sees one line per edition (count, deadline, the
    board) instead of hundreds of rows; the 事项 filter lists them one by one; and the empty
    list under the line says the other tasks are none, not that there is nothing to do."""
    from app.services.reading import inbox
    from app.demo.scenario import drive_project
    drive_project(world, "遴选分组项目", until="select_project")
    monkeypatch.setattr(inbox, "SELECTION_GROUP_AT", 0)
    monkeypatch.setattr(inbox, "RANGES_FROM", ranges_from)
    selector = client("sel_innovation")
    page = selector.get("/").get_data(as_text=True)
    assert "待遴选项目1项" in page and "进入遴选工作台" in page
    assert 'data-task-name="select_project"' not in page and "除遴选外，暂无其他待办事项。" in page
    listed = selector.get("/?task=select_project").get_data(as_text=True)
    assert listed.count('data-task-name="select_project"') == 1


def test_an_empty_filtered_inbox_says_the_filter_found_nothing(world, client, chengdu_project):
    recommender = client("cd_recommender")
    assert "没有符合筛选条件的待办事项。" in recommender.get("/?process=expert_team_grant").get_data(as_text=True)
    untouched = client("my_recommender").get("/?process=&task=&due=").get_data(as_text=True)
    assert "暂无待办事项。" in untouched and "筛选条件" not in untouched.split('class="empty"')[1]
