"""批量导出: a zip of every submitted 申报书 of a call for the review panel — the latest frozen
version of each application, plus a manifest (清单: application, society, SHA-256, pages).

A web request records an ExportJob (what the pages show) and enqueues a durable "export" job
(background/jobs.py) in the same transaction; a worker process (``grantflow worker``) builds
the zip, committing its progress as it goes, and stores it by SHA-256. A worker that dies
leaves its job to the next one once its lease expires; a failure is retried with backoff.
Only the officer who asked (while still an officer of the call) or an administrator sees the
job and downloads the zip. ``grantflow export-applications`` builds the same zip in the
foreground.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Callable

import sqlalchemy as sa

from workflows import clock
from workflows.dates import SHANGHAI
from workflows.processes import OUTCOME_LABELS

from ...extensions import db
from ...models import ExportJob, GrantApplication, GrantCall, ProcessInstance, User
from . import document_data
from .attachments import read_stored, store_bytes
from ..shared.common import get_or_404
from ..shared.spreadsheet import csv_cell
from ..reading.figure_tables import Column
from ..reading.figures_xlsx import list_workbook
from .documents import latest_submitted, safe_file_part
from ..background import jobs
from ..shared.errors import NotFound, PermissionDenied
from ..shared.unit_of_work import transaction
from ..shared.visibility import is_admin

MANIFEST_NAME = "manifest.csv"
MANIFEST_XLSX_NAME = "申报书清单.xlsx"  # the same 清单 for office staff (Excel)
MANIFEST_HEADER = ("序号", "业务编号", "申报单位", "项目名称", "版本", "提交时间", "页数",
                   "SHA-256", "文件名", "当前状态")
Progress = Callable[[int, int], None]  # (done, total)
ACTIVE = ("queued", "running")
JOB_KIND = "export"


@dataclass(frozen=True)
class ManifestRow:
    number: int
    business_key: str
    society: str
    project_name: str
    version: int
    submitted_at: str
    pages: int
    sha256: str
    filename: str
    state: str  # where it stands (形式审查, 填报申报书 after a return, 形式审查未通过 …)
    submitted_moment: datetime | None = None  # the .xlsx writes a real date cell


# Who may export what ---------------------------------------------------------------------------

def may_export(user: User, call: GrantCall) -> bool:
    """The call's officers (项目管理员 of its managing department) and administrators."""
    return is_admin(user) or user.holds("grant_officer", call.managing_org_id)


def may_use_exports(user: User) -> bool:
    """Whether 批量导出 is in the person's menu: an officer of some call's department, or an admin."""
    return is_admin(user) or any(r.role == "grant_officer" for r in user.roles)


def exportable_calls(user: User) -> list[tuple[GrantCall, int]]:
    """(call, submitted applications) for every call ``user`` may export."""
    calls = db.session.scalars(sa.select(GrantCall).order_by(GrantCall.year.desc(), GrantCall.id))
    return [(call, submitted_count(call.id)) for call in calls if may_export(user, call)]


def exportable_call(call_id: int, user: User) -> tuple[GrantCall, int]:
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    if not may_export(user, call):
        raise PermissionDenied("仅该项目的项目管理员可以批量导出申报书")
    return call, submitted_count(call.id)


def call_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(GrantCall.id, GrantCall.name)).all())


def _submitted(call_id: int):
    return (GrantApplication.call_id == call_id, GrantApplication.submitted_at.is_not(None))


def submitted_applications(call_id: int) -> list[GrantApplication]:
    return list(db.session.scalars(sa.select(GrantApplication).where(*_submitted(call_id))
                                   .order_by(GrantApplication.id)))


def submitted_count(call_id: int) -> int:
    """How many applications of the call were submitted (a count: the list pages ask often)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(GrantApplication)
                             .where(*_submitted(call_id)))


# The zip -------------------------------------------------------------------------------------

def write_export(call_id: int, out: BinaryIO, progress: Progress | None = None) -> list[ManifestRow]:
    """Write the zip of a call's submitted 申报书 to ``out``; ``progress(done, total)`` after
    each one. An application submitted before documents were frozen is frozen now."""
    applications = submitted_applications(call_id)
    rows = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for number, application in enumerate(applications, start=1):
            row = _manifest_row(number, application)
            archive.writestr(row.filename, read_stored(row.sha256))
            rows.append(row)
            if progress:
                progress(number, len(applications))
        archive.writestr(MANIFEST_NAME, manifest_csv(rows))
        archive.writestr(MANIFEST_XLSX_NAME, manifest_xlsx(rows))
    return rows


def _manifest_row(number: int, application: GrantApplication) -> ManifestRow:
    stored = latest_submitted(application)
    instance = db.session.get(ProcessInstance, application.instance_id)
    society = document_data.society_name(application)
    submitted = application.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    filename = (f"{number:03d}-{safe_file_part(society, 60)}-{instance.business_key}"
                f"-第{stored.version}版.pdf")
    return ManifestRow(number, instance.business_key, society, application.title, stored.version,
                       submitted, stored.pages, stored.sha256, filename, _state(instance),
                       application.submitted_at)


def _state(instance: ProcessInstance) -> str:
    """The outcome of an ended application, else the step it stands at."""
    if instance.status == "completed":
        return OUTCOME_LABELS.get(instance.outcome, instance.outcome or "已结束")
    return instance.current_step or ""


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese columns as they are."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for row in rows:
        writer.writerow(csv_cell(value) for value in (
            row.number, row.business_key, row.society, row.project_name, f"第{row.version}版",
            row.submitted_at, row.pages, row.sha256, row.filename, row.state))
    return text.getvalue().encode("utf-8-sig")


MANIFEST_COLUMNS = (
    Column("number", "序号", "count"), Column("business_key", "业务编号", "text"),
    Column("society", "申报单位", "text"), Column("project_name", "项目名称", "text"),
    Column("version", "版本", "text"), Column("submitted_at", "提交时间", "datetime"),
    Column("pages", "页数", "count"), Column("filename", "文件名", "text"),
    Column("sha256", "文件校验码", "text"), Column("state", "当前状态", "text"))


def manifest_xlsx(rows: list[ManifestRow]) -> bytes:
    """The 清单 as an Excel workbook (a real date cell for 提交时间)."""
    return list_workbook("申报书清单", MANIFEST_COLUMNS, [
        {"number": row.number, "business_key": row.business_key, "society": row.society,
         "project_name": row.project_name, "version": f"第{row.version}版",
         "submitted_at": row.submitted_moment, "pages": row.pages, "filename": row.filename,
         "sha256": row.sha256, "state": row.state} for row in rows])


def job_manifest(job_id: int, user: User) -> tuple[bytes, str]:
    """(the 清单 .xlsx of a finished export, its download name), for who may follow the job."""
    job, content, name = job_zip(job_id, user)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if MANIFEST_XLSX_NAME not in archive.namelist():
            raise NotFound("该导出生成较早，没有Excel清单，请重新导出")
        manifest = archive.read(MANIFEST_XLSX_NAME)
    return manifest, name.removesuffix(".zip") + "-清单.xlsx"


def export_size(call_id: int) -> int:
    """How many 申报书 an export of the call holds (NotFound for an unknown call)."""
    get_or_404(GrantCall, call_id, "申报项目不存在")
    return submitted_count(call_id)


def export_to_file(call_id: int, path: Path, progress: Progress | None = None) -> list[ManifestRow]:
    """The CLI's export: written beside ``path`` first, so a failure never leaves half a zip."""
    get_or_404(GrantCall, call_id, "申报项目不存在")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as out:
            rows = write_export(call_id, out, progress)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return rows


def zip_name(call: GrantCall) -> str:
    return f"{safe_file_part(call.name, 60)}-申报书汇总.zip"


# Jobs ----------------------------------------------------------------------------------------

def start_export(call_id: int, user: User) -> ExportJob:
    """Record an export and enqueue the job that builds it; while the same person's export of
    the call is still queued or running, that one is returned instead of a second."""
    with transaction():
        call, total = exportable_call(call_id, user)
        key = f"export:{call.id}:{user.id}"
        running = jobs.active_job(key)
        if running is not None:
            return db.session.get(ExportJob, running.payload["export_job_id"])
        export = _new_export(call, user, total)
        job = jobs.enqueue(JOB_KIND, {"export_job_id": export.id}, dedup_key=key)
        if job.payload["export_job_id"] != export.id:  # a concurrent request enqueued it first
            db.session.delete(export)
            return db.session.get(ExportJob, job.payload["export_job_id"])
        return export


def _new_export(call: GrantCall, user: User, total: int) -> ExportJob:
    now = clock.now()
    export = ExportJob(call_id=call.id, requested_by_id=user.id, status="queued", done=0,
                       total=total, created_at=now, updated_at=now)
    db.session.add(export)
    db.session.flush()
    return export


def may_follow(user: User, job: ExportJob) -> bool:
    """Administrators; else the person who asked, while they may still export that call (the
    zip holds every 申报书 of it: whoever is no longer its officer loses it too)."""
    return is_admin(user) or (job.requested_by_id == user.id
                              and may_export(user, db.session.get(GrantCall, job.call_id)))


def visible_job(job_id: int, user: User) -> ExportJob:
    """The job, for those who may follow it (else not found)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or not may_follow(user, job):
        raise NotFound("导出任务不存在")
    return job


def recent_jobs(user: User, limit: int | None = 20) -> list[ExportJob]:
    """The person's exports they may still follow, newest first (``limit`` None: all)."""
    rows = db.session.scalars(sa.select(ExportJob).filter_by(requested_by_id=user.id)
                              .order_by(ExportJob.id.desc()).limit(limit))
    return [job for job in rows if may_follow(user, job)]


def job_zip(job_id: int, user: User) -> tuple[ExportJob, bytes, str]:
    """(job, the zip's bytes, its download name) once the job is done."""
    job = visible_job(job_id, user)
    if job.status != "done" or not job.sha256:
        raise NotFound("导出文件尚未生成")
    return job, read_stored(job.sha256), zip_name(db.session.get(GrantCall, job.call_id))


# The worker's side (a JobKind of background/job_kinds.py) ---------------------------------------

def build_export(job: jobs.Claimed) -> dict:
    """Build the zip of one export, its progress committed after each 申报书; an export
    already built (a retry after a lost lease) is left as it is."""
    export = db.session.get(ExportJob, job.payload["export_job_id"])
    if export.status == "done":
        return {"sha256": export.sha256}
    with transaction():
        export.status, export.error, export.updated_at = "running", None, clock.now()
    buffer = io.BytesIO()
    write_export(export.call_id, buffer, lambda done, total: _progress(job, export, done, total))
    stored = store_bytes(buffer.getvalue())
    with transaction():
        export.sha256, export.storage_key, export.size = stored.sha256, stored.key, stored.size
        export.status, export.finished_at = "done", clock.now()
        export.updated_at = export.finished_at
    return {"sha256": stored.sha256, "size": stored.size}


def _progress(job: jobs.Claimed, export: ExportJob, done: int, total: int) -> None:
    export.done, export.total, export.updated_at = done, total, clock.now()
    jobs.report_progress(job, done, total)  # commits both


def export_failed(job: jobs.Claimed, error: str) -> None:
    """The job gave up: the export says why (in the job's transaction)."""
    export = db.session.get(ExportJob, job.payload["export_job_id"])
    if export is not None:
        export.status, export.finished_at = "failed", clock.now()
        export.updated_at = export.finished_at
        export.error = f"生成失败：{error}"[:500]
