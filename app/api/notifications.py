"""消息: the caller's notices (newest first, or only the unread ones), each with where it leads,
and marking them read — the services of the 消息 page (reading/notices, background/reminders)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..services.background import reminders
from ..services.reading import notices as service
from . import PREFIX, paging

blp = Blueprint("api_notifications", __name__, url_prefix=f"{PREFIX}/notifications",
                description="消息：决定、新待办、到期提醒与逾期督办；标记已读")


class NoticeFilterArgs(paging.PageArgs):
    unread = fields.Boolean(load_default=False, metadata={
        "label": "仅未读", "description": "true：只列出未读的消息"})


class NoticeSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "类别代码", "example": "new_task"})
    kind_label = fields.String(required=True, metadata={"description": "类别", "example": "新待办"})
    message = fields.String(required=True, metadata={"description": "内容"})
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "读取时间（未读为空）"})
    unread = fields.Boolean(required=True)
    task_id = fields.String(required=True, allow_none=True, metadata={
        "description": "所指的待办事项（仍待本人办理时），否则为空"})
    instance_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "所涉的项目或申报（本人可见时），否则为空"})
    instance_url = fields.String(required=True, allow_none=True, metadata={
        "description": "该项目或申报的接口地址"})


class NoticesMarkedSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "标记为已读的条数"})


def notice_json(row: service.NoticeRow) -> dict:
    notice = row.notice
    return {"id": notice.id, "kind": notice.kind, "kind_label": notice.kind_label,
            "message": notice.message, "created_at": notice.created_at, "read_at": notice.read_at,
            "unread": row.unread, "task_id": row.task_id, "instance_id": row.instance_id,
            "instance_url": url_for("api_instances.show_instance", instance_id=row.instance_id)
            if row.instance_id else None}


@blp.get("")
@blp.doc(summary="我的消息（最新在前）")
@blp.arguments(NoticeFilterArgs, location="query")
@blp.response(200, paging.page_schema(NoticeSchema), headers={
    "X-Unread-Count": {"description": "未读消息总数", "schema": {"type": "integer"}}})
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def list_notices(args):
    total, unread = service.notice_counts(current_user, args["unread"])
    rows = service.notice_rows(current_user, (args["page"] - 1) * args["per_page"],
                               args["per_page"], args["unread"])
    page = paging.Page([notice_json(row) for row in rows], args["page"], args["per_page"], total)
    return page, 200, paging.link_header(page) | {"X-Unread-Count": str(unread)}


@blp.post("/<int:notification_id>/read")
@blp.doc(summary="标记一条消息为已读", description="只能标记本人的消息，他人的为 404。")
@blp.response(200, NoticeSchema)
@blp.alt_response(404, response="NOT_FOUND")
def mark_read(notification_id: int):
    notice = reminders.mark_read(notification_id, current_user)
    return notice_json(service.rows_of([notice], current_user)[0])


@blp.post("/read-all")
@blp.doc(summary="全部标记为已读")
@blp.response(200, NoticesMarkedSchema)
def mark_all_read():
    return {"marked": reminders.mark_all_read(current_user)}
