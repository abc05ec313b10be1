"""遴选工作台 through HTTP: the board page, marks by plain POST forms (CSRF), refusals on the
row with 403 / 409 and the Chinese reason, the deadline, and two marks racing for the last slot."""
from __future__ import annotations

import contextvars
import threading
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import RoleAssignment, SelectionMark, User
from app.services.kechuang import selection
from tests.conftest import SHANGHAI
from tests.services.selection_rows import add_recommended

from .formdata import text as page_text
from .visible import identifiers, visible_text
from .login import csrf_token


@pytest.fixture
def edition(world):
    edition = world["edition"]
    edition.selection_departments = {**edition.selection_departments, "admission": "dept_innovation"}
    db.session.commit()
    return edition


def filler(world, project_type="tech_transfer", count=1, **kwargs):
    orgs = world["orgs"]
    kwargs.setdefault("admitted_by", world["users"]["sel_innovation"])
    return add_recommended(world["edition"], orgs["city_mianyang"], orgs["city_mianyang"],
                           project_type, count, **kwargs)


def text(response) -> str:
    return visible_text(page_text(response))


def board_url(edition) -> str:
    return f"/editions/{edition.id}/selection"


def post(client, url: str, data: dict):
    token = csrf_token(client.get(url.rsplit("/", 1)[0]).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def placements() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(SelectionMark).filter_by(
        stage="placement"))


def test_the_board_shows_quotas_and_the_pool(client, world, edition):
    filler(world, "tech_transfer", 3, bucket="opening", title="开幕项目")
    filler(world, count=2, admitted_by=None, title="候选项目")
    page = client("sel_innovation").get(board_url(edition))
    assert page.status_code == 200
    html = text(page)
    assert "开幕式发布·科技成果转化 10 3 7" in html
    assert "候选项目（共5项）" in html and "候选项目1" in html
    assert "下限未达到：参会项目总数3项，未达到下限3000项" in html
    assert identifiers(page_text(page)) == set()  # no codes or English from the data
    societies = text(client("sel_societies").get(board_url(edition)))
    assert "候选项目（共3项）" in societies and "候选项目1" not in societies  # admitted only


def test_admit_then_place_by_plain_forms(client, world, edition):
    [project] = filler(world, admitted_by=None)
    innovation = client("sel_innovation")
    answer = post(innovation, f"{board_url(edition)}/admit", {"project_ids": project, "admitted": "1"})
    assert answer.status_code == 302
    answer = post(client("sel_popularisation"), f"{board_url(edition)}/place",
                  {"project_id": project, "bucket": "showcase"})
    assert answer.status_code == 302 and placements() == 1


def test_another_departments_bucket_is_refused_with_403_on_the_row(client, world, edition):
    [project] = filler(world)
    answer = post(client("sel_societies"), f"{board_url(edition)}/place",
                  {"project_id": project, "bucket": "opening"})
    assert answer.status_code == 403
    assert "您无权遴选「开幕式发布」项目（由省科协创新发展部（创发部）遴选）" in text(answer)
    assert placements() == 0


def test_a_full_quota_is_refused_with_409_naming_it(client, world, edition):
    filler(world, "tech_transfer", 10, bucket="opening")
    [eleventh] = filler(world, "tech_transfer")
    answer = post(client("sel_innovation"), f"{board_url(edition)}/place",
                  {"project_id": eleventh, "bucket": "opening"})
    assert answer.status_code == 409
    assert "开幕式发布的科技成果转化项目已满10项" in text(answer) and placements() == 10


def test_a_mark_one_second_after_the_deadline_is_refused(client, world, edition, clock):
    [project] = filler(world)
    person = client("sel_popularisation")
    clock.set(datetime(2023, 12, 21, 0, 0, 0, tzinfo=SHANGHAI))
    answer = post(person, f"{board_url(edition)}/place", {"project_id": project, "bucket": "showcase"})
    assert answer.status_code == 409
    assert "遴选已于2023年12月20日截止" in text(answer) and placements() == 0


@pytest.fixture
def colleague(world):
    """A second 创发部 selector."""
    me = world["users"]["sel_innovation"]
    user = User(username="sel_innovation2", display_name="杜明远", created_at=me.created_at,
                password_hash=me.password_hash)
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, org_id=world["orgs"]["dept_innovation"].id,
                                  role="selector"))
    db.session.commit()
    return user


def test_two_marks_for_the_last_slot_one_wins_the_loser_gets_409(client, world, edition,
                                                                  colleague, monkeypatch):
    filler(world, "tech_transfer", 9, bucket="opening")
    first, second = filler(world, "tech_transfer", 2, title="最后名额")
    people = {first: client("sel_innovation"), second: client("sel_innovation2")}
    url = f"{board_url(edition)}/place"
    tokens = {p: csrf_token(c.get(board_url(edition)).get_data(as_text=True)) for p, c in people.items()}
    barrier, real = threading.Barrier(2, timeout=20), selection.lock_edition

    def both_checked_then_lock(edition_id):
        barrier.wait()  # both passed every check before the lock: only the recount can refuse
        real(edition_id)
    monkeypatch.setattr(selection, "lock_edition", both_checked_then_lock)
    answers, threads = {}, []
    for project, person in people.items():
        data = {"project_id": project, "bucket": "opening", "csrf_token": tokens[project]}
        context = contextvars.copy_context()
        threads.append(threading.Thread(target=lambda p=project, c=person, d=data, x=context:
                                        answers.update({p: x.run(c.post, url, data=d)})))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answer.status_code for answer in answers.values()) == [302, 409]
    loser = next(answer for answer in answers.values() if answer.status_code == 409)
    assert "开幕式发布的科技成果转化项目已满10项" in text(loser)
    assert placements() == 10


def test_the_selectors_inbox_groups_thousands_of_tasks_into_one_line(client, world, edition):
    filler(world, count=25, admitted_by=None, selector_org=world["orgs"]["dept_innovation"])
    inbox = client("sel_innovation").get("/")
    html = text(inbox)
    assert "遴选：第三届科创中国·天府科技云服务大会待遴选项目25项" in html
    assert html.count("示例项目") == 0  # no row per task
    one_by_one = text(client("sel_innovation").get("/?task=select_project"))
    assert one_by_one.count("示例项目") == 25


def test_each_edition_is_grouped_on_its_own_and_only_the_selectors_tasks_count(client, world, edition):
    """An edition with thousands of 遴选 tasks is one line; another with a few keeps a row per
    task; another department's 遴选 tasks are in neither."""
    from app.models import ConferenceEdition
    orgs = world["orgs"]
    columns = {attr.key: getattr(edition, attr.key)
               for attr in sa.inspect(ConferenceEdition).column_attrs if attr.key != "id"}
    next_one = ConferenceEdition(**{**columns, "number": edition.number + 1, "name": "第四届测试大会"})
    db.session.add(next_one)
    db.session.commit()
    filler(world, count=25, admitted_by=None, selector_org=orgs["dept_innovation"])
    add_recommended(next_one, orgs["city_mianyang"], orgs["city_mianyang"], "tech_transfer", 3,
                    selector_org=orgs["dept_innovation"], title="下届项目")
    filler(world, count=30, admitted_by=None, selector_org=orgs["dept_societies"], title="学会部项目")
    html = text(client("sel_innovation").get("/"))
    assert "遴选：第三届科创中国·天府科技云服务大会待遴选项目25项" in html
    assert "第四届测试大会待遴选项目" not in html and html.count("下届项目") == 3
    assert html.count("示例项目") == 0 and "学会部项目" not in html
