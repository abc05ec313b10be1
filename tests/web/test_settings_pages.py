"""系统管理 → 届次与申报指南: an admin creates and edits a 科创会 edition and a grant call; every
save is a version; an instance keeps the deadline it started with; refusals keep the input and
change nothing; 预览 shows the dated steps; others get 403 (or 404 outside their scope)."""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from app.demo.materials import with_materials
from app.extensions import db
from app.models import ConferenceEdition, GrantCall, ProcessInstance, Project
from app.models.calls import SettingsVersion
from app.services.kechuang.projects import start_project
from app.services.shared import call_settings as cs
from tests.conftest import SHANGHAI
from tests.factories import submission
from tests.services.steps import complete

from .formdata import flatten, input_value, text
from .login import csrf_token
from .test_refusals import ELIGIBLE_FORM, check_url


def post(client, url: str, fields: dict, action: str = "save"):
    token = csrf_token(text(client.get(url)))
    return client.post(url, data={**fields, "csrf_token": token, "_action": action})


def problems(answer) -> list[str]:
    return re.findall(r'class="field-error">([^<]*)', text(answer))


def edition_fields(edition, **changes) -> dict:
    return flatten({**cs.snapshot(cs.EDITION, edition), **changes})


def call_fields(call, **changes) -> dict:
    return flatten({**cs.snapshot(cs.CALL, call), **changes})


def versions(subject: str, subject_id: int) -> list[int]:
    db.session.rollback()
    db.session.expire_all()
    db.session.expire_all()  # the pages saved in their own sessions
    return list(db.session.scalars(sa.select(SettingsVersion.number).filter_by(
        subject=subject, subject_id=subject_id).order_by(SettingsVersion.number)))


def submitted_project(world, title: str) -> Project:
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, "tech_transfer", users["cd_applicant"])
    complete(users["cd_applicant"], project.instance, "submit_project",
             with_materials(project.instance, users["cd_applicant"], submission()))
    return project


def test_admin_creates_an_edition_and_sees_it_listed(client, world):
    admin = client("admin")
    fields = edition_fields(world["edition"], number=9, year=2029, name="第九届科创会")
    answer = post(admin, "/admin/editions/new", fields)
    assert answer.status_code == 302, problems(answer)
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=9))
    assert edition.name == "第九届科创会" and versions(cs.EDITION, edition.id) == [1]
    page = text(admin.get("/admin/settings"))
    assert "第九届科创会" in page and f"/admin/editions/{edition.id}" in page
    assert 'href="/admin/settings"' in text(admin.get("/admin"))


def test_admin_creates_a_grant_call_with_criteria_and_kpi_rows(client, world):
    admin = client("admin")
    call = db.session.scalars(sa.select(GrantCall).order_by(GrantCall.id)).first()
    criteria = [{"code": "plan", "label": "实施方案", "max": "60"},
                {"code": "team", "label": "团队基础", "max": "40"}]
    fields = call_fields(call, year=2031, name="2031年度示范项目", review_criteria=criteria)
    for optional in ("correction_working_days", "rectification_months", "trim_from_reviewers"):
        fields.pop(optional)  # left blank: our defaults
    fields["_managing_org_id"] = str(call.managing_org_id)
    answer = post(admin, "/admin/calls/new", fields)
    assert answer.status_code == 302, text(answer)
    created = db.session.scalar(sa.select(GrantCall).filter_by(year=2031, program_code=call.program_code))
    assert [row["label"] for row in created.review_criteria] == ["实施方案", "团队基础"]
    assert created.kpi_targets == call.kpi_targets
    assert (created.correction_working_days, created.rectification_months) == (5, 1)
    assert versions(cs.CALL, created.id) == [1]


def test_an_instance_keeps_the_deadline_it_started_with(client, world, clock, upload_dir):
    before = submitted_project(world, "视觉引导柔性装配")
    admin = client("admin")
    edition = world["edition"]
    url = f"/admin/editions/{edition.id}"
    later = edition.select_deadline  # 推荐截止 moved to the 遴选截止 itself
    answer = post(admin, url, edition_fields(edition, recommend_deadline=later.isoformat()))
    assert answer.status_code == 302, problems(answer)
    assert versions(cs.EDITION, edition.id) == [1, 2]
    after = submitted_project(world, "高原冻土监测传感网")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ProcessInstance, before.instance_id).settings_version == 1
    assert db.session.get(ProcessInstance, after.instance_id).settings_version == 2
    page = text(admin.get(url))
    assert '<tr data-version="2">' in page and "推荐截止日期" in page

    recommender = client("cd_recommender")
    urls = [check_url(before), check_url(after)]
    tokens = [csrf_token(text(recommender.get(u))) for u in urls]
    clock.set(datetime(2023, 12, 16, 9, 0, tzinfo=SHANGHAI))  # after the old 推荐截止, before the new
    late = recommender.post(urls[0], data={**ELIGIBLE_FORM, "_action": "submit", "csrf_token": tokens[0]})
    assert late.status_code == 409  # judged by the deadline it started with
    in_time = recommender.post(urls[1], data={**ELIGIBLE_FORM, "_action": "submit", "csrf_token": tokens[1]})
    assert in_time.status_code == 302, re.findall(r"已于[^<]*", text(in_time))  # judged by the new one


def test_a_refused_edit_keeps_the_input_and_changes_nothing(client, world):
    admin = client("admin")
    edition = world["edition"]
    url = f"/admin/editions/{edition.id}"
    versions(cs.EDITION, edition.id)
    cs.ensure_version(cs.EDITION, db.session.get(ConferenceEdition, edition.id))
    db.session.commit()
    old = cs.snapshot(cs.EDITION, db.session.get(ConferenceEdition, edition.id))
    fields = edition_fields(edition, name="改过的名称", select_deadline="2020-01-01")
    fields["quotas.roadshow_min"] = "200"
    answer = post(admin, url, fields)
    assert answer.status_code == 422
    page = text(answer)
    assert "「遴选截止日期」" in page and "「专场推介项目数上限」不能小于「专场推介项目数下限」" in page
    assert input_value(page, "name") == "改过的名称"
    assert input_value(page, "select_deadline") == "2020-01-01"
    db.session.rollback()
    db.session.expire_all()
    assert cs.snapshot(cs.EDITION, db.session.get(ConferenceEdition, edition.id)) == old
    assert versions(cs.EDITION, edition.id) == [1]


def test_the_preview_lists_the_dated_steps_and_saves_nothing(client, world):
    admin = client("admin")
    call = db.session.scalars(sa.select(GrantCall).order_by(GrantCall.id)).first()
    answer = post(admin, f"/admin/calls/{call.id}", call_fields(call, name="预览用名称"), action="preview")
    page = text(answer)
    assert answer.status_code == 200
    steps = ["申报截止", "形式审查截止", "专家评审截止", "公示", "中期督查", "项目周期截止",
             "绩效评估截止", "限期整改至"]
    positions = [page.index(f'data-step="{step}"') for step in steps]
    assert positions == sorted(positions)
    assert "个工作日" in page
    assert input_value(page, "name") == "预览用名称"
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(GrantCall, call.id).name != "预览用名称"
    edition_page = text(admin.get(f"/admin/editions/{world['edition'].id}"))
    for step in ("项目征集截止", "县（市、区）科协报送截止", "遴选截止", "科创会举办", "跟踪服务至"):
        assert f'data-step="{step}"' in edition_page


def test_others_are_refused(client, world):
    applicant = client("cd_applicant")
    assert applicant.get("/admin/settings").status_code == 403
    assert applicant.get(f"/admin/editions/{world['edition'].id}").status_code == 403
    officer = client("grant_officer")
    assert officer.get("/admin/settings").status_code == 200
    assert officer.get(f"/admin/editions/{world['edition'].id}").status_code == 403
    calls = db.session.scalars(sa.select(GrantCall)).all()
    officer_org = world["orgs"]["dept_societies"].id
    for call in calls:
        expected = 200 if call.managing_org_id == officer_org else 404
        assert officer.get(f"/admin/calls/{call.id}").status_code == expected


def test_a_post_without_csrf_is_refused(client, world):
    admin = client("admin")
    edition = world["edition"]
    answer = admin.post(f"/admin/editions/{edition.id}", data=edition_fields(edition, name="无令牌"))
    assert answer.status_code in (400, 403)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ConferenceEdition, edition.id).name != "无令牌"
