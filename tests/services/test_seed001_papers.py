"""A 2023 科技服务团 application of seed 001 to its end: no 科服保姆 (seed 003's requirement) in
its agreement or its path, and its papers speak of the 科技服务团 and the “科创中国”平台 — never
of a 专家团 or the 天府科技云平台."""
from __future__ import annotations

from app.demo.scenario import drive_application
from app.services.documents import documents
from tests.reports import pdf
from tests.services.steps import audit_kinds

PAPERS = ("approval_notice", "agreement", "midterm_opinion", "evaluation_report")


def professional(world):
    return next(c for c in world["service_calls"] if c.program_code == "professional_service_team")


def test_a_service_team_runs_without_concierges_and_its_papers_speak_of_it(world, clock):
    users, call = world["users"], professional(world)
    application = drive_application(world, clock, "soc_new_materials", "soc_mat_applicant",
                                    call=call)
    assert application.instance.outcome == "completed"
    assert "concierge_accounts" not in audit_kinds(application.instance)
    offered = {offer.kind for offer in documents.offered_documents(application.instance_id,
                                                                   users["grant_officer"])}
    assert set(PAPERS) <= offered
    for kind in PAPERS:
        text = pdf.squeezed(documents.document_pdf(application.instance_id, kind,
                                                   users["grant_officer"]).pdf)
        assert "专家团" not in text and "天府科技云" not in text and "科服保姆" not in text, kind
        if kind != "approval_notice":
            assert "科技服务团四川省新材料研究会科技服务团" in text, kind
    agreement = pdf.squeezed(documents.document_pdf(application.instance_id, "agreement",
                                                    users["grant_officer"]).pdf)
    assert "绩效评估以经“科创中国”平台确认的任务完成情况为准" in agreement
    assert "组织科技服务团实施项目" in agreement and "转化落地科技成果" in agreement
