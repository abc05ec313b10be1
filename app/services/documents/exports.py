"""批量导出: a zip of every submitted 申报书 of a call for the review panel — the latest frozen
version of each application, plus a manifest (清单: application, society, SHA-256, pages).

A web request only records a job; a worker thread owned by the app (one job at a time) builds
the zip, committing its progress as it goes, and stores it by SHA-256. A job that no worker
holds any more (a restart cut it off) and that showed no sign of life for ``STALE_AFTER`` ends
as failed when next looked at. Only the officer who asked (while still an officer of the call)
or an administrator sees the job and downloads the zip. ``grantflow
export-applications`` builds the same zip in the foreground.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Callable

import sqlalchemy as sa
from flask import Flask, current_app

from workflows import clock
from workflows.dates import SHANGHAI
from workflows.processes import OUTCOME_LABELS

from ...extensions import db
from ...models import ExportJob, GrantApplication, GrantCall, ProcessInstance, User
from . import document_data
from .attachments import read_stored, store_bytes
from ..shared.common import get_or_404
from .documents import latest_submitted, safe_file_part
from ..shared.errors import NotFound, PermissionDenied, ServiceError
from ..shared.unit_of_work import transaction
from ..shared.visibility import is_admin

log = logging.getLogger("grantflow.exports")

MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADER = ("序号", "业务编号", "申报单位", "项目名称", "版本", "提交时间", "页数",
                   "SHA-256", "文件名", "当前状态")
Progress = Callable[[int, int], None]  # (done, total)
ACTIVE = ("queued", "running")
# an active job without a sign of life for this long is no worker's (a few seconds per 申报书)
STALE_AFTER = timedelta(minutes=10)
INTERRUPTED = "导出中断（服务曾重启），请重新生成"


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


# Who may export what ---------------------------------------------------------------------------

def may_export(user: User, call: GrantCall) -> bool:
    """The call's officers (项目管理员 of its managing department) and administrators."""
    return is_admin(user) or user.holds("grant_officer", call.managing_org_id)


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
    return rows


def _manifest_row(number: int, application: GrantApplication) -> ManifestRow:
    stored = latest_submitted(application)
    instance = db.session.get(ProcessInstance, application.instance_id)
    society = document_data.society_name(application)
    submitted = application.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    filename = (f"{number:03d}-{safe_file_part(society, 60)}-{instance.business_key}"
                f"-第{stored.version}版.pdf")
    return ManifestRow(number, instance.business_key, society, application.title, stored.version,
                       submitted, stored.pages, stored.sha256, filename, _state(instance))


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
        writer.writerow(_cell(value) for value in (
            row.number, row.business_key, row.society, row.project_name, f"第{row.version}版",
            row.submitted_at, row.pages, row.sha256, row.filename, row.state))
    return text.getvalue().encode("utf-8-sig")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula (an applicant's project
    name "=HYPERLINK(…)") gets a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


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
    """Record an export job and hand it to the worker; while this worker still has an
    unfinished job of the same call and person, that one is returned instead of a second."""
    app = current_app._get_current_object()
    with transaction():
        call, total = exportable_call(call_id, user)
        running = db.session.scalars(sa.select(ExportJob).where(
            ExportJob.call_id == call.id, ExportJob.requested_by_id == user.id,
            ExportJob.status.in_(ACTIVE)).order_by(ExportJob.id.desc()))
        job = next((job for job in running if is_live(app, job.id)), None)
        if job is not None:
            return job
        now = clock.now()
        job = ExportJob(call_id=call.id, requested_by_id=user.id, status="queued", done=0,
                        total=total, created_at=now, updated_at=now)
        db.session.add(job)
    submit_job(app, job.id)
    return job


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
    return _ended_if_abandoned(job)


def recent_jobs(user: User, limit: int = 20) -> list[ExportJob]:
    jobs = db.session.scalars(sa.select(ExportJob).filter_by(requested_by_id=user.id)
                              .order_by(ExportJob.id.desc()).limit(limit))
    return [_ended_if_abandoned(job) for job in jobs if may_follow(user, job)]


def _ended_if_abandoned(job: ExportJob) -> ExportJob:
    """A queued or running job that this process's worker does not hold and that showed no
    sign of life for STALE_AFTER was cut off by a restart: it ends as failed, so its page stops
    waiting and tells the officer to start again."""
    now = clock.now()
    if (job.status in ACTIVE and not is_live(current_app, job.id)
            and (job.updated_at or job.created_at) < now - STALE_AFTER):
        job.status, job.error, job.finished_at = "failed", INTERRUPTED, now
        db.session.commit()
    return job


def job_zip(job_id: int, user: User) -> tuple[ExportJob, bytes, str]:
    """(job, the zip's bytes, its download name) once the job is done."""
    job = visible_job(job_id, user)
    if job.status != "done" or not job.sha256:
        raise NotFound("导出文件尚未生成")
    return job, read_stored(job.sha256), zip_name(db.session.get(GrantCall, job.call_id))


# The worker ----------------------------------------------------------------------------------

_executor_lock = threading.Lock()


def executor(app: Flask) -> ThreadPoolExecutor:
    """The app's export worker: one thread, one job at a time, created at first use."""
    with _executor_lock:
        pool = app.extensions.get("grantflow_exports")
        if pool is None:
            pool = app.extensions["grantflow_exports"] = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="grantflow-export")
        return pool


def submit_job(app: Flask, job_id: int) -> Future:
    futures = app.extensions.setdefault("grantflow_export_futures", {})
    for done in [ident for ident, future in futures.items() if future.done()]:
        del futures[done]
    futures[job_id] = executor(app).submit(run_job, app, job_id)
    return futures[job_id]


def is_live(app: Flask, job_id: int) -> bool:
    """Whether this process's worker still has the job (a job left unfinished by a restart
    is not: it never blocks a new export)."""
    future = app.extensions.get("grantflow_export_futures", {}).get(job_id)
    return future is not None and not future.done()


def run_job(app: Flask, job_id: int) -> None:
    """Build one job's zip in its own app context (own database session)."""
    with app.app_context():
        try:
            _build(job_id)
        except Exception as error:  # noqa: BLE001 — recorded on the job, shown to the officer
            log.exception("export job %s failed", job_id)
            _fail(job_id, error)
        finally:
            db.session.remove()


def _build(job_id: int) -> None:
    job = db.session.get(ExportJob, job_id)
    job.status = "running"
    job.updated_at = clock.now()
    db.session.commit()
    buffer = io.BytesIO()
    write_export(job.call_id, buffer, lambda done, total: _progress(job, done, total))
    stored = store_bytes(buffer.getvalue())
    job.sha256, job.storage_key, job.size = stored.sha256, stored.key, stored.size
    job.status, job.finished_at = "done", clock.now()
    job.updated_at = job.finished_at
    db.session.commit()


def _progress(job: ExportJob, done: int, total: int) -> None:
    job.done, job.total, job.updated_at = done, total, clock.now()
    db.session.commit()


def _fail(job_id: int, error: Exception) -> None:
    db.session.rollback()
    job = db.session.get(ExportJob, job_id)
    if job is not None:
        job.status, job.finished_at = "failed", clock.now()
        job.updated_at = job.finished_at
        job.error = f"生成失败：{_reason(error)}"[:500]
        db.session.commit()


def _reason(error: Exception) -> str:
    """A refusal's own Chinese message; anything else stays in the log (paths, SQL)."""
    if isinstance(error, ServiceError):
        return error.message
    return "系统内部错误（已记录日志），请稍后重试或联系管理员"
