"""文书下载与批量导出: an instance's documents (PDF), the 科创会 report of an edition, and the
zip of a call's submitted 申报书 built by the export worker (progress page, JSON, download)."""
from __future__ import annotations


from flask import (Blueprint, Response, flash, jsonify, redirect, render_template, url_for)
from flask_login import current_user, login_required

from ..services.documents import documents as service
from ..services.documents import exports
from .downloads import send_download, xlsx_response
from .helpers import refusal_goes_back

bp = Blueprint("documents", __name__)


def pdf_response(served: service.Served) -> Response:
    """The PDF as an attachment with its Chinese file name (RFC 5987 filename*); a stored
    version carries its SHA-256 as ETag (If-None-Match → 304), a live render is never cached."""
    response = send_download(served.pdf, "application/pdf", served.filename, etag=served.sha256,
                        conditional=served.sha256 is not None)
    response.headers["X-Document-Pages"] = str(served.pages)
    return response


def add_pdf_routes(blueprint: Blueprint, guard, names: tuple[str, str, str]) -> None:
    """The three PDF downloads — an instance's current document of a kind, one frozen version,
    an edition's 科创会 report — on ``blueprint`` behind ``guard`` (the pages' login, or the
    old JSON API's session check), under the endpoint ``names`` given."""
    current_name, version_name, report_name = names
    blueprint.add_url_rule("/instances/<int:instance_id>/documents/<kind>.pdf", current_name,
                           guard(current_pdf))
    blueprint.add_url_rule("/instances/<int:instance_id>/documents/<int:document_id>",
                           version_name, guard(version_pdf))
    blueprint.add_url_rule("/editions/<int:edition_id>/report.pdf", report_name,
                           guard(conference_report_pdf))


# The downloads themselves, shared by the pages, the old JSON routes and /api/v1 -------------

def current_pdf(instance_id: int, kind: str) -> Response:
    return pdf_response(service.document_pdf(instance_id, kind, current_user))


def version_pdf(instance_id: int, document_id: int) -> Response:
    return pdf_response(service.stored_document_pdf(instance_id, document_id, current_user))


def conference_report_pdf(edition_id: int) -> Response:
    return pdf_response(service.conference_report_pdf(edition_id, current_user))


def publicity_pdf(call_id: int) -> Response:
    return pdf_response(service.publicity_list_pdf(call_id, current_user))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def application_docx_response(instance_id: int) -> Response:
    """The 申报书 in Word, beside its PDF (never cached: the draft changes)."""
    served = service.application_docx(instance_id, current_user)
    return send_download(served.pdf, DOCX, served.filename)


def export_zip(job_id: int) -> Response:
    """A finished export's zip (its SHA-256 as ETag)."""
    job, content, name = exports.job_zip(job_id, current_user)
    return send_download(content, "application/zip", name, etag=job.sha256)


def export_manifest_xlsx(job_id: int) -> Response:
    """The 清单 of a finished export as Excel (the same file the zip holds)."""
    content, name = exports.job_manifest(job_id, current_user)
    return xlsx_response(content, name.removesuffix(".xlsx"))


add_pdf_routes(bp, login_required, ("current", "version", "conference_report"))


@bp.get("/instances/<int:instance_id>/documents/application.docx")
@login_required
def application_docx(instance_id: int):
    return application_docx_response(instance_id)


@bp.get("/calls/<int:call_id>/publicity.pdf")
@login_required
def publicity_list(call_id: int):
    return publicity_pdf(call_id)


# 批量导出 -----------------------------------------------------------------------------------

@bp.get("/exports")
@login_required
def export_index():
    calls = exports.exportable_calls(current_user)
    return render_template("documents/exports.html", calls=calls,
                           jobs=exports.recent_jobs(current_user),
                           call_names=exports.call_names())


@bp.get("/calls/<int:call_id>/export")
@login_required
def export_call(call_id: int):
    call, submitted = exports.exportable_call(call_id, current_user)
    jobs = [job for job in exports.recent_jobs(current_user) if job.call_id == call.id]
    return render_template("documents/export_call.html", call=call, submitted=submitted, jobs=jobs)


@bp.post("/calls/<int:call_id>/export")
@login_required
@refusal_goes_back("documents.export_index")
def start_export(call_id: int):
    job = exports.start_export(call_id, current_user)
    flash("已开始生成申报书汇总，完成后可在本页下载。", "success")
    return redirect(url_for("documents.export_job", job_id=job.id))


@bp.get("/exports/<int:job_id>")
@login_required
def export_job(job_id: int):
    job = exports.visible_job(job_id, current_user)
    return render_template("documents/export_job.html", job=job, active=job.status in exports.ACTIVE)


@bp.get("/exports/<int:job_id>.json")
@login_required
def export_status(job_id: int):
    response = jsonify(job_json(exports.visible_job(job_id, current_user)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def job_json(job, download_endpoint: str = "documents.export_download") -> dict:
    """The progress of an export (the page's script and /api/v1 poll it)."""
    done = job.status == "done"
    return {"id": job.id, "status": job.status, "status_label": job.status_label,
            "done": job.done, "total": job.total, "percent": job.percent, "error": job.error,
            "sha256": job.sha256 if done else None,
            "download_url": url_for(download_endpoint, job_id=job.id) if done else None}


@bp.get("/exports/<int:job_id>/manifest.xlsx")
@login_required
def export_manifest(job_id: int):
    return export_manifest_xlsx(job_id)


@bp.get("/exports/<int:job_id>/download")
@login_required
def export_download(job_id: int):
    return export_zip(job_id)
