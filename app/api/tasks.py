"""我的待办 over the API: the caller's inbox (the page's scope and filters), one task with what
its form takes, 认领/释放/转办, 暂存 and 提交 — through the services the task and inbox pages
call (reading/inbox, steps/task_forms), so the same role, org-scope, claim and deadline rules
decide. The form data is validated by the step's own forms/ schema (documented in the contract
under its name); files go as multipart parts named by their field path, or as the
``attachment:<id>`` reference a prefill or an earlier upload gives."""
from __future__ import annotations

import json

from flask import request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms import choices as c
from forms.base import FormSchema
from forms.fields import choice
from workflows.processes import PROCESSES, ROLE_LABELS

from ..services.kechuang import follow_ups
from ..services.reading import inbox as inbox_service
from ..services.shared.errors import InvalidInput
from ..services.steps import task_forms as service
from ..services.steps.catalog import catalog
from . import PREFIX, conditions, idempotency, paging

blp = Blueprint("api_tasks", __name__, url_prefix=f"{PREFIX}/tasks",
                description="我的待办：待办列表、事项详情与表单、认领/释放/转办、暂存与提交")


# Arguments ----------------------------------------------------------------------------------

class TaskFilterArgs(paging.PageArgs):
    process = choice("流程", tuple((key, rules.title) for key, rules in PROCESSES.items()),
                     required=False)
    task = fields.String(load_default=None, metadata={
        "label": "事项", "description": "环节代码（如 check_exclusions）；遴选事项较多时只在指定 select_project 时列出"})
    city = fields.Integer(load_default=None, metadata={"label": "市州", "description": "市州科协的机构编号"})
    sector = choice("所属领域", c.SECTORS, required=False)
    due = choice("期限", (("overdue", "已逾期"), ("week", "7日内到期")), required=False)
    mine = fields.Boolean(load_default=False, metadata={
        "label": "仅本人", "description": "只列本人已认领或指派给本人的事项"})


class DelegateArgs(FormSchema):
    to_user_id = fields.Integer(required=True, metadata={
        "label": "转办给", "description": "本单位担任同一角色的同事（见事项详情的 colleagues）"})
    reason = fields.String(required=True, metadata={"label": "转办原因", "description": "不超过500字"})


FORM_BODY_DOC = {
    "required": True,
    "description": "`data`：该环节表单的字段（见 `form_schema` 指向的模式，如 ExclusionCheck）。"
                   "上传文件时用 multipart/form-data：`data` 为 JSON 文本，文件部分以字段路径命名"
                   "（如 `stamped_pdf`）；已上传的文件可用 `attachment:<编号>` 引用。",
    "content": {
        "application/json": {"schema": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "object", "additionalProperties": True}}}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "string", "description": "表单数据（JSON 文本）"}},
            "additionalProperties": {"type": "string", "format": "binary"}}},
    }}


def form_body() -> tuple[dict, dict]:
    """The request's form data and its uploaded files ({field path: file})."""
    if request.mimetype == "multipart/form-data":
        text = request.form.get("data", "")
        uploads = {name: f for name, f in request.files.items() if f.filename}
    else:
        body = request.get_json(silent=True)
        text, uploads = None, {}
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            return body["data"], uploads
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput({"data": ["「data」应为表单数据的 JSON 对象，如 {\"data\": {…}}"]})
    return data, uploads


# Responses ----------------------------------------------------------------------------------

class TaskItemSchema(Schema):
    id = fields.String(required=True, metadata={"description": "事项编号"})
    task_name = fields.String(required=True, metadata={"description": "环节代码", "example": "check_exclusions"})
    title = fields.String(required=True, metadata={"description": "环节名称", "example": "资格审查"})
    role = fields.String(required=True)
    role_label = fields.String(required=True, metadata={"description": "办理角色"})
    org_id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    instance_title = fields.String(required=True)
    business_key = fields.String(required=True)
    process_key = fields.String(required=True)
    due_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "办理期限"})
    overdue = fields.Boolean(required=True)
    due_soon = fields.Boolean(required=True, metadata={"description": "7日内到期"})
    claimed_by = fields.String(required=True, allow_none=True, metadata={"description": "认领人"})
    shared = fields.Boolean(required=True, metadata={"description": "同时提供给多位同事（可认领）"})
    url = fields.String(required=True)


class TaskOptionSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class TaskReturnedSchema(Schema):
    title = fields.String(required=True, metadata={"description": "退回的环节"})
    actor = fields.String(required=True)
    at = fields.DateTime(required=True)
    decision = fields.String(required=True)
    comment = fields.String(required=True, metadata={"description": "退回意见"})


class TaskColleagueSchema(Schema):
    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class TaskPrefillSchema(Schema):
    source = fields.String(required=True, allow_none=True, metadata={
        "description": "draft 暂存 / previous 上次提交 / earlier 前面环节填写的 / null"})
    at = fields.DateTime(required=True, allow_none=True)
    data = fields.Dict(required=True)


class TaskDetailSchema(TaskItemSchema):
    etag = fields.String(required=True, metadata={"description": "实例的 ETag（提交时可作 If-Match）"})
    documentation = fields.String(required=True, allow_none=True, metadata={"description": "环节说明"})
    form_schema = fields.String(required=True, metadata={
        "description": "表单模式在本文档 components/schemas 中的名称"})
    options = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(TaskOptionSchema)),
                          required=True, metadata={"description": "字段路径 → 可选值（如评审专家、科服保姆）"})
    carried = fields.Dict(required=True, metadata={"description": "前面环节已确定、提交时不可更改的字段"})
    prefill = fields.Nested(TaskPrefillSchema, required=True)
    returned = fields.Nested(TaskReturnedSchema, required=True, allow_none=True,
                             metadata={"description": "被退回重办时：退回的环节、人、时间与意见"})
    colleagues = fields.List(fields.Nested(TaskColleagueSchema), required=True,
                             metadata={"description": "可转办的同事"})


class TaskDraftSchema(Schema):
    task_id = fields.String(required=True)
    saved_at = fields.DateTime(required=True)
    data = fields.Dict(required=True)


class TaskCompletedSchema(Schema):
    instance_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "running 进行中 / completed 已结束"})
    outcome = fields.String(required=True, allow_none=True)
    current_step = fields.String(required=True, allow_none=True)
    next_tasks = fields.List(fields.Nested(TaskItemSchema), required=True,
                             metadata={"description": "本人接下来可办理的该实例事项"})
    instance_url = fields.String(required=True)


class FollowUpFileSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    download_url = fields.String(required=True)


class FollowUpSchema(Schema):
    occurred_on = fields.Date(required=True, metadata={"description": "日期"})
    action = fields.String(required=True, metadata={"description": "采取措施"})
    result = fields.String(required=True, metadata={"description": "结果"})
    recorded_by = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
    files = fields.List(fields.Nested(FollowUpFileSchema), required=True)


# JSON of the services' rows -------------------------------------------------------------------

def item_json(row: inbox_service.InboxRow) -> dict:
    task, instance = row.task, row.instance
    return {"id": task.id, "task_name": task.task_name, "title": task.title, "role": task.role,
            "role_label": ROLE_LABELS.get(task.role, task.role), "org_id": task.org_id,
            "instance_id": instance.id, "instance_title": instance.title,
            "business_key": instance.business_key, "process_key": instance.process_key,
            "due_at": task.due_at, "overdue": row.overdue, "due_soon": row.due_soon,
            "claimed_by": task_claimer(task), "shared": row.shared,
            "url": url_for("api_tasks.show_task", task_id=task.id)}


def task_claimer(task) -> str | None:
    if task.claimed_by_id is None:
        return None
    from ..extensions import db
    from ..models import User
    return db.session.get(User, task.claimed_by_id).display_name


def row_of(task) -> inbox_service.InboxRow:
    return inbox_service.InboxRow(task, task.instance, shared=inbox_service.is_shared(task))


def detail_json(task) -> dict:
    step, filled = catalog().process(task.instance.process_key).step(task.task_name), \
        service.prefill(task, current_user)
    returned = service.sent_back(task, current_user)
    return item_json(row_of(task)) | {
        "etag": conditions.etag_of(task.instance),
        "documentation": service.step_documentation(task),
        "form_schema": form_schema_name(step.schema(task.instance)),
        "options": {path: [{"value": str(value), "label": label} for value, label in choices]
                    for path, choices in service.task_form_options(task, current_user).items()},
        "carried": service.carried_fields(task),
        "prefill": {"source": filled.source, "at": filled.at, "data": filled.data},
        "returned": vars(returned) if returned else None,
        "colleagues": [{"id": u.id, "display_name": u.display_name}
                       for u in inbox_service.colleagues_for(task, current_user)]}


def form_schema_name(form: type) -> str:
    return form.__name__.removesuffix("Schema")


def completed_json(instance) -> dict:
    mine = inbox_service.inbox(current_user, inbox_service.InboxFilter(instance_id=instance.id))
    return {"instance_id": instance.id, "status": instance.status, "outcome": instance.outcome,
            "current_step": instance.current_step if instance.status == "running" else None,
            "next_tasks": [item_json(row) for row in mine],
            "instance_url": url_for("api_instances.show_instance", instance_id=instance.id)}


def follow_up_json(row: follow_ups.FollowUpRow) -> dict:
    return {"occurred_on": row.occurred_on, "action": row.action, "result": row.result,
            "recorded_by": row.recorded_by, "recorded_at": row.recorded_at,
            "files": [{"id": ident, "filename": name,
                       "download_url": url_for("api_documents.download_attachment", attachment_id=ident)}
                      for ident, name in row.files]}


# The inbox ------------------------------------------------------------------------------------

@blp.get("")
@blp.doc(summary="我的待办（本人角色与机构范围内的、或指派给本人的事项，期限近的在前）")
@blp.arguments(TaskFilterArgs, location="query")
@blp.response(200, paging.page_schema(TaskItemSchema))
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def list_tasks(args):
    wanted = inbox_service.InboxFilter(
        process=args["process"], task_name=args["task"], city_id=args["city"],
        sector=args["sector"], due=args["due"], mine=bool(args["mine"]))
    found = inbox_service.inbox_page(current_user, wanted, args["page"], args["per_page"])
    page = paging.Page([item_json(row) for row in found.rows], found.page, found.per_page, found.total)
    return page, 200, paging.link_header(page)


@blp.get("/<task_id>")
@blp.doc(summary="一个事项：办理所需的一切（表单模式、可选值、预填、退回意见、可转办的同事）")
@blp.response(200, TaskDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def show_task(task_id: str):
    task = service.visible_task(task_id, current_user)
    return detail_json(task), 200, conditions.etag_header(task.instance)


# 认领 · 释放 · 转办 ------------------------------------------------------------------------------

@blp.post("/<task_id>/claim")
@blp.doc(summary="认领（同事之间先到先得；已被同事认领则 409）")
@blp.response(200, TaskItemSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def claim(task_id: str):
    return item_json(row_of(inbox_service.claim_task(task_id, current_user)))


@blp.post("/<task_id>/release")
@blp.doc(summary="释放（只有认领人可以释放）")
@blp.response(200, TaskItemSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def release(task_id: str):
    return item_json(row_of(inbox_service.unclaim_task(task_id, current_user)))


@blp.post("/<task_id>/delegate")
@blp.doc(summary="转办给本单位担任同一角色的同事（写明原因；同事会收到消息）")
@blp.arguments(DelegateArgs)
@blp.response(200, TaskItemSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def delegate(args, task_id: str):
    task = inbox_service.delegate_task(task_id, current_user, args["to_user_id"], args["reason"])
    return item_json(row_of(task))


# 暂存 · 提交 ------------------------------------------------------------------------------------

@blp.put("/<task_id>/draft")
@blp.doc(summary="暂存（本人的半成品表单，下次读取事项时作为预填）", requestBody=FORM_BODY_DOC)
@blp.response(200, TaskDraftSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def save_draft(task_id: str):
    data, uploads = form_body()
    draft = service.save_draft(task_id, data, uploads, current_user)
    return {"task_id": draft.task_id, "saved_at": draft.saved_at, "data": draft.data}


@blp.post("/<task_id>/complete")
@idempotency.idempotent
@blp.doc(summary="提交：完成该环节，流程前进", requestBody=FORM_BODY_DOC,
         description="表单由该环节的 forms/ 模式与规则校验，一次列出全部错误（422，中文，按字段路径）且不做任何改动；"
                     "已被他人办理为 409（code task_handled）；逾期为 409（code deadline_passed）；"
                     "`If-Match` 与实例当前 ETag 不符为 412；带 `Idempotency-Key` 重试只提交一次。",
         parameters=[conditions.IF_MATCH_DOC, idempotency.HEADER_DOC])
@blp.response(200, TaskCompletedSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def complete(task_id: str):
    conditions.check_task_if_match(task_id)
    data, uploads = form_body()
    instance = service.submit(task_id, data, uploads, current_user)
    return completed_json(instance), 200, conditions.etag_header(instance)


# 跟踪记录 (跟踪服务) ------------------------------------------------------------------------------

@blp.get("/<task_id>/follow-ups")
@blp.doc(summary="跟踪服务的跟踪记录（只在「跟踪服务」事项上）")
@blp.response(200, FollowUpSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def list_follow_ups(task_id: str):
    task = follow_ups.follow_up_task(task_id, current_user)
    return [follow_up_json(row) for row in follow_ups.records_of_instance(task.instance)]


@blp.post("/<task_id>/follow-ups")
@blp.doc(summary="登记跟踪记录（事项保持打开，全部跟踪结束后再提交跟踪结论）", requestBody={
    "required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["data"], "properties": {
            "data": {"type": "string", "description": "JSON 文本：occurred_on 日期、action 采取措施、result 结果"},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": f"附件（PDF/JPG/PNG，最多{follow_ups.MAX_FILES}个）"}}}},
        "application/json": {"schema": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "object", "additionalProperties": True}}}}}})
@blp.response(201, FollowUpSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def add_follow_up(task_id: str):
    data, _uploads = form_body()
    files = request.files.getlist("files") if request.mimetype == "multipart/form-data" else []
    staged, file_errors = follow_ups.stage_files(task_id, files, current_user)
    follow_ups.add_record(task_id, data, current_user, staged, file_errors)
    task = follow_ups.follow_up_task(task_id, current_user)
    return [follow_up_json(row) for row in follow_ups.records_of_instance(task.instance)], 201


def register_form_schemas(spec) -> None:
    """Every step's form (and its variants) in the contract's components, by the name a task's
    ``form_schema`` gives."""
    known = spec.components.schemas
    for process in catalog().processes():
        for step in process.steps:
            for form in step.all_forms():
                name = form_schema_name(form)
                if name not in known:
                    spec.components.schema(name, schema=form)
