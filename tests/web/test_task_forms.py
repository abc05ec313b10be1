"""Task pages as a user sees them: the 申报书 from its schema, refused input kept with the rule
beside the field, 暂存 and resume, the stamped PDF upload, CSRF and 404 for other orgs."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from app.demo.samples import application_form, team
from app.extensions import db
from app.models import Attachment, AuditEvent, TaskDraft
from app.services.grant.applications import apply_to_call
from tests.services.grant_steps import ELIGIBLE
from tests.services.steps import complete, open_tasks, snapshot, task_of

from .formdata import flatten, input_value, post_form, text

SOCIETY = "四川省智能制造学会"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def application(world):
    """soc_smart_mfg has declared itself eligible: 填报申报书 is open."""
    return apply_to_call(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id, ELIGIBLE,
                         world["users"]["soc_mfg_applicant"])


def task_url(instance, task_name: str) -> str:
    db.session.rollback()  # read what the requests committed
    return f"/tasks/{task_of(instance, task_name).id}"


def section(html: str, element_id: str) -> str:
    """The HTML of the fieldset with this id."""
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</fieldset>", html.index("<table", start))]


def textarea(html: str, name: str) -> str:
    pattern = rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>'
    return re.search(pattern, html, re.S).group(1)


def test_application_form_shows_every_section_table_and_counter(client, application):
    response = client("soc_mfg_applicant").get(task_url(application.instance, "submit_application"))
    html = text(response)
    assert response.status_code == 200
    for title in ("封面", "一、项目申报单位基本情况", "二、重点工作内容及具体举措", "三、项目目标及预期成效",
                  "四、项目实施条件及保障措施", "五、项目经费预算", "六、进度安排", "七、专家团成员组成及分工"):
        assert f"<legend>{title}</legend>" in html, title
    for table in ("budget.lines", "schedule.phases", "team.members"):
        assert f'data-path="{table}"' in html
        assert f'name="{table}.0.' in html and f'name="{table}.__INDEX__.' in html  # row + template
    assert html.count("添加一行") == 3 and "删除" in html
    assert 'id="f-team-members-0-is_lead"' in html and 'id="f-cover-contact_email"' in html
    counter = re.findall(r'已输入 <span class="count">0</span> / 2000 字', html)
    assert len(counter) == 3 and 'data-max-chars="2000"' in html
    assert ('type="file" id="f-stamped_pdf_ref" name="stamped_pdf_ref" '
            'accept=".pdf,application/pdf"') in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert 'button type="submit" name="_action" value="submit"' in html
    assert 'button type="submit" name="_action" value="save_draft"' in html
    assert "上传加盖公章的申报书PDF" in html  # the step's documentation from the BPMN
    assert "js/forms.js" in html


def test_nine_members_come_back_with_the_rule_beside_the_team_and_nothing_lost(client, application):
    url = task_url(application.instance, "submit_application")
    before = snapshot(application.instance)
    form = application_form(SOCIETY, team={"members": team(9)})
    response = post_form(client("soc_mfg_applicant"), url, flatten(form))
    html = text(response)
    assert response.status_code == 422
    assert "专家团成员不少于10人（当前9人）" in section(html, "f-team-members")
    assert 'class="error-summary"' in html and 'href="#f-team-members"' in html
    assert input_value(html, "team.members.8.name") == "专家09"
    assert input_value(html, "budget.lines.2.item") == "会议费"
    assert input_value(html, "cover.contact_email") == "contact@example.org"
    assert textarea(html, "key_measures") == form["key_measures"]
    assert re.search(r'name="team.members.0.is_lead" value="true" checked', html)
    assert snapshot(application.instance) == before


def test_valid_application_moves_on_to_formal_review(client, world, application):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    response = post_form(user, url, flatten(application_form(SOCIETY)))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "已提交" in text(user.get("/"))
    db.session.rollback()
    assert open_tasks(application.instance) == ["formal_review"]
    assert user.get(url).status_code == 404  # done: the step is gone


def test_draft_is_saved_resumed_and_private_then_dropped_on_submit(client, application):
    url = task_url(application.instance, "submit_application")
    owner = client("soc_mfg_applicant")
    response = post_form(owner, url, {"cover.project_name": "草稿中的项目", "team.members.0.name": "杨振华"},
                         action="save_draft")
    assert response.status_code == 200 and "已暂存" in text(response)
    assert input_value(text(response), "cover.project_name") == "草稿中的项目"
    resumed = text(owner.get(url))
    assert 'data-prefill="draft"' in resumed
    assert input_value(resumed, "cover.project_name") == "草稿中的项目"
    assert input_value(resumed, "team.members.0.name") == "杨振华"
    colleague = text(client("expert_d").get(url))  # also an applicant of the same society
    assert input_value(colleague, "cover.project_name") == "" and 'data-prefill="draft"' not in colleague
    assert post_form(owner, url, flatten(application_form(SOCIETY))).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskDraft)) == 0


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_stored(client, application, upload_dir):
    url = task_url(application.instance, "submit_application")
    before = snapshot(application.instance)
    fake = (io.BytesIO(b"PK\x03\x04 a zip named like a pdf"), "申报书.pdf", "application/pdf")
    response = post_form(client("soc_mfg_applicant"), url, flatten(application_form(SOCIETY)),
                         files={"stamped_pdf_ref": fake})
    assert response.status_code == 422
    assert "「盖章申报书（PDF）」须为PDF文件" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert snapshot(application.instance) == before


def test_an_upload_over_10_mb_is_refused(client, application, upload_dir):
    url = task_url(application.instance, "submit_application")
    big = (io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "申报书.pdf")
    response = post_form(client("soc_mfg_applicant"), url, flatten(application_form(SOCIETY)),
                         files={"stamped_pdf_ref": big})
    assert response.status_code == 422 and "「盖章申报书（PDF）」不超过10MB" in text(response)


def test_a_pdf_is_stored_by_its_sha256_and_referenced_by_the_form(client, application, upload_dir):
    url = task_url(application.instance, "submit_application")
    response = post_form(client("soc_mfg_applicant"), url, flatten(application_form(SOCIETY)),
                         files={"stamped_pdf_ref": (io.BytesIO(PDF), "../../盖章申报书.pdf")})
    assert response.status_code == 302
    db.session.rollback()
    attachment = db.session.scalar(sa.select(Attachment))
    digest = hashlib.sha256(PDF).hexdigest()
    assert (attachment.sha256, attachment.size) == (digest, len(PDF))
    assert attachment.filename == "盖章申报书.pdf"  # the path the browser sent is dropped
    assert attachment.instance_id == application.instance.id
    assert attachment.content_type == "application/pdf"
    assert (upload_dir / digest[:2] / digest).read_bytes() == PDF
    submitted = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=application.instance.id, task_name="submit_application", kind="completed"))
    assert submitted["form"]["stamped_pdf_ref"] == f"attachment:{attachment.id}"


def test_an_uploaded_pdf_survives_a_refused_form(client, application, upload_dir):
    user = client("soc_mfg_applicant")
    url = task_url(application.instance, "submit_application")
    refused = post_form(user, url, flatten(application_form(SOCIETY, team={"members": team(9)})),
                        files={"stamped_pdf_ref": (io.BytesIO(PDF), "申报书.pdf")})
    assert refused.status_code == 422
    ref = input_value(text(refused), "stamped_pdf_ref")
    assert ref.startswith("upload:") and "已上传：申报书.pdf" in text(refused)
    assert attachment_count() == 0  # the refused submission recorded nothing (bytes kept on disk)
    fixed = flatten(application_form(SOCIETY)) | {"stamped_pdf_ref": ref}
    assert post_form(user, url, fixed).status_code == 302
    db.session.rollback()
    attachment = db.session.scalar(sa.select(Attachment))
    assert (attachment.filename, attachment.sha256) == ("申报书.pdf", hashlib.sha256(PDF).hexdigest())


def attachment_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_a_staged_file_is_handed_back_only_by_its_uploader_unchanged(client, application,
                                                                      upload_dir):
    owner, colleague = client("soc_mfg_applicant"), client("expert_d")  # same society
    url = task_url(application.instance, "submit_application")
    refused = post_form(owner, url, flatten(application_form(SOCIETY, team={"members": team(9)})),
                        files={"stamped_pdf_ref": (io.BytesIO(PDF), "申报书.pdf")})
    ref = input_value(text(refused), "stamped_pdf_ref")
    for forged in (ref.replace("申报书.pdf", "别的.pdf"), ref[:-12] + "0" * 12):
        answer = post_form(owner, url, flatten(application_form(SOCIETY)) | {"stamped_pdf_ref": forged})
        assert answer.status_code == 422 and "所引用的文件不存在" in text(answer)
    answer = post_form(colleague, url, flatten(application_form(SOCIETY)) | {"stamped_pdf_ref": ref})
    assert answer.status_code == 422 and "所引用的文件不存在" in text(answer)
    assert attachment_count() == 0


def test_a_reference_to_a_file_of_another_instance_is_refused(client, application):
    url = task_url(application.instance, "submit_application")
    fields = flatten(application_form(SOCIETY)) | {"stamped_pdf_ref": "attachment:99999"}
    response = post_form(client("soc_mfg_applicant"), url, fields)
    assert response.status_code == 422 and "所引用的文件不存在" in text(response)


def test_a_post_without_csrf_token_is_refused(client, application):
    url = task_url(application.instance, "submit_application")
    before = snapshot(application.instance)
    response = post_form(client("soc_mfg_applicant"), url, flatten(application_form(SOCIETY)),
                         token=False)
    assert response.status_code == 400
    assert snapshot(application.instance) == before


def test_a_user_of_another_city_gets_404_on_get_and_post(client, chengdu_project):
    url = task_url(chengdu_project.instance, "check_exclusions")
    assert client("cd_recommender").get(url).status_code == 200
    before = snapshot(chengdu_project.instance)
    other = client("my_recommender")
    assert other.get(url).status_code == 404
    assert post_form(other, url, {"exclusion_outcome": "eligible"}).status_code == 404
    assert post_form(other, url, {}, action="save_draft").status_code == 404
    assert snapshot(chengdu_project.instance) == before
    assert client("cd_applicant").get(url).status_code == 404  # same org type, other role


def test_exclusion_rules_offered_are_those_of_the_project_type(client, chengdu_project):
    html = text(client("cd_recommender").get(task_url(chengdu_project.instance, "check_exclusions")))
    assert 'name="violated_rules.0" value="not_on_platform"' in html
    assert "已经大面积推广" in html and "已攻克且取得成果" not in html  # 难题攻关 only


def test_recommendation_offers_the_concierges_of_the_city(client, world, chengdu_project):
    people = world["users"]
    complete(people["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible"})
    html = text(client("cd_recommender").get(task_url(chengdu_project.instance, "recommend_project")))
    concierge = re.search(r'<select id="f-concierge_user_id".*?</select>', html, re.S).group(0)
    assert f'value="{people["cd_concierge"].id}"' in concierge and "周晓岚" in concierge
    assert "吴承泽" not in concierge  # 绵阳's concierge


def test_reviewers_exclude_conflicts_and_scores_follow_the_criteria(client, world, application):
    people = world["users"]
    complete(people["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(SOCIETY))
    complete(people["grant_officer"], application.instance, "formal_review",
             {"formal_review_outcome": "accepted", "checklist": {
                 name: True for name in ("materials_complete", "format_ok", "stamped", "consistent",
                                         "eligibility_ok")}})
    html = text(client("grant_officer").get(task_url(application.instance, "assign_reviewers")))
    assert "杨振华" in html and "许清扬" in html and "曹俊杰" not in html  # expert_d is of the society
    reviewers = [people[name].id for name in ("expert_a", "expert_b", "expert_c")]
    response = post_form(client("grant_officer"), task_url(application.instance, "assign_reviewers"),
                         {f"reviewers.{i}": str(user_id) for i, user_id in enumerate(reviewers)})
    assert response.status_code == 302
    review = text(client("expert_a").get(task_url(application.instance, "review_application")))
    assert 'name="scores.measures"' in review and "重点工作内容及具体举措（满分30分）" in review


def test_a_returned_application_opens_with_what_was_submitted(client, world, application):
    people = world["users"]
    complete(people["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(SOCIETY))
    complete(people["grant_officer"], application.instance, "formal_review",
             {"formal_review_outcome": "returned", "comment": "请补充盖章申报书", "checklist": {}})
    html = text(client("soc_mfg_applicant").get(task_url(application.instance, "submit_application")))
    assert 'data-prefill="previous"' in html
    assert input_value(html, "team.members.9.name") == "专家10"
    assert input_value(html, "budget.total_wan") == "40"
