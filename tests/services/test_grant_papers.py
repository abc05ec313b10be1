"""The papers that follow the ranking — 公示名单 (per call, for its officers), 实施协议, 中期督查意见
and 全额退还通知 (per application, once their step is done, authorised like the instance) —
through the services, read back from the PDFs."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.demo.scenario import drive_application
from app.services.documents import documents, grant_papers
from app.services.grant.applications import record_kpi
from app.services.shared.errors import NotFound
from tests.reports import pdf


def kinds(application, user) -> list[str]:
    return [o.kind for o in documents.offered_documents(application.instance_id, user)]


def paper(application, kind, user) -> str:
    return pdf.squeezed(documents.document_pdf(application.instance_id, kind, user).pdf)


def test_agreement_once_signed_with_parties_amount_period_and_the_calls_targets(world, clock):
    users = world["users"]
    before = drive_application(world, clock, "soc_tea_science", "soc_tea_applicant", "sign_agreement")
    assert "agreement" not in kinds(before, users["admin"])
    with pytest.raises(NotFound):
        documents.document_pdf(before.instance_id, "agreement", users["admin"])
    application = drive_application(world, clock, "soc_new_materials", "soc_mat_applicant",
                                    "disburse_funds")
    assert kinds(application, users["soc_mat_applicant"])[-1] == "agreement"
    text = paper(application, "agreement", users["soc_mat_applicant"])
    for expected in ("项目实施协议", "甲方", "四川省科学技术协会", "乙方四川省新材料研究会", "资助经费30万元",
                     "2024年12月31日", "科技供需交易合作总金额", "≥600", "林晓雯", "甲方（盖章）", "乙方（盖章）"):
        assert expected in text, expected
    served = documents.document_pdf(application.instance_id, "agreement", users["grant_officer"])
    assert served.filename == "四川省新材料研究会-项目实施协议.pdf"


def test_midterm_opinion_sets_kpi_progress_against_the_target(world, clock):
    users = world["users"]
    application = drive_application(world, clock, "soc_new_materials", "soc_mat_applicant",
                                    "evaluate_performance")
    record_kpi(application.id, {"kpi_code": "deal_amount", "quantity": "9999",
                                "occurred_on": "2024-12-01", "description": "督查之后的合作"},
               users["soc_mat_applicant"])
    data = grant_papers.midterm_opinion_data(application)
    deal = next(row for row in data["kpis"] if row["code"] == "deal_amount")
    assert deal["actual"] < Decimal("9999")  # entries after the check are not counted
    assert "midterm_opinion" in kinds(application, users["soc_mat_applicant"])
    text = paper(application, "midterm_opinion", users["grant_officer"])
    for expected in ("中期督查意见", "2024年9月2日", "绩效指标进度", "目标值", "完成进度", "进展正常。",
                     "督查结论：进展正常", "科服保姆"):
        assert expected in text, expected


def test_refund_notice_while_the_refund_is_open_and_after(world, clock):
    users = world["users"]
    passed = drive_application(world, clock, "soc_new_materials", "soc_mat_applicant", "end")
    assert "refund_notice" not in kinds(passed, users["admin"])
    opened = drive_application(world, clock, "soc_drone", "soc_drone_applicant", "refund",
                               failing=True)
    assert kinds(opened, users["soc_drone_applicant"])[-1] == "refund_notice"
    text = paper(opened, "refund_notice", users["soc_drone_applicant"])
    for expected in ("全额退还项目经费通知", "四川省无人机应用学会", "应全额退还项目经费30万元",
                     "绩效评估不合格", "复评", "取消你会2025年度项目申报资格", "请于收到本通知后"):
        assert expected in text, expected
    assert grant_papers.refund_notice_data(opened)["refund"] is None


def test_a_paid_refund_notice_says_when(world, clock):
    done = drive_application(world, clock, "soc_drone", "soc_drone_applicant", "end", failing=True)
    text = paper(done, "refund_notice", world["users"]["grant_officer"])
    assert "已于2025年3月1日全额退还项目经费30万元" in text and "TK-2025-001" in text


def test_the_papers_are_not_found_for_who_may_not_see_the_instance(world, clock):
    application = drive_application(world, clock, "soc_drone", "soc_drone_applicant", "end",
                                    failing=True)
    stranger = world["users"]["soc_mfg_applicant"]
    for kind in ("agreement", "midterm_opinion", "refund_notice"):
        with pytest.raises(NotFound):
            documents.document_pdf(application.instance_id, kind, stranger)


def test_publicity_list_ranks_the_funded_and_reserves_for_the_calls_officers(world, clock):
    users, call = world["users"], world["grant_call"]
    assert grant_papers.publicity_list_data(call) is None
    with pytest.raises(NotFound):
        documents.publicity_list_pdf(call.id, users["admin"])
    drive_application(world, clock, "soc_new_materials", "soc_mat_applicant", "conclude_publicity")
    data = grant_papers.publicity_list_data(call)
    [row] = data["rows"]
    assert (row["rank"], row["society"], row["result"]) == (1, "四川省新材料研究会", "funded")
    assert row["publicity_ends"] and row["combined_score"] is not None
    served = documents.publicity_list_pdf(call.id, users["grant_officer"])
    text = pdf.squeezed(served.pdf)
    for expected in ("公示名单", "排名", "综合得分", "公示截止", "四川省新材料研究会", "拟立项",
                     "拟立项1项、候补0项"):
        assert expected in text, expected
    assert served.filename.endswith("-公示名单.pdf")
    assert documents.publicity_calls(users["grant_officer"]) == [call]
    for name in ("soc_mat_applicant", "expert_a"):
        assert documents.publicity_calls(users[name]) == []
        with pytest.raises(NotFound):
            documents.publicity_list_pdf(call.id, users[name])
