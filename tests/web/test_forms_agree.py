"""Forms that agree with each other, over HTTP: what 资格审查 needs is required at 提交科创项目,
the start page's 项目名称 and 项目类型 start the submit form, 资格自查's answers are §一's, read-only."""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from app.demo.scenario import drive_application
from app.extensions import db
from app.models import Project
from app.services.grant.applications import apply_to_call
from app.services.kechuang.projects import start_project
from tests.factories import application_form, submission
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import complete, open_tasks, snapshot, task_of

from .formdata import flatten, input_value, post_form, text

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
STANDING = ("inspection_previous", "inspection_last", "penalized", "notified")
DECLARED = {**ELIGIBLE, "inspection_previous": "基本合格"}


def task_url(instance, task_name: str) -> str:
    db.session.rollback()  # read what the requests committed
    return f"/tasks/{task_of(instance, task_name).id}"


def pdf(name: str):
    return io.BytesIO(PDF), name


@pytest.fixture
def project(world):
    orgs = world["orgs"]
    return start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                         "视觉引导柔性装配", "tech_transfer", world["users"]["cd_applicant"])


@pytest.fixture
def application(world):
    """soc_smart_mfg declared 前一年度 基本合格 (still eligible)."""
    return apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, DECLARED,
                         world["users"]["soc_mfg_applicant"])


def materials_posted(raw: dict) -> dict:
    """The submission as posted, without the file references (the files go as uploads)."""
    return flatten({k: v for k, v in raw.items() if not k.endswith("_ref")})


# 提交科创项目 ---------------------------------------------------------------------------------

def test_submit_without_the_video_is_refused_with_the_field_named(client, project, upload_dir):
    user, url = client("cd_applicant"), task_url(project.instance, "submit_project")
    before = snapshot(project.instance)
    response = post_form(user, url, materials_posted(submission()),
                         files={"introduction_ref": pdf("介绍.pdf"), "proof_ref": pdf("证明.pdf")})
    html = text(response)
    assert response.status_code == 422
    assert "科技成果转化项目须提供「大会推介视频」" in html
    assert 'href="#f-video_ref"' in html
    assert snapshot(project.instance) == before


def test_finance_product_without_proof_is_accepted(client, project, upload_dir):
    user, url = client("cd_applicant"), task_url(project.instance, "submit_project")
    raw = materials_posted(submission(project_type="finance_product"))
    response = post_form(user, url, raw, files={"video_ref": pdf("视频说明.pdf"),
                                                "introduction_ref": pdf("介绍.pdf")})
    assert response.status_code == 302
    db.session.rollback()
    stored = db.session.get(Project, project.id)
    assert stored.project_type == "finance_product" and stored.details["proof_ref"] is None
    assert open_tasks(project.instance) == ["check_exclusions"]


def test_the_start_pages_title_and_type_start_the_submit_form(client, world):
    user, chengdu = client("cd_applicant"), world["orgs"]["city_chengdu"].id
    started = post_form(user, "/start/project", {
        "edition_id": str(world["edition"].id), "owner_org_id": str(world["orgs"]["ent_cloudwise"].id),
        "title": "农田墒情智能监测", "project_type": "tech_challenge",
        "recommender_org_id": str(chengdu)}, action=None)
    html = text(user.get(started.headers["Location"]))
    assert input_value(html, "title") == "农田墒情智能监测"
    assert '<option value="tech_challenge" selected>科技难题攻关</option>' in html
    assert input_value(html, "owner_unit") == world["orgs"]["ent_cloudwise"].name
    assert 'data-prefill="earlier"' in html


# 申报书 §一 ----------------------------------------------------------------------------------

class Controls(HTMLParser):
    """Every input, select and textarea of a page: (tag, attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            self.found.append((tag, dict(attrs)))

    def named(self, name: str) -> list[tuple[str, dict]]:
        return [(tag, attrs) for tag, attrs in self.found if attrs.get("name") == name]

    def with_id(self, element_id: str) -> tuple[str, dict]:
        return next((tag, attrs) for tag, attrs in self.found if attrs.get("id") == element_id)


def test_section_one_shows_the_declared_standing_read_only(client, application):
    html = text(client("soc_mfg_applicant").get(task_url(application.instance, "submit_application")))
    page = Controls(html)
    for name in STANDING:
        path = f"unit_info.{name}"
        posted = page.named(path)  # what the form sends: one hidden input, the declared value
        assert [(tag, attrs["type"]) for tag, attrs in posted] == [("input", "hidden")], path
        expected = DECLARED[name] if isinstance(DECLARED[name], str) else str(DECLARED[name]).lower()
        assert posted[0][1]["value"] == expected, path
        tag, shown = page.with_id(f"f-unit_info-{name}")  # what a person sees: not editable
        assert tag == "input" and "name" not in shown, path
        assert "readonly" in shown or "disabled" in shown, path
    assert page.with_id("f-unit_info-inspection_previous")[1]["value"] == "基本合格"
    assert "checked" not in page.with_id("f-unit_info-penalized")[1]
    assert html.count("由此前填报带入，不可修改") == len(STANDING)
    assert input_value(html, "unit_info.society_name") == "四川省智能制造学会"
    assert "society_name" not in [a.get("name", "").split(".")[-1]
                                  for _, a in page.found if a.get("readonly") is not None]


def test_a_forged_post_cannot_change_the_declared_standing(client, world, application, upload_dir):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    form = application_form(world["orgs"]["soc_smart_mfg"].name)
    form["unit_info"].update(inspection_previous="合格", inspection_last="不合格", penalized=True,
                             notified=True)
    form.pop("stamped_pdf_ref", None)
    response = post_form(user, url, flatten(form), files={"stamped_pdf_ref": pdf("盖章申报书.pdf")})
    assert response.status_code == 302
    db.session.rollback()
    db.session.refresh(application)
    assert {name: application.form["unit_info"][name] for name in STANDING} == DECLARED


def test_the_recommend_form_starts_from_the_submitted_sector(client, chengdu_project, world):
    complete(world["users"]["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    html = text(client("cd_recommender").get(task_url(chengdu_project.instance, "recommend_project")))
    assert '<option value="electronics_equipment" selected>电子信息和装备制造</option>' in html


def test_the_approval_amount_is_the_calls_award_read_only(client, world, clock):
    application = drive_application(world, clock, "soc_tea_science", "soc_tea_applicant",
                                    "issue_approval")
    html = text(client("grant_officer").get(task_url(application.instance, "issue_approval")))
    page = Controls(html)
    assert [(t, a["type"], a["value"]) for t, a in page.named("amount_wan")] == [
        ("input", "hidden", "30")]
    assert "readonly" in page.with_id("f-amount_wan")[1]
