"""The 申报书 in Word beside its PDF over HTTP: linked on the instance page, the same content
(the draft before submission, the submission after), authorised like the instance (404)."""
from __future__ import annotations

from io import BytesIO

import docx
import pytest
import sqlalchemy as sa

from app.demo.scenario import RESERVE_CALL, load_demo
from app.extensions import db
from app.models import GrantApplication, GrantCall
from app.services.documents import documents
from app.services.grant.applications import start_application
from app.services.steps.task_forms import save_draft
from tests.reports import pdf
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


SERVICE_TEAM_SECTIONS = ["一、项目申报单位基本情况", "科技服务团名称", "二、服务对象与协同工作机制",
                         "三、重点工作内容及具体举措", "四、绩效目标（承诺完成数量）",
                         "五、实施条件及保障措施", "六、项目经费预算", "七、进度安排",
                         "八、服务团成员组成及分工", "以上所述任务完成情况须经“科创中国”平台确认"]


def test_the_demos_service_team_application_downloads_with_its_own_sections(app, ctx, upload_dir):
    """The demo's 2023 专业科技服务团 applications: the PDF (frozen at submission) and the .docx
    print the service-team form with the call's KPIs by name, not the 专家团 form."""
    load_demo()
    call = db.session.scalar(sa.select(GrantCall).filter_by(program_code=RESERVE_CALL))
    application = db.session.scalars(sa.select(GrantApplication).filter_by(call_id=call.id)
                                     .order_by(GrantApplication.id)).first()
    client = logged_in(app, "admin")
    response = client.get(f"/instances/{application.instance_id}/documents/application.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = "".join(pdf.raw_text(response.data).split())
    document = texts(word(client.get(url(application))))
    for text in (printed, "".join(document.split())):
        missing = [title for title in SERVICE_TEAM_SECTIONS if title not in text]
        assert missing == []
        assert all(row["label"] in text for row in call.kpi_targets)
        assert "申报说明" not in text and "科创工作室名称" not in text
        assert all(row["code"] not in text for row in call.kpi_targets)
