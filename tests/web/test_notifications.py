"""提醒 in the inbox: the header badge, the list, marking read (POST with CSRF, own only)."""
from __future__ import annotations

import re
from datetime import datetime

from app.services.background.reminders import send_due_reminders
from tests.conftest import SHANGHAI

from .login import csrf_token


def badge(page: str) -> int:
    match = re.search(r'data-count="notifications">(\d+)<', page)
    return int(match.group(1)) if match else 0


def read_all(user_client) -> None:
    page = user_client.get("/notifications").get_data(as_text=True)
    assert user_client.post("/notifications/read-all",
                            data={"csrf_token": csrf_token(page)}).status_code == 302


def test_badge_list_and_mark_read(client, chengdu_project, clock):
    recommender = client("cd_recommender")
    page = recommender.get("/").get_data(as_text=True)
    assert badge(page) == 1 and 'id="reminders"' not in page  # 新待办 of the project: no 提醒
    read_all(recommender)
    assert badge(recommender.get("/").get_data(as_text=True)) == 0
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    assert send_due_reminders() == 1

    page = recommender.get("/").get_data(as_text=True)
    assert badge(page) == 1
    assert 'id="reminders"' in page and "到期提醒" in page and "2023年12月15日到期" in page
    notification_id = re.search(r'data-notification="(\d+)"', page).group(1)
    other = client("my_recommender")
    assert badge(other.get("/").get_data(as_text=True)) == 0
    assert other.post(f"/notifications/{notification_id}/read",
                      data={"csrf_token": csrf_token(other.get("/").get_data(as_text=True))}
                      ).status_code == 404  # someone else's: not found
    assert recommender.post(f"/notifications/{notification_id}/read").status_code == 400  # no CSRF
    assert badge(recommender.get("/").get_data(as_text=True)) == 1

    response = recommender.post(f"/notifications/{notification_id}/read",
                                data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    page = recommender.get("/").get_data(as_text=True)
    assert badge(page) == 0 and 'id="reminders"' not in page


def test_mark_all_read(client, chengdu_project, clock):
    recommender = client("cd_recommender")
    read_all(recommender)  # the 新待办
    clock.set(datetime(2023, 12, 12, 9, tzinfo=SHANGHAI))
    send_due_reminders()
    clock.set(datetime(2023, 12, 15, 9, tzinfo=SHANGHAI))
    send_due_reminders()
    page = recommender.get("/").get_data(as_text=True)
    assert badge(page) == 2 and "今日到期" in page
    assert recommender.post("/notifications/read-all", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert badge(recommender.get("/instances").get_data(as_text=True)) == 0


def test_a_long_overdue_list_says_how_far_it_counted_and_pages_on(client, world, chengdu_project, clock,
                                                                 monkeypatch):
    """逾期督办 counts up to a cap ("1000+"; here 1 row a page, counted up to 1): the pager
    says "1+" and offers the next page, which counts as far as it needs."""
    from app.demo.scenario import drive_project
    from app.services.background import reminders
    drive_project(world, "第二个逾期项目", until="check_exclusions")
    monkeypatch.setattr(reminders, "OVERDUE_PAGE_SIZE", 1)
    monkeypatch.setattr(reminders, "OVERDUE_COUNTED_UP_TO", 1)
    clock.set(datetime(2023, 12, 17, 9, tzinfo=SHANGHAI))
    supervisor = client("sel_innovation")
    first = supervisor.get("/overdue").get_data(as_text=True)
    assert "第 1 / 1+ 页（共 1+ 项）" in first and 'href="/overdue?page=2"' in first
    assert first.count('data-task-name="check_exclusions"') == 1
    second = supervisor.get("/overdue?page=2").get_data(as_text=True)
    assert "第 2 / 2 页（共 2 项）" in second and 'rel="next"' not in second
    assert second.count('data-task-name="check_exclusions"') == 1
    monkeypatch.setattr(reminders, "OVERDUE_COUNTED_UP_TO", 1000)
    assert "第 1 / 2 页（共 2 项）" in supervisor.get("/overdue").get_data(as_text=True)


def test_overdue_supervision_filters_by_task_and_city_and_pages_with_them(client, world, chengdu_project,
                                                                          clock, monkeypatch):
    """A department supervising hundreds of late tasks narrows 逾期督办 to one 事项 or one
    市州; the pager keeps the filters, and a filter that finds nothing says so."""
    from app.demo.scenario import drive_project
    from app.services.background import reminders
    drive_project(world, "第二个逾期项目", until="check_exclusions")
    drive_project(world, "待推荐逾期项目", until="recommend_project")
    monkeypatch.setattr(reminders, "OVERDUE_PAGE_SIZE", 1)
    clock.set(datetime(2023, 12, 30, 9, tzinfo=SHANGHAI))
    supervisor = client("sel_innovation")
    everything = supervisor.get("/overdue").get_data(as_text=True)
    assert "共 3 项" in everything and '<option value="check_exclusions"' in everything
    chengdu, mianyang = world["orgs"]["city_chengdu"].id, world["orgs"]["city_mianyang"].id
    checks = supervisor.get(f"/overdue?task=check_exclusions&city={chengdu}").get_data(as_text=True)
    assert "第 1 / 2 页（共 2 项）" in checks and checks.count('data-task-name="check_exclusions"') == 1
    assert f'href="/overdue?page=2&amp;task=check_exclusions&amp;city={chengdu}"' in checks
    second = supervisor.get(f"/overdue?page=2&task=check_exclusions&city={chengdu}").get_data(as_text=True)
    assert second.count('data-task-name="check_exclusions"') == 1 and 'data-task-name="recommend_project"' not in second
    recommend = supervisor.get("/overdue?task=recommend_project").get_data(as_text=True)
    assert recommend.count('data-task-name="recommend_project"') == 1 and 'class="pager"' not in recommend
    elsewhere = supervisor.get(f"/overdue?city={mianyang}").get_data(as_text=True)
    assert "没有符合筛选条件的逾期事项。" in elsewhere and "data-task-name" not in elsewhere
