"""A 2023 科技服务团 call of seed 001 through the pages: its terms say which values the document
fixes (its targets) and which the office set (money, dates); its applicants fill the service-team
申报书, commit to every target, and a low commitment is refused without changing anything."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.demo.samples import service_team_form
from app.extensions import db
from app.models import AuditEvent
from app.services.grant.applications import apply_to_call
from tests.conftest import SHANGHAI
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import open_tasks, task_of

from .formdata import flatten, post_form, text
from .visible import identifiers

SOCIETY = "四川省智能制造学会"


@pytest.fixture
def professional_call(world, clock):
    clock.set(datetime(2023, 5, 10, 10, 0, tzinfo=SHANGHAI))
    return next(c for c in world["service_calls"] if c.program_code == "professional_service_team")


def opened(world, call):
    return apply_to_call(call.id, world["orgs"]["soc_smart_mfg"].id, ELIGIBLE,
                         world["users"]["soc_mfg_applicant"])


def test_the_call_page_tells_the_documents_rules_from_the_offices_settings(client, world,
                                                                          professional_call):
    html = text(client("soc_mfg_applicant").get(f"/start/grant/{professional_call.id}"))
    assert "“科创中国”科技服务团示范项目" in html and "项目实施要求》一" in html
    assert "每项资助金额</dt><dd>50万元 <small class=\"muted term-source\">本次设定（申报指南未规定）" in html
    assert "转化落地科技成果不少于10项" in html and "可适当抵减" in html
    expert = text(client("soc_mfg_applicant").get(f"/start/grant/{world['grant_call'].id}"))
    assert "每项资助金额</dt><dd>30万元 <small class=\"muted term-source\">申报指南规定" in expert
    assert "可适当抵减" not in expert


def test_a_meeting_call_says_its_media_are_either_or_and_its_report_long(client, world, clock):
    clock.set(datetime(2023, 5, 10, 10, 0, tzinfo=SHANGHAI))
    meeting = next(c for c in world["event_calls"] if c.program_code == "academia_meeting")
    html = text(client("soc_mfg_applicant").get(f"/start/grant/{meeting.id}"))
    assert "国家级媒体宣介不少于1家或省市两级地方媒体宣介不少于10家" in html
    assert "（每篇不少于5000字）" in html and "“科创中国”产学融合会议" in html


def test_the_service_team_form_asks_for_a_commitment_per_target(client, world, professional_call):
    application = opened(world, professional_call)
    page = text(client("soc_mfg_applicant").get(f"/tasks/{task_of(application.instance, 'submit_application').id}"))
    assert "服务的“科创中国”试点城市" in page and "转化落地科技成果（项，不低于10）" in page
    assert "科创工作室名称" not in page  # the 专家团 form's


def test_a_low_commitment_is_refused_and_changes_nothing(client, world, professional_call):
    application = opened(world, professional_call)
    url = f"/tasks/{task_of(application.instance, 'submit_application').id}"
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    raw = service_team_form(SOCIETY, 2023, professional_call.kpi_targets)
    raw["commitments"]["achievements_transferred"] = "8"
    refused = post_form(client("soc_mfg_applicant"), url, flatten(raw))
    assert refused.status_code == 422
    assert "「转化落地科技成果」承诺值不得低于申报指南要求的10项（当前8项）" in text(refused)
    db.session.rollback()
    assert open_tasks(application.instance) == ["submit_application"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events

    raw["commitments"]["achievements_transferred"] = "12"
    assert post_form(client("soc_mfg_applicant"), url, flatten(raw)).status_code == 302
    db.session.rollback()
    assert open_tasks(application.instance) == ["formal_review"]
    shown = text(client("grant_officer").get(f"/instances/{application.instance_id}"))
    assert "转化落地科技成果 12项" in shown and "汇聚可转移转化科技成果 100项" in shown
    assert not identifiers(shown)
