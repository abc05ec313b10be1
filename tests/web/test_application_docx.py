"""The 申报书 in Word beside its PDF over HTTP: linked on the instance page, the same content
(the draft before submission, the submission after), authorised like the instance (404)."""
from __future__ import annotations

from io import BytesIO

import docx
import pytest

from app.services.documents import documents
from app.services.grant.applications import start_application
from app.services.steps.task_forms import save_draft
from tests.services.grant_steps import ELIGIBLE, apply
from tests.services.steps import complete, task_of

from .login import logged_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(application) -> str:
    return f"/instances/{application.instance_id}/documents/application.docx"


def word(response) -> docx.Document:
    assert response.status_code == 200 and response.mimetype == DOCX
    return docx.Document(BytesIO(response.data))


def texts(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def submitted(world, upload_dir):
    return apply(world)


def test_the_submitted_application_downloads_as_docx_beside_its_pdf(app, submitted):
    client = logged_in(app, "grant_officer")
    page = client.get(f"/instances/{submitted.instance_id}").get_data(as_text=True)
    assert url(submitted) in page and "Word版" in page
    response = client.get(url(submitted))
    document = word(response)
    assert "四川省智能制造学会" in texts(document)
    assert document.sections[0].header.paragraphs[0].text == ""
    assert response.headers["Content-Disposition"].endswith(".docx")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_draft_docx_is_the_applicants_own_saved_form(app, world, upload_dir):
    users = world["users"]
    application = start_application(world["grant_call"].id, world["orgs"]["soc_smart_mfg"].id,
                                     users["soc_mfg_applicant"])
    complete(users["soc_mfg_applicant"], application.instance, "declare_eligibility", ELIGIBLE)
    save_draft(task_of(application.instance, "submit_application").id,
               {"cover": {"project_name": "半成品项目"}}, {}, users["soc_mfg_applicant"])
    document = word(logged_in(app, "soc_mfg_applicant").get(url(application)))
    assert "半成品项目" in texts(document)
    assert document.sections[0].header.paragraphs[0].text == "草稿 · 未提交"
    served = documents.application_docx(application.instance_id, users["soc_mfg_applicant"])
    assert served.draft and served.filename.endswith("-草稿.docx")


def test_others_get_not_found(app, submitted):
    for name in ("soc_agri_applicant", "cd_applicant", "expert_a"):
        assert logged_in(app, name).get(url(submitted)).status_code == 404, name
