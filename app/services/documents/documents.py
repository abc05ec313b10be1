"""文书: which documents an instance offers its readers, the 申报书 frozen at submission, and
the PDFs served — each authorised like the instance itself (else "not found").

- 项目申报书: every submission is rendered once (no watermark) by a background job, stored by
  SHA-256 and recorded with an audit event carrying the digest; until then the instance page
  shows that version as 生成中. The latest version is "the submitted one". While the
  application is (again) being filled in, a live draft with the 草稿 watermark is offered too
  (see ``document_data.draft_form``).
- 立项通知书, 实施协议, 中期督查意见, 绩效评估报告 once their step is done; 全额退还通知 once
  the refund step opens; 科创项目推介表 once the project is submitted — rendered on request (a
  fraction of a second), outside any write transaction.
- 项目申报书 in Word (.docx) beside the PDF, the same content (draft or last submission).
- 公示名单: per call, for the call's officers and administrators, once its ranking is published.
- 科创会成果统计报告: per edition, for province-level officials (省科协部门, administrators).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from reports.application_docx import application_docx as application_docx_bytes
from reports.documents import KINDS, render_document
from workflows import clock

from ...extensions import db
from ...models import (AuditEvent, ConferenceEdition, GrantApplication, GrantCall,
                      ProcessInstance, StoredDocument, User)
from . import document_data as data
from . import grant_papers as papers
from .attachments import StoredFile, read_stored, store_bytes
from ..background import jobs
from ..shared.common import get_or_404, open_task
from ..shared.errors import NotFound, PermissionDenied
from ..steps.saving import record_audit
from ..shared.unit_of_work import transaction
from ..shared.visibility import is_admin, visible_instance

FROZEN_EVENT = "document_frozen"  # audit kind of a stored document
FREEZE_JOB = "freeze_application"  # the job kind that renders a submitted 申报书
RENDERING = "申报书PDF正在生成，稍后自动重试"


@dataclass(frozen=True)
class DocumentOffer:
    """One download on the instance page: a live render (``draft`` or not) or a frozen version."""
    kind: str
    title: str
    draft: bool = False
    stored: StoredDocument | None = None
    current: bool = True  # what /documents/<kind>.pdf serves
    rendering: int | None = None  # the version a job is still rendering (生成中, no download)
    render_failed: int | None = None  # the version whose render gave up (生成失败, no download)

    @property
    def label(self) -> str:
        if self.stored is not None:
            return f"第{self.stored.version}版"
        if self.unfrozen is not None:
            return f"第{self.unfrozen}版"
        return "草稿" if self.draft else "最新"

    @property
    def unfrozen(self) -> int | None:
        """The submitted version this offer stands for while it has no PDF to download."""
        return self.rendering if self.rendering is not None else self.render_failed


@dataclass(frozen=True)
class Served:
    """A PDF to send: its bytes, a clean file name, and the digest when it is a stored one."""
    pdf: bytes
    filename: str
    pages: int
    sha256: str | None = None
    draft: bool = False


# What an instance offers ---------------------------------------------------------------------

def offered_documents(instance_id: int, user: User) -> list[DocumentOffer]:
    """The documents of an instance ``user`` may see (NotFound unless they may see it)."""
    return _offers(visible_instance(instance_id, user))


def _offers(instance: ProcessInstance) -> list[DocumentOffer]:
    if instance.application is not None:
        return _application_offers(instance.application) + _grant_outcome_offers(instance)
    project = instance.project
    if project is not None and project.details:
        return [DocumentOffer("project_sheet", KINDS["project_sheet"].title)]
    return []


def _application_offers(application: GrantApplication) -> list[DocumentOffer]:
    """The draft while the 申报书 is being filled in, the submissions not frozen (yet), then
    every frozen version (newest first); none is current while a newer one is not frozen."""
    versions = frozen_versions(application.instance_id, "application")
    unfrozen = unfrozen_versions(application.instance_id, versions)
    title = KINDS["application"].title
    draft = _draft_offered(application, versions, unfrozen)
    offers = [DocumentOffer("application", title, draft=True)] if draft else []
    offers += [_unfrozen_offer(title, version, failed) for version, failed in unfrozen]
    return offers + [DocumentOffer("application", title, stored=doc,
                                   current=not draft and not unfrozen and n == 0)
                     for n, doc in enumerate(versions)]


def _unfrozen_offer(title: str, version: int, failed: bool) -> DocumentOffer:
    if failed:
        return DocumentOffer("application", title, current=False, render_failed=version)
    return DocumentOffer("application", title, current=False, rendering=version)


def _draft_offered(application: GrantApplication, versions: list[StoredDocument],
                   unfrozen: list[tuple[int, bool]]) -> bool:
    """Before the first submission (while the process runs) and after 退回补正."""
    if open_task(application.instance_id, "submit_application") is not None:
        return True
    return not versions and not unfrozen and application.instance.status == "running"


def rendering_versions(instance_id: int) -> list[int]:
    """Versions of the 申报书 whose freeze job is still queued or running (newest first)."""
    pending = jobs.active_jobs(FREEZE_JOB, key_prefix=f"{FREEZE_JOB}:{instance_id}:")
    return sorted((job.payload["version"] for job in pending), reverse=True)


def unfrozen_versions(instance_id: int, frozen: list[StoredDocument]) -> list[tuple[int, bool]]:
    """(version, whether its render gave up) of every submission not frozen, newest first:
    still being rendered, or failed after the job's retries (the details are in the log)."""
    found = jobs.active_jobs(FREEZE_JOB, key_prefix=f"{FREEZE_JOB}:{instance_id}:",
                             statuses=("queued", "running", "failed"))
    stored, failed = {doc.version for doc in frozen}, {}
    for job in found:
        version = job.payload["version"]
        if version not in stored:
            failed[version] = failed.get(version, True) and job.status == "failed"
    return [(version, failed[version]) for version in sorted(failed, reverse=True)]


# The step whose completion brings each paper, in the order the instance page lists them.
PAPER_STEPS = (("issue_approval", "approval_notice"), ("sign_agreement", "agreement"),
               ("midterm_check", "midterm_opinion"), ("evaluate_performance", "evaluation_report"),
               ("refund", "refund_notice"))


def _grant_outcome_offers(instance: ProcessInstance) -> list[DocumentOffer]:
    """Each paper once its step is done; the 全额退还通知 already while the refund is open."""
    done = set(db.session.scalars(sa.select(AuditEvent.task_name).distinct().where(
        AuditEvent.instance_id == instance.id, AuditEvent.kind == "completed",
        AuditEvent.task_name.in_([task for task, _ in PAPER_STEPS]))))
    if open_task(instance.id, "refund") is not None:
        done.add("refund")
    return [DocumentOffer(kind, KINDS[kind].title) for task, kind in PAPER_STEPS if task in done]


def frozen_versions(instance_id: int, kind: str) -> list[StoredDocument]:
    """Stored versions of one kind, the latest first."""
    return list(db.session.scalars(sa.select(StoredDocument).filter_by(
        instance_id=instance_id, kind=kind).order_by(StoredDocument.version.desc())))


# Serving -------------------------------------------------------------------------------------

def document_pdf(instance_id: int, kind: str, user: User) -> Served:
    """The current document of ``kind``: the draft, the latest frozen version, or a fresh
    render — NotFound when the instance does not (yet) offer it or ``user`` may not see it."""
    instance = visible_instance(instance_id, user)
    offer = next((o for o in _offers(instance) if o.kind == kind and o.current), None)
    if offer is None:
        raise NotFound("文书不存在")
    if offer.stored is not None:
        return _stored(instance, offer.stored)
    rendered = render_document(kind, _live_data(instance, kind, user), draft=offer.draft)
    return Served(rendered.pdf, file_name(_subject(instance), offer), rendered.pages,
                  draft=offer.draft)


def application_docx(instance_id: int, user: User) -> Served:
    """The 申报书 in Word with the same content as the PDF offered: the draft (the reader's own
    暂存, else the last submission) while it is being filled in, else the last submission."""
    instance = visible_instance(instance_id, user)
    application = instance.application
    if application is None:
        raise NotFound("文书不存在")
    draft = _draft_offered(application, frozen_versions(instance_id, "application"),
                           unfrozen_versions(instance_id, []))
    form = data.draft_form(application, user) if draft else application.form
    content = application_docx_bytes(data.application_data(
        application, form, None if draft else application.submitted_at), draft=draft)
    offer = DocumentOffer("application", KINDS["application"].title, draft=draft)
    name = file_name(_subject(instance), offer).removesuffix(".pdf") + ".docx"
    return Served(content, name, 0, draft=draft)


def stored_document_pdf(instance_id: int, document_id: int, user: User) -> Served:
    """One frozen version, by its id (of this instance only)."""
    instance = visible_instance(instance_id, user)
    stored = db.session.get(StoredDocument, document_id)
    if stored is None or stored.instance_id != instance.id:
        raise NotFound("文书不存在")
    return _stored(instance, stored)


def _stored(instance: ProcessInstance, stored: StoredDocument) -> Served:
    offer = DocumentOffer(stored.kind, KINDS[stored.kind].title, stored=stored)
    return Served(read_stored(stored.sha256), file_name(_subject(instance), offer), stored.pages,
                  sha256=stored.sha256)


def _live_data(instance: ProcessInstance, kind: str, user: User) -> dict:
    if kind == "application":
        application = instance.application
        return data.application_data(application, data.draft_form(application, user), None)
    if kind == "approval_notice":
        return data.approval_notice_data(instance.application)
    if kind == "evaluation_report":
        return data.evaluation_report_data(instance.application)
    if kind == "project_sheet":
        return data.project_sheet_data(instance.project)
    if kind in GRANT_PAPERS:
        return GRANT_PAPERS[kind](instance.application)
    raise NotFound("文书不存在")


GRANT_PAPERS = {"agreement": papers.agreement_data, "midterm_opinion": papers.midterm_opinion_data,
                "refund_notice": papers.refund_notice_data}


def _subject(instance: ProcessInstance) -> str:
    """Whose document it is, for the file name: the society, or the project."""
    application = instance.application
    return data.society_name(application) if application is not None else instance.title


_PATH_CHARACTERS = frozenset('/\\:*?"<>|')


def safe_file_part(text: str, limit: int) -> str:
    """Text fit for a file name (a download's, a zip member's): whitespace runs as one space,
    no control, non-printing or path characters, at most ``limit`` characters."""
    text = re.sub(r"\s+", " ", text)
    text = "".join(ch for ch in text if ch.isprintable() and ch not in _PATH_CHARACTERS)
    return text.strip(" .-")[:limit]


def file_name(subject: str, offer: DocumentOffer) -> str:
    """四川省智能制造学会-项目申报书-第2版.pdf."""
    parts = [subject, offer.title]
    if offer.stored is not None or offer.draft:
        parts.append(offer.label)
    return f"{safe_file_part('-'.join(parts), 120) or '文书'}.pdf"


# Freezing the submitted 申报书 -----------------------------------------------------------

def freeze_application(instance: ProcessInstance, user: User | None) -> None:
    """Enqueue the render of the 申报书 just submitted (in the submission's transaction).

    A job, not a render here: rendering takes ~0.3 s, and inside the submission's write
    transaction every other writer would wait for it (SQLite has one writer) — and a failed
    render would refuse the submission. The worker renders after the commit and retries a
    failed render with backoff; the submission stands either way, and the instance page shows
    the version as 生成中 until its hash is in the audit trail. The job names this completion's
    audit event, so the bytes rendered are exactly what was submitted even if the application
    is returned and changed meanwhile, and fixes the version number now."""
    event_id, version = _submission(instance.id)
    jobs.enqueue(FREEZE_JOB, {
        "instance_id": instance.id, "event_id": event_id, "version": version,
        "actor_id": user.id if user else None,
        "submitted_at": instance.application.submitted_at.isoformat()},
        dedup_key=f"{FREEZE_JOB}:{instance.id}:{version}")


def _submission(instance_id: int) -> tuple[int, int]:
    """(the audit event of the latest 填报申报书 completion, how many there were)."""
    events = list(db.session.scalars(sa.select(AuditEvent.id).filter_by(
        instance_id=instance_id, task_name="submit_application", kind="completed")
        .order_by(AuditEvent.id)))
    return events[-1], len(events)


def render_frozen(job: jobs.Claimed) -> dict:
    """The freeze job: render the submission its audit event holds, store it by SHA-256 and
    record it with a ``document_frozen`` audit event — once (a version already stored is
    left as it is: the job is idempotent)."""
    payload = job.payload
    stored = _stored_version(payload["instance_id"], payload["version"])
    if stored is None:
        instance = db.session.get(ProcessInstance, payload["instance_id"])
        form = db.session.get(AuditEvent, payload["event_id"]).data["form"]
        rendered = render_document("application", data.application_data(
            instance.application, form, datetime.fromisoformat(payload["submitted_at"])))
        stored_file = store_bytes(rendered.pdf)
        actor = db.session.get(User, payload["actor_id"]) if payload["actor_id"] else None
        with transaction():
            stored = _keep(instance, "application", rendered, stored_file, actor,
                           version=payload["version"])
    return {"document_id": stored.id, "sha256": stored.sha256}


def _stored_version(instance_id: int, version: int) -> StoredDocument | None:
    return db.session.scalar(sa.select(StoredDocument).filter_by(
        instance_id=instance_id, kind="application", version=version))


def _render_submitted(application: GrantApplication):
    """The 申报书 as submitted: the stored submission, no watermark."""
    return render_document("application", data.application_data(
        application, application.form, application.submitted_at))


def _keep(instance: ProcessInstance, kind: str, rendered, stored_file: StoredFile,
          user: User | None, version: int | None = None, **note) -> StoredDocument:
    if version is None:
        version = (db.session.scalar(sa.select(sa.func.max(StoredDocument.version)).filter_by(
            instance_id=instance.id, kind=kind)) or 0) + 1
    stored = StoredDocument(instance_id=instance.id, kind=kind, version=version,
                            sha256=stored_file.sha256, size=stored_file.size,
                            storage_key=stored_file.key, pages=rendered.pages,
                            created_at=clock.now(), created_by_id=user.id if user else None)
    db.session.add(stored)
    db.session.flush()
    record_audit(instance, FROZEN_EVENT, user, at=stored.created_at, data={
        "document_id": stored.id, "kind": kind, "version": stored.version,
        "sha256": stored.sha256, "size": stored.size, "pages": stored.pages, **note})
    return stored


def latest_submitted(application: GrantApplication) -> StoredDocument:
    """The frozen 申报书 of a submitted application. While a submission of it is still being
    rendered: ``TryLater`` (an export waits for it). One submitted before documents were frozen
    is rendered from its stored submission and frozen now (its own transaction)."""
    if rendering_versions(application.instance_id):
        raise jobs.TryLater(RENDERING)
    versions = frozen_versions(application.instance_id, "application")
    if versions:
        return versions[0]
    if application.submitted_at is None:
        raise NotFound("该申报尚未提交")
    rendered = _render_submitted(application)
    with transaction():
        instance = db.session.get(ProcessInstance, application.instance_id)
        return _keep(instance, "application", rendered, store_bytes(rendered.pdf), None,
                     backfilled=True)


# 科创会成果统计报告 --------------------------------------------------------------------------

def may_see_conference_reports(user: User) -> bool:
    """Province-level officials: administrators and the 省科协 departments' staff."""
    return is_admin(user) or any(r.org.org_type == "department" for r in user.roles)


def conference_editions(user: User) -> list[ConferenceEdition]:
    """The editions whose report ``user`` may download (none for everybody else)."""
    if not may_see_conference_reports(user):
        return []
    return list(db.session.scalars(sa.select(ConferenceEdition).order_by(
        ConferenceEdition.number.desc())))


def conference_report_pdf(edition_id: int, user: User) -> Served:
    if not may_see_conference_reports(user):
        raise PermissionDenied("科创会成果统计报告仅供省科协有关部门查阅")
    edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
    rendered = render_document("conference_report", data.conference_report_data(edition))
    offer = DocumentOffer("conference_report", KINDS["conference_report"].title)
    return Served(rendered.pdf, file_name(edition.name, offer), rendered.pages)


# 公示名单 -------------------------------------------------------------------------------------

def may_see_publicity_list(user: User, call: GrantCall) -> bool:
    """The call's officers (项目管理员 of its managing department) and administrators."""
    return is_admin(user) or user.holds("grant_officer", call.managing_org_id)


def publicity_list_pdf(call_id: int, user: User) -> Served:
    """A call's 公示名单 — NotFound before its ranking is published or for anyone else."""
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    content = papers.publicity_list_data(call) if may_see_publicity_list(user, call) else None
    if content is None:
        raise NotFound("文书不存在")
    rendered = render_document("publicity_list", content)
    offer = DocumentOffer("publicity_list", KINDS["publicity_list"].title)
    return Served(rendered.pdf, file_name(call.name, offer), rendered.pages)


def publicity_calls(user: User) -> list[GrantCall]:
    """The calls whose 公示名单 ``user`` may download (their ranking published)."""
    ranked = sa.exists().where(GrantApplication.call_id == GrantCall.id, GrantApplication.rank.is_not(None))
    calls = db.session.scalars(sa.select(GrantCall).where(ranked)  # per call, from its index range
                               .order_by(GrantCall.year.desc(), GrantCall.id))
    return [call for call in calls if may_see_publicity_list(user, call)]
