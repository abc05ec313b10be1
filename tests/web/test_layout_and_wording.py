"""What every page shares, as an office worker reads it (issue 12, item 7): one Chinese date
format with 北京时间 said once in the header, the menu offering only what the person can use,
office words instead of 流程实例 / SHA-256 / manifest, 认领 only where colleagues share a task,
the favicon, and the reference data's 市 names."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Org, RoleAssignment, Task, User

from .visible import visible_text

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CHINESE_MOMENT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}")


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def menu(html: str) -> list[str]:
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", nav)


def test_task_inbox_and_instance_pages_show_dates_one_way(world, client, chengdu_project):
    recommender = client("cd_recommender")
    task = db.session.scalar(sa.select(Task).filter_by(instance_id=chengdu_project.instance_id,
                                                       task_name="check_exclusions"))
    for url in ("/", f"/tasks/{task.id}", f"/instances/{chengdu_project.instance_id}",
                "/instances"):
        text = visible_text(read(recommender, url))
        assert not ISO_DAY.search(text), (url, ISO_DAY.findall(text))
        assert len(CHINESE_MOMENT.findall(text)) >= 2, url  # the header's clock and the page's own


def test_the_header_states_beijing_time_once_in_words(world, client):
    html = read(client("cd_applicant"), "/")
    shown = visible_text(header(html))
    assert re.search(r"北京时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", shown)
    assert visible_text(html).count("北京时间") == 1


def test_the_favicon_answers_and_every_page_links_it(world, client, ctx):
    anonymous = ctx.test_client()
    with anonymous.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = read(client("cd_applicant"), "/")
    svg = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    with anonymous.get(svg) as linked:
        assert linked.status_code == 200 and linked.mimetype == "image/svg+xml"
    assert 'rel="icon"' in read(anonymous, "/login")


def test_the_menu_offers_what_the_role_can_use(world, client):
    applicant, society = menu(read(client("cd_applicant"), "/")), menu(read(client("soc_mfg_applicant"), "/"))
    assert "发起申报" in applicant and "发起申报" in society and "批量导出" not in applicant
    expert = menu(read(client("expert_a"), "/"))
    assert "发起申报" not in expert and "批量导出" not in expert and "项目与申报" in expert
    officer = menu(read(client("grant_officer"), "/"))
    assert "批量导出" in officer and "发起申报" not in officer
    assert "批量导出" in menu(read(client("admin"), "/"))
    assert all("流程实例" not in entries for entries in (applicant, expert, officer))


def test_the_menu_marks_the_page_shown_and_only_it(world, client):
    recommender = client("cd_recommender")
    def current(url: str) -> list[str]:
        return re.findall(r'aria-current="page">([^<>]+)', header(read(recommender, url)))
    assert current("/overdue") == ["逾期督办"]
    assert current("/notifications") == ["消息"]  # 消息 shares 逾期督办's blueprint, not its entry
    assert current("/instances") == ["项目与申报"]


def test_the_instance_page_speaks_to_office_staff(world, client, chengdu_project):
    for username in ("cd_recommender", "admin"):
        html = read(client(username), f"/instances/{chengdu_project.instance_id}")
        text = visible_text(html)
        for jargon in ("流程实例", "SHA-256", "manifest", "csv"):
            assert jargon not in text, (username, jargon)
    listing = visible_text(read(client("cd_recommender"), "/instances"))
    assert "项目与申报" in listing and "流程实例" not in listing


def _claim_buttons(html: str) -> int:
    return len(re.findall(r"/claim\"", html))


def test_claim_is_offered_only_where_colleagues_share_the_task(world, client, chengdu_project):
    """The applicant's returned task, and a 市科协's only reviewer, are simply theirs; once a
    colleague holds the same role there, the task is shared and 认领 appears."""
    users, orgs = world["users"], world["orgs"]
    recommender = client("cd_recommender")
    page = read(recommender, "/")
    assert 'data-task-name="check_exclusions"' in page and _claim_buttons(page) == 0
    assert "待认领" not in visible_text(page)
    colleague = User(username="cd_recommender2", display_name="马清源",
                     created_at=users["cd_recommender"].created_at)
    db.session.add(colleague)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=colleague.id, org_id=orgs["city_chengdu"].id,
                                  role="recommender"))
    db.session.commit()
    page = read(recommender, "/")
    assert _claim_buttons(page) == 1 and "待认领" in visible_text(page)
    colleague.active = False  # a deactivated colleague shares nothing
    db.session.commit()
    assert _claim_buttons(read(recommender, "/")) == 0

    applicant = read(client("cd_applicant"), "/")  # nothing to do yet: start one of their own
    assert 'data-task-name="check_exclusions"' not in applicant


def test_an_applicants_own_task_is_not_claimed(world, client, upload_dir):
    from app.services.kechuang.projects import start_project
    users, orgs = world["users"], world["orgs"]
    start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                  "视觉引导柔性装配", "tech_transfer", users["cd_applicant"])
    page = read(client("cd_applicant"), "/")
    assert 'data-task-name="submit_project"' in page
    assert _claim_buttons(page) == 0 and "认领" not in visible_text(page)


def test_city_associations_are_named_with_their_city(world):
    names = set(db.session.scalars(sa.select(Org.name).filter_by(org_type="city_association")))
    assert {"泸州市科学技术协会", "达州市科学技术协会", "成都市科学技术协会",
            "阿坝州科学技术协会", "凉山州科学技术协会"} <= names
    assert not {name for name in names if re.fullmatch(r"..州科学技术协会", name)
                and not name.startswith(("阿坝", "甘孜", "凉山"))}
