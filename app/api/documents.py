"""文书、附件与导出: an instance's documents (the offer list and the PDFs), the 科创会 report and
the 公示名单, the files uploaded to an instance, the 批量导出 of a call's submitted 申报书 (a
worker's job: started, polled, downloaded) and the lists the pages offer as Excel — the same
service functions and response builders as the pages (views/documents.py, views/instances.py,
views/downloads.py), so the same rules, file names, ETags and caching."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms import choices as c
from forms.base import FormSchema, IntegerRange
from forms.fields import choice
from workflows.processes import PROCESSES

from ..services.documents import documents as service
from ..services.documents import attachments, exports
from ..services.reading import inbox as inbox_service
from ..services.reading import instance_views
from ..services.reading import list_exports as lists
from ..views import documents as pages
from ..views.downloads import XLSX, xlsx_response
from ..views.instances import attachment_response
from . import PREFIX, idempotency, paging
from .files import PDF, ZIP, file_response, files_response
from .instances_schemas import InstanceSearchArgs, instance_filter

blp = Blueprint("api_documents", __name__, url_prefix=PREFIX,
                description="文书、附件与导出：实例的文书（PDF）、上传的文件、申报书批量导出与各列表的Excel")

MAX_ID = 2**31 - 1  # as the app's <int:…> converter (views/converters.py)
IF_NONE_MATCH_DOC = {"in": "header", "name": "If-None-Match", "required": False,
                     "schema": {"type": "string"},
                     "description": "已存档文件的 ETag（即其 SHA-256）；未变化则 304，不再传输"}



def id_field(label: str, description: str, **kwargs) -> fields.Integer:
    """An id in a query or body: a positive 32-bit integer (this range replaces the one every
    form integer gets)."""
    return fields.Integer(validate=IntegerRange(
        min=1, max=MAX_ID, error=f"「{label}」应为1至{MAX_ID}之间的整数"),
        metadata={"label": label, "description": description}, **kwargs)


# Documents ------------------------------------------------------------------------------------

class DocumentOfferSchema(Schema):
    kind = fields.String(required=True, metadata={
        "description": "文书种类代码", "example": "application"})
    title = fields.String(required=True, metadata={"description": "文书名称", "example": "项目申报书"})
    label = fields.String(required=True, metadata={
        "description": "版本说明：第N版、草稿或最新", "example": "第1版"})
    draft = fields.Boolean(required=True, metadata={"description": "是否为带水印的草稿（实时生成）"})
    current = fields.Boolean(required=True, metadata={
        "description": "是否为 {kind}.pdf 当前提供的版本"})
    rendering = fields.Boolean(required=True, metadata={"description": "已提交、PDF正在生成（暂不可下载）"})
    render_failed = fields.Boolean(required=True, metadata={"description": "PDF生成失败（不可下载）"})
    version = fields.Integer(required=True, allow_none=True, metadata={
        "description": "存档版本号（草稿与实时生成的文书为空）"})
    sha256 = fields.String(required=True, allow_none=True, metadata={
        "description": "存档文件的 SHA-256（亦为下载的 ETag）"})
    size = fields.Integer(required=True, allow_none=True, metadata={"description": "存档文件字节数"})
    pages = fields.Integer(required=True, allow_none=True, metadata={"description": "存档文件页数"})
    created_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "存档时间"})
    url = fields.String(required=True, allow_none=True, metadata={
        "description": "下载地址（生成中或生成失败时为空）"})


API_PDF_ENDPOINTS = ("api_documents.current_pdf", "api_documents.version_pdf")


def offer_json(instance_id: int, offer: service.DocumentOffer,
               endpoints: tuple[str, str] = API_PDF_ENDPOINTS) -> dict:
    """The facts of one offered document, its ``url`` on the routes ``endpoints`` name (the
    current PDF of its kind, a stored version) — /api/v1's, or the old /api's."""
    stored = offer.stored
    current_endpoint, version_endpoint = endpoints
    url = (url_for(version_endpoint, instance_id=instance_id, document_id=stored.id)
           if stored else url_for(current_endpoint, instance_id=instance_id, kind=offer.kind))
    unfrozen = offer.unfrozen is not None  # 生成中 or 生成失败: nothing to download
    return {"kind": offer.kind, "title": offer.title, "label": offer.label, "draft": offer.draft,
            "current": offer.current, "rendering": offer.rendering is not None,
            "render_failed": offer.render_failed is not None,
            "version": stored.version if stored else offer.unfrozen,
            "sha256": stored.sha256 if stored else None, "size": stored.size if stored else None,
            "pages": stored.pages if stored else None,
            "created_at": stored.created_at if stored else None,
            "url": None if unfrozen else url}


def offered(instance_id: int, endpoints: tuple[str, str] = API_PDF_ENDPOINTS) -> list[dict]:
    """The documents ``current_user`` is offered on the instance (NotFound out of scope)."""
    return [offer_json(instance_id, offer, endpoints)
            for offer in service.offered_documents(instance_id, current_user)]


def offers_json(instance_id: int, endpoints: tuple[str, str]) -> list[dict]:
    """The same, serialised as /api/v1 answers it — for the old /api/instances/<id>/documents."""
    return DocumentOfferSchema(many=True).dump(offered(instance_id, endpoints))


@blp.get("/instances/<int:instance_id>/documents")
@blp.doc(summary="实例的文书", description="与实例页面「文书」一栏相同：申报书草稿、已提交的各存档版本"
         "（含 SHA-256、大小、页数）及立项通知书等；无权查看的实例 404。")
@blp.response(200, DocumentOfferSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def list_documents(instance_id: int):
    return offered(instance_id)


@blp.get("/instances/<int:instance_id>/documents/<kind>.pdf")
@blp.doc(summary="实例某种文书的当前PDF", parameters=[IF_NONE_MATCH_DOC],
         description="已存档的版本带 ETag（SHA-256），可用 If-None-Match 得 304；草稿与实时生成的文书不缓存。"
         "文件名（Content-Disposition，RFC 5987）为中文。")
@blp.response(200, **file_response(PDF, "PDF 文件"))
@blp.alt_response(304, description="未变化（If-None-Match 与 ETag 相符）")
@blp.alt_response(404, response="NOT_FOUND")
def current_pdf(instance_id: int, kind: str):
    return pages.current_pdf(instance_id, kind)


@blp.get("/instances/<int:instance_id>/documents/<int:document_id>")
@blp.doc(summary="实例某一存档版本的PDF", parameters=[IF_NONE_MATCH_DOC],
         description="存档文件原样下载，ETag 为其 SHA-256（If-None-Match → 304）。")
@blp.response(200, **file_response(PDF, "PDF 文件（存档版本）"))
@blp.alt_response(304, description="未变化（If-None-Match 与 ETag 相符）")
@blp.alt_response(404, response="NOT_FOUND")
def version_pdf(instance_id: int, document_id: int):
    return pages.version_pdf(instance_id, document_id)


DOCX_DOC = file_response(pages.DOCX, "Word 文件")


@blp.get("/instances/<int:instance_id>/documents/application.docx")
@blp.doc(summary="申报书的 Word 版本（不缓存）")
@blp.response(200, **DOCX_DOC)
@blp.alt_response(404, response="NOT_FOUND")
def application_docx(instance_id: int):
    return pages.application_docx_response(instance_id)


@blp.get("/editions/<int:edition_id>/report.pdf")
@blp.doc(summary="科创会成果统计报告（PDF）", description="省科协的科创会工作人员与系统管理员可下载。")
@blp.response(200, **file_response(PDF, "PDF 文件"))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def conference_report(edition_id: int):
    return pages.conference_report_pdf(edition_id)


@blp.get("/calls/<int:call_id>/publicity.pdf")
@blp.doc(summary="申报项目的拟立项公示名单（PDF）")
@blp.response(200, **file_response(PDF, "PDF 文件"))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def publicity_list(call_id: int):
    return pages.publicity_pdf(call_id)


# Attachments ----------------------------------------------------------------------------------

class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True, metadata={"description": "上传时的文件名"})
    content_type = fields.String(required=True, metadata={"example": "application/pdf"})
    size = fields.Integer(required=True, metadata={"description": "字节数"})
    sha256 = fields.String(required=True, metadata={"description": "文件的 SHA-256"})
    field = fields.String(required=True, metadata={"description": "所属表单字段"})
    task_name = fields.String(required=True, allow_none=True, metadata={
        "description": "上传环节代码（跟踪记录等非环节文件为空）"})
    task_title = fields.String(required=True, allow_none=True, metadata={
        "description": "上传环节名称", "example": "填报申报书"})
    uploaded_at = fields.DateTime(required=True, metadata={"description": "上传时间"})
    url = fields.String(required=True, metadata={"description": "下载地址"})


def attachment_json(attachment, step_title: str | None) -> dict:
    return {"id": attachment.id, "filename": attachment.filename,
            "content_type": attachment.content_type, "size": attachment.size,
            "sha256": attachment.sha256, "field": attachment.field,
            "task_name": attachment.task_name, "task_title": step_title,
            "uploaded_at": attachment.uploaded_at,
            "url": url_for("api_documents.download_attachment", attachment_id=attachment.id)}


@blp.get("/instances/<int:instance_id>/attachments")
@blp.doc(summary="实例的相关文件", description="与实例页面「相关文件」相同；评审保密环节的文件不向无权阅读者列出。")
@blp.response(200, AttachmentSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def list_attachments(instance_id: int):
    return [attachment_json(attachment, title) for attachment, title
            in instance_views.visible_attachments(instance_id, current_user)]


@blp.get("/attachments/<int:attachment_id>")
@blp.doc(summary="下载一个上传的文件", description="须能查看其实例且能阅读其上传环节，否则 404。",
         responses=files_response(attachments.CONTENT_TYPES, "文件本身（上传时核验的类型）"))
@blp.alt_response(404, response="NOT_FOUND")
def download_attachment(attachment_id: int):
    return attachment_response(attachment_id)


# 批量导出 --------------------------------------------------------------------------------------

class ExportJobSchema(Schema):
    id = fields.Integer(required=True)
    call_id = fields.Integer(required=True, metadata={"description": "申报项目"})
    call_name = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "queued · running · done · failed", "example": "running"})
    status_label = fields.String(required=True, metadata={"example": "生成中"})
    done = fields.Integer(required=True, metadata={"description": "已加入的申报书份数"})
    total = fields.Integer(required=True, metadata={"description": "申报书总份数"})
    percent = fields.Integer(required=True, metadata={"description": "进度（0–100）"})
    error = fields.String(required=True, allow_none=True, metadata={"description": "失败原因"})
    sha256 = fields.String(required=True, allow_none=True, metadata={
        "description": "完成后 zip 的 SHA-256（下载的 ETag）"})
    size = fields.Integer(required=True, allow_none=True, metadata={"description": "完成后 zip 的字节数"})
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True)
    download_url = fields.String(required=True, allow_none=True, metadata={
        "description": "完成后 zip 的下载地址"})
    manifest_url = fields.String(required=True, allow_none=True, metadata={
        "description": "完成后申报书清单（Excel）的下载地址"})


def export_json(job, call_names: dict[int, str] | None = None) -> dict:
    done = job.status == "done"
    call_names = exports.call_names() if call_names is None else call_names
    return pages.job_json(job, "api_documents.download_export") | {
        "call_id": job.call_id, "call_name": call_names.get(job.call_id, ""),
        "size": job.size if done else None, "created_at": job.created_at,
        "finished_at": job.finished_at,
        "manifest_url": url_for("api_documents.export_manifest", job_id=job.id) if done else None}


class ExportArgs(FormSchema):
    """POST /exports: which call (the page's 批量导出 button of a call)."""
    call_id = id_field("申报项目", "申报项目的编号", required=True)


class ExportableCallSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    submitted = fields.Integer(required=True, metadata={"description": "已提交的申报书份数"})


@blp.get("/exports/calls")
@blp.doc(summary="可批量导出的申报项目", description="本人为项目管理员的申报项目（系统管理员为全部），及各自已提交的申报书份数。")
@blp.response(200, ExportableCallSchema(many=True))
def exportable_calls():
    return [{"id": call.id, "name": call.name, "year": call.year, "submitted": submitted}
            for call, submitted in exports.exportable_calls(current_user)]


@blp.get("/exports")
@blp.doc(summary="我的批量导出任务（由新到旧）",
         description="本人发起、且仍为该申报项目项目管理员的导出任务。")
@blp.arguments(paging.PageArgs, location="query")
@blp.response(200, paging.page_schema(ExportJobSchema))
def list_exports(args):
    page = paging.page_of(exports.recent_jobs(current_user, limit=None), args)
    names = exports.call_names()
    return paging.Page([export_json(job, names) for job in page.items], page.page, page.per_page,
                       page.total), 200, paging.link_header(page)


@blp.post("/exports")
@idempotency.idempotent
@blp.doc(summary="批量导出申报项目已提交的申报书", parameters=[idempotency.HEADER_DOC],
         description="登记导出并交给后台任务生成 zip（每份申报书的最新提交版本，附清单）；返回任务，"
         "轮询 `GET /exports/{id}` 至 `done` 后下载。本人对同一申报项目的导出仍在排队或生成时，返回那一个。"
         "仅该申报项目的项目管理员与系统管理员可导出（否则 403）。")
@blp.arguments(ExportArgs, location="json")
@blp.response(202, ExportJobSchema, headers={"Location": {
    "description": "任务地址", "schema": {"type": "string"}}})
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def start_export(args):
    job = exports.start_export(args["call_id"], current_user)
    return export_json(job), 202, {"Location": url_for("api_documents.show_export", job_id=job.id),
                                   "Cache-Control": "no-store"}


@blp.get("/exports/<int:job_id>")
@blp.doc(summary="导出任务的进度")
@blp.response(200, ExportJobSchema)
@blp.alt_response(404, response="NOT_FOUND")
def show_export(job_id: int):
    return export_json(exports.visible_job(job_id, current_user)), 200, {
        "Cache-Control": "private, no-store"}


@blp.get("/exports/<int:job_id>/download")
@blp.doc(summary="下载导出的 zip", parameters=[IF_NONE_MATCH_DOC],
         description="每份申报书的PDF及清单（manifest.csv、申报书清单.xlsx）；ETag 为 zip 的 SHA-256。"
         "尚未完成时 404。")
@blp.response(200, **file_response(ZIP, "zip 文件"))
@blp.alt_response(304, description="未变化（If-None-Match 与 ETag 相符）")
@blp.alt_response(404, response="NOT_FOUND")
def download_export(job_id: int):
    return pages.export_zip(job_id)


@blp.get("/exports/<int:job_id>/manifest.xlsx")
@blp.doc(summary="导出的申报书清单（Excel）")
@blp.response(200, **file_response(XLSX, "Excel 文件"))
@blp.alt_response(404, response="NOT_FOUND")
def export_manifest(job_id: int):
    return pages.export_manifest_xlsx(job_id)


# The lists as Excel ---------------------------------------------------------------------------

class InboxSheetArgs(FormSchema):
    process = choice("流程", tuple((key, rules.title) for key, rules in PROCESSES.items()),
                     required=False)
    task = fields.String(load_default=None, metadata={"label": "事项", "description": "环节代码"})
    city = id_field("市州", "市州科协的机构编号", load_default=None)
    sector = choice("所属领域", c.SECTORS, required=False)
    due = choice("期限", (("overdue", "已逾期"), ("week", "7日内到期")), required=False)
    mine = fields.Boolean(load_default=False, metadata={
        "label": "仅本人", "description": "只列本人已认领或指派给本人的事项"})


InstanceSheetArgs = InstanceSearchArgs  # the list's search (instances_schemas)


XLSX_DOC = file_response(XLSX, "Excel 文件（筛选条件下的全部行，不分页）")


@blp.get("/inbox.xlsx")
@blp.doc(summary="我的待办（Excel）", description="与「我的待办」页面的导出Excel相同的筛选。")
@blp.arguments(InboxSheetArgs, location="query")
@blp.response(200, **XLSX_DOC)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def inbox_sheet(args):
    wanted = inbox_service.InboxFilter(
        process=args["process"], task_name=args["task"], city_id=args["city"],
        sector=args["sector"], due=args["due"], mine=bool(args["mine"]))
    return xlsx_response(lists.inbox_sheet(current_user, wanted).content, "我的待办")


@blp.get("/instances.xlsx")
@blp.doc(summary="项目与申报（Excel）", description="与「项目与申报」页面的导出Excel相同的筛选与范围。")
@blp.arguments(InstanceSheetArgs, location="query")
@blp.response(200, **XLSX_DOC)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def instances_sheet(args):
    return xlsx_response(lists.instances_sheet(current_user, instance_filter(args)).content,
                         "项目与申报")
