"""文书 from the database: the 申报书 frozen after submission by a job (hash in the audit
trail, a failed render retried without touching the submission, a resubmission adds a version), the draft before it, and the data of
the 立项通知书, 绩效评估报告, 推介表 and 科创会 report at the right steps."""
from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.demo import samples
from app.demo.scenario import drive_application, drive_project
from app.extensions import db
from app.models import AuditEvent, GrantApplication, StoredDocument
from app.services.background import jobs
from app.services.documents import document_data
from app.services.documents import documents
from app.services.shared.errors import NotFound
from app.services.grant.applications import record_kpi, start_application
from app.services.kechuang.projects import start_project
from app.services.steps.task_forms import save_draft
from tests.factories import application_form
from tests.jobs import job_statuses, run_jobs
from tests.reports import pdf
from workflows.dates import SHANGHAI

from .grant_steps import ACCEPT, ELIGIBLE, apply
from .steps import complete, select, task_of
from tests.uploads import use_upload_dir
from forms.application_form import ApplicationFormSchema

SOCIETY = "四川省智能制造学会"
WATERMARK = "草稿"


@pytest.fixture
def uploads(ctx, tmp_path, monkeypatch):
    use_upload_dir(monkeypatch, tmp_path / "uploads")
    return tmp_path / "uploads"


def frozen_events(instance) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).filter_by(
        instance_id=instance.id, kind=documents.FROZEN_EVENT).order_by(AuditEvent.id)))


def declared(world, society="soc_smart_mfg", applicant="soc_mfg_applicant") -> GrantApplication:
    """Opened and eligible: 填报申报书 is open."""
    user = world["users"][applicant]
    application = start_application(world["grant_call"].id, world["orgs"][society].id, user)
    complete(user, application.instance, "declare_eligibility", ELIGIBLE)
    return application


def test_submission_freezes_one_pdf_with_its_hash_in_the_audit_trail(world, uploads):
    application = apply(world)
    [stored] = documents.frozen_versions(application.instance_id, "application")
    [event] = frozen_events(application.instance)
    assert (stored.kind, stored.version, stored.pages > 1) == ("application", 1, True)
    assert event.data["sha256"] == stored.sha256 and event.data["document_id"] == stored.id
    assert event.actor_id == world["users"]["soc_mfg_applicant"].id
    content = (uploads / stored.storage_key).read_bytes()
    assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size
    text = pdf.squeezed(content)
    assert "智能制造领域专家团深耕赋能" in text and SOCIETY in text and WATERMARK not in text
    assert pdf.info(content).pages == stored.pages


def submit(world, application) -> None:
    complete(world["users"]["soc_mfg_applicant"], application.instance, "submit_application",
             application_form(SOCIETY))


def test_a_failed_render_is_retried_and_never_undoes_the_submission(world, uploads, monkeypatch, clock):
    """The submission commits without the render; a render that fails is retried by the job
    (with backoff) and the instance goes on meanwhile."""
    application = declared(world)

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")
    monkeypatch.setattr(documents, "render_document", broken)
    submit(world, application)
    assert run_jobs() == 1
    fresh = db.session.get(GrantApplication, application.id)
    assert fresh.submitted_at is not None and task_of(fresh.instance, "formal_review")
    assert job_statuses(documents.FREEZE_JOB) == ["queued"]  # waiting for its retry
    assert documents.frozen_versions(application.instance_id, "application") == []
    offers = documents.offered_documents(application.instance_id, world["users"]["admin"])
    assert [(o.label, o.rendering, o.current) for o in offers] == [("第1版", 1, False)]
    monkeypatch.undo()
    clock.advance(minutes=1)
    assert run_jobs() == 1
    [stored] = documents.frozen_versions(application.instance_id, "application")
    assert [e.data["sha256"] for e in frozen_events(application.instance)] == [stored.sha256]


def test_a_render_that_keeps_failing_shows_as_failed_not_as_a_draft(world, uploads, monkeypatch,
                                                                   clock):
    """After the job's last attempt the version says 生成失败 (no download, no draft in its
    place); an export then renders it itself (an application submitted before documents
    were frozen is handled the same way)."""
    application = declared(world)

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")
    monkeypatch.setattr(documents, "render_document", broken)
    submit(world, application)
    for _ in range(6):
        run_jobs()
        clock.advance(hours=2)
    assert job_statuses(documents.FREEZE_JOB) == ["failed"]
    offers = documents.offered_documents(application.instance_id, world["users"]["admin"])
    assert [(o.label, o.render_failed, o.draft, o.current) for o in offers] == [
        ("第1版", 1, False, False)]
    monkeypatch.undo()
    fresh = db.session.get(GrantApplication, application.id)
    assert documents.latest_submitted(fresh).version == 1
    offers = documents.offered_documents(application.instance_id, world["users"]["admin"])
    assert [(o.label, o.stored is not None, o.current) for o in offers] == [("第1版", True, True)]


def test_a_failed_store_is_retried_like_a_failed_render(world, uploads, monkeypatch, clock):
    """A full disk is the same: the submission stands, the job tries again later."""
    application = declared(world)

    def full_disk(content):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(documents, "store_bytes", full_disk)
    submit(world, application)
    run_jobs()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredDocument)) == 0
    monkeypatch.undo()
    clock.advance(minutes=1)
    run_jobs()
    assert job_statuses(documents.FREEZE_JOB) == ["done"]
    assert len(documents.frozen_versions(application.instance_id, "application")) == 1


def test_the_freeze_job_is_idempotent(world, uploads):
    """Run twice (a worker whose lease expired while it rendered): one version, one event."""
    application = declared(world)
    submit(world, application)
    assert len(jobs.active_jobs(documents.FREEZE_JOB)) == 1
    claimed = jobs.claim_next("w1")
    first, second = documents.render_frozen(claimed), documents.render_frozen(claimed)
    assert first == second
    assert len(documents.frozen_versions(application.instance_id, "application")) == 1
    assert len(frozen_events(application.instance)) == 1


def test_a_resubmission_after_return_freezes_a_new_version(world, uploads):
    users, application = world["users"], apply(world)
    officer, applicant = users["grant_officer"], users["soc_mfg_applicant"]
    complete(officer, application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页"})
    offers = documents.offered_documents(application.instance_id, applicant)
    assert [(o.label, o.current) for o in offers] == [("草稿", True), ("第1版", False)]
    complete(applicant, application.instance, "submit_application",
             application_form(SOCIETY, cover={**application_form()["cover"], "project_name": "补正后的项目"}))
    offers = documents.offered_documents(application.instance_id, applicant)
    assert [(o.label, o.current) for o in offers] == [("第2版", False), ("第1版", False)]  # 生成中
    with pytest.raises(NotFound):  # not 第1版 as if it were the one submitted
        documents.document_pdf(application.instance_id, "application", officer)
    run_jobs()
    offers = documents.offered_documents(application.instance_id, applicant)
    assert [(o.label, o.current) for o in offers] == [("第2版", True), ("第1版", False)]
    assert [e.data["version"] for e in frozen_events(application.instance)] == [1, 2]
    served = documents.document_pdf(application.instance_id, "application", officer)
    assert served.sha256 == offers[0].stored.sha256 and "补正后的项目" in pdf.squeezed(served.pdf)
    assert served.filename == f"{SOCIETY}-项目申报书-第2版.pdf"


def test_before_submission_the_draft_prints_the_applicants_saved_form(world, uploads):
    application, users = declared(world), world["users"]
    blank = documents.document_pdf(application.instance_id, "application", users["soc_mfg_applicant"])
    assert blank.draft and blank.sha256 is None and WATERMARK in pdf.squeezed(blank.pdf)
    task = task_of(application.instance, "submit_application")
    save_draft(task.id, {"cover": {"project_name": "半成品项目", "application_date": "2024-03-20"},
                         "budget": {"total_wan": "abc"}}, {}, users["soc_mfg_applicant"])
    text = pdf.squeezed(documents.document_pdf(
        application.instance_id, "application", users["soc_mfg_applicant"]).pdf)
    assert "半成品项目" in text and WATERMARK in text
    # the society's unsent work is not shown to anyone who may not fill the step in
    admin_text = pdf.squeezed(documents.document_pdf(application.instance_id, "application",
                                                     users["admin"]).pdf)
    assert "半成品项目" not in admin_text and WATERMARK in admin_text


def test_typed_partial_keeps_the_valid_fields_typed():
    partial = document_data.typed_partial(ApplicationFormSchema, {
        "cover": {"project_name": "项目", "application_date": "2024-03-20", "contact_email": "bad"},
        "unit_info": {"penalized": "false"}})
    assert partial["cover"]["project_name"] == "项目" and "contact_email" not in partial["cover"]
    assert str(partial["cover"]["application_date"]) == "2024-03-20"
    assert partial["unit_info"]["penalized"] is False


def test_other_documents_appear_only_at_their_steps(world, clock, uploads):
    users = world["users"]
    application = drive_application(world, clock, "soc_tea_science", "soc_tea_applicant", "issue_approval")
    kinds = {o.kind for o in documents.offered_documents(application.instance_id, users["admin"])}
    assert kinds == {"application"}
    for kind in ("approval_notice", "evaluation_report", "project_sheet", "nonsense"):
        with pytest.raises(NotFound):
            documents.document_pdf(application.instance_id, kind, users["admin"])


def test_approval_notice_and_evaluation_report_carry_the_recorded_data(world, clock, uploads):
    users = world["users"]
    application = drive_application(world, clock, "soc_new_materials", "soc_mat_applicant", "end")
    kinds = [o.kind for o in documents.offered_documents(application.instance_id, users["soc_mat_applicant"])]
    assert kinds == ["application", "approval_notice", "agreement", "midterm_opinion",
                     "evaluation_report"]
    notice = documents.document_pdf(application.instance_id, "approval_notice", users["soc_mat_applicant"])
    text = pdf.squeezed(notice.pdf)
    assert "四川省新材料研究会" in text and "川科协立项〔2024〕1号" in text and "30" in text
    assert notice.filename == "四川省新材料研究会-立项通知书.pdf" and WATERMARK not in text
    data = document_data.evaluation_report_data(application)
    assert data["passed"] is True and data["evaluation"]["excellent"] is True
    assert data["re_evaluation"] is None and data["refund"] is None
    assert [row["met"] for row in data["kpis"]] == [True] * 7
    report = pdf.squeezed(documents.document_pdf(application.instance_id, "evaluation_report",
                                                 users["grant_officer"]).pdf)
    for label in ("科技供需交易合作总金额", "典型成功案例", "四川省新材料研究会"):
        assert label in report, label


def test_a_failed_evaluation_reports_rectification_re_evaluation_and_refund(world, clock, uploads):
    application = drive_application(world, clock, "soc_drone", "soc_drone_applicant", "end", failing=True)
    assert application.outcome == "refunded"
    data = document_data.evaluation_report_data(application)
    assert data["passed"] is False and data["rectification_due"]
    assert data["re_evaluation"]["passed"] is False and data["re_evaluation"]["comment"] == "整改后仍未达标。"
    assert Decimal(str(data["refund"]["amount_wan"])) == 30
    assert str(data["refund"]["paid_on"]) == "2025-03-01"
    text = pdf.squeezed(documents.document_pdf(application.instance_id, "evaluation_report",
                                               world["users"]["grant_officer"]).pdf)
    assert "整改后仍未达标" in text and "四川省无人机应用学会" in text


def test_project_sheet_once_submitted(world, clock):
    users = world["users"]
    draft = drive_project(world, "尚未提交的项目", until="submit_project")
    assert documents.offered_documents(draft.instance_id, users["cd_applicant"]) == []
    project = drive_project(world, "川茶智能化精制生产线", until="select_project")
    data = document_data.project_sheet_data(project)
    assert (data["city"], data["concierge"], data["intent"]) == ("成都", "周晓岚", "major_roadshow")
    served = documents.document_pdf(project.instance_id, "project_sheet", users["cd_recommender"])
    text = pdf.squeezed(served.pdf)
    assert "川茶智能化精制生产线" in text and "成都云智装备科技有限公司" in text
    assert served.filename == "川茶智能化精制生产线-科创项目推介表.pdf"


def test_conference_report_counts_per_area_and_city(world, clock):
    drive_project(world, "开幕式项目", until="end", intent="opening")
    drive_project(world, "专场项目", until="end")
    drive_project(world, "集中推介项目", until="follow_up_project", intent="showcase")
    drive_project(world, "待遴选项目", until="select_project")
    data = document_data.conference_report_data(world["edition"])
    areas = {row["area"]: row for row in data["by_area"]}
    assert list(areas)[0] == "开幕式发布" and list(areas)[-1] == "重点科创项目集中推介"
    assert (areas["开幕式发布"]["pitched"], areas["开幕式发布"]["intents"]) == (1, 1)
    roadshow = areas["重大科创项目专场推介会（电子信息和装备制造）"]
    assert (roadshow["pitched"], roadshow["signed"], roadshow["contract_wan"]) == (1, 1, Decimal("120.5"))
    assert areas["重点科创项目集中推介"]["signed"] == 1
    chengdu = next(row for row in data["by_city"] if row["city"] == "成都")
    assert (chengdu["pitched"], chengdu["signed"]) == (3, 3) and len(data["by_city"]) == 21
    totals = data["totals"]
    assert (totals["submitted"], totals["recommended"], totals["selected"], totals["pitched"],
            totals["landed"]) == (4, 4, 3, 3, 2)
    assert totals["contract_wan"] == Decimal("361.5")


def test_conference_report_is_for_province_officials_only(world):
    users = world["users"]
    assert documents.may_see_conference_reports(users["admin"])
    assert documents.may_see_conference_reports(users["sel_innovation"])
    for name in ("cd_applicant", "cd_recommender", "expert_a", "soc_mfg_applicant"):
        assert not documents.may_see_conference_reports(users[name]), name
        assert documents.conference_editions(users[name]) == []


def test_a_draft_prints_only_the_readers_own_saved_form(world, uploads):
    """暂存 is one person's unsent work (the task form resumes only your own): a colleague who
    may fill in the same step gets the blank form, not someone else's draft."""
    application, users = declared(world), world["users"]
    author, colleague = users["soc_mfg_applicant"], users["expert_d"]  # both 申报单位经办人
    task = task_of(application.instance, "submit_application")
    save_draft(task.id, {"cover": {"project_name": "何静怡的半成品"}}, {}, author)
    mine = pdf.squeezed(documents.document_pdf(application.instance_id, "application", author).pdf)
    theirs = pdf.squeezed(documents.document_pdf(application.instance_id, "application", colleague).pdf)
    assert "何静怡的半成品" in mine
    assert "何静怡的半成品" not in theirs and WATERMARK in theirs


def project_through(world, title: str, steps: dict) -> None:
    """A 成都 project through ``steps`` ({task: (username, form)}), in order."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, "tech_transfer", users["cd_applicant"])
    for task_name, (username, raw) in steps.items():
        if task_name == "select_project":
            select(users, project.instance, raw)
        else:
            complete(users[username], project.instance, task_name, raw)


def roadshow_steps(world, submitted_sector, session_sector) -> dict:
    concierge = world["users"]["cd_concierge"].id
    return {"submit_project": ("cd_applicant", samples.submission(sector=submitted_sector)),
            "check_exclusions": ("cd_recommender", {"exclusion_outcome": "eligible", "violated_rules": []}),
            "recommend_project": ("cd_recommender", samples.recommendation(concierge, sector=session_sector)),
            "select_project": ("sel_societies", samples.selection(sector=session_sector)),
            "pitch_project": ("cd_concierge", samples.PITCH)}


def test_conference_report_counts_a_roadshow_in_the_session_it_was_selected_for(world, clock):
    """所属领域 is the owner's optional guess; 遴选 decides the 专场 a project is pitched in."""
    project_through(world, "未填领域的项目", roadshow_steps(world, None, "electronics_equipment"))
    project_through(world, "改投专场的项目", roadshow_steps(world, "materials_health", "electronics_equipment"))
    areas = {row["area"]: row["pitched"] for row in
             document_data.conference_report_data(world["edition"])["by_area"]}
    assert areas["重大科创项目专场推介会（电子信息和装备制造）"] == 2
    assert areas["重大科创项目专场推介会（先进材料和医药健康）"] == 0
    assert "重大科创项目专场推介会（其他）" not in areas


def test_conference_report_counts_as_recommended_only_the_recommended(world, clock):
    """A 推介意向 left filled in on a 不推荐 form is not a recommendation."""
    steps = roadshow_steps(world, "electronics_equipment", "electronics_equipment")
    project_through(world, "推荐的项目", dict(list(steps.items())[:3]))
    refused = samples.recommendation(world["users"]["cd_concierge"].id,
                                     recommend_outcome="not_recommended", intent="showcase", sector=None)
    project_through(world, "不推荐的项目", {**dict(list(steps.items())[:2]),
                                        "recommend_project": ("cd_recommender", refused)})
    totals = document_data.conference_report_data(world["edition"])["totals"]
    assert (totals["submitted"], totals["recommended"]) == (2, 1)


def test_a_report_with_a_re_evaluation_is_dated_by_it(world, clock, uploads):
    """整改复评 after a failed 绩效评估: the report tells the 复评 and is issued on its day,
    not on the first evaluation's (which came weeks before)."""
    users = world["users"]
    application = drive_application(world, clock, "soc_drone", "soc_drone_applicant", "rectify",
                                    failing=True)
    for row in application.call.kpi_targets:
        record_kpi(application.id, {"kpi_code": row["code"], "quantity": row["target"],
                                    "occurred_on": "2025-01-20", "description": "整改期间完成"},
                   users["soc_drone_applicant"])
    complete(users["soc_drone_applicant"], application.instance, "rectify",
             samples.FAILED_PATH_INPUTS["rectify"][1])
    clock.set(datetime(2025, 1, 28, 10, tzinfo=SHANGHAI))
    complete(users["grant_officer"], application.instance, "re_evaluate", {"comment": "整改后全部达标。"})
    data = document_data.evaluation_report_data(application)
    assert data["passed"] is False and data["re_evaluation"]["passed"] is True
    text = pdf.squeezed(documents.document_pdf(application.instance_id, "evaluation_report",
                                               users["soc_drone_applicant"]).pdf)
    assert "复评结论：合格" in text and text.rstrip("—0123456789").endswith("2025年1月28日")


def test_a_service_team_draft_prints_the_service_team_form(world, clock, uploads):
    """A 科技服务团 call's draft is typed by its own form (commitments kept, as Decimals) and
    prints that form: its 绩效目标 by the call's KPI names beside the commitment, no 申报说明."""
    call = next(c for c in world["service_calls"] if c.program_code == "professional_service_team")
    application = drive_application(world, clock, "soc_smart_mfg", "soc_mfg_applicant",
                                    "submit_application", call=call)
    author = world["users"]["soc_mfg_applicant"]
    save_draft(task_of(application.instance, "submit_application").id,
               {"team_name": "半成品服务团", "focus": {"pilot_city": "绵阳市"},
                "commitments": {"solutions_proposed": "60"}}, {}, author)
    draft = document_data.draft_form(application, author)
    assert draft["commitments"] == {"solutions_proposed": Decimal("60")}
    assert document_data.application_data(application, draft, None)["call"]["kind"] == "service_team"
    served = documents.document_pdf(application.instance_id, "application", author)
    text = "".join(pdf.raw_text(served.pdf).split()).replace("草稿·未提交", "")
    for wanted in ("科技服务团名称半成品服务团", "服务的“科创中国”试点城市绵阳市",
                   "1技术问题初步解决方案50项60项", "2解决技术问题（签署合同）5项"):
        assert wanted in text, wanted
    assert "申报说明" not in text and "solutions_proposed" not in text
