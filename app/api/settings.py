"""届次与申报指南 over the API: 科创会 editions (admins) and grant calls (admins, and the 项目管理员
of the call's managing department) — read, create, save a new settings version, the version
history and the dated timeline. The same use cases and checks as 系统管理 → 届次与申报指南
(services/shared/call_settings.py); a running instance keeps the version it started with."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms import fields as f
from forms.call_forms import ConferenceEditionSchema, GrantCallSchema

from ..services.shared import call_settings as service
from ..services.shared.errors import InvalidInput
from . import PREFIX, paging
from .conditions import check_if_match_tag
from .bodies import form_body

blp = Blueprint("api_settings", __name__, url_prefix=PREFIX,
                description="届次与申报指南：科创会届次（系统管理员）与申报指南（系统管理员、所属部门的项目管理员）；"
                            "每次保存为一个新的设置版本，已在办理中的项目仍按其开始时的版本办理")

IF_MATCH_DOC = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
                "description": "读取时返回的 ETag（设置版本）；其间有人保存过新版本则 412，不做任何改动"}
NAMES = {service.EDITION: "科创会届次", service.CALL: "申报指南"}


@blp.before_request
def settings_users_only():
    """The pages' check (views/settings.py asks the same function): 403 otherwise."""
    service.check_may_use_settings(current_user)


# Schemas ----------------------------------------------------------------------------------------

class NewCallSchema(GrantCallSchema):
    """新建申报指南: its settings and the 省科协部门 managing it."""
    managing_org_id = f.whole("管理部门", low=1, help="您可管理的省科协部门（系统管理员：任一部门）")


class VersionSchema(Schema):
    number = fields.Integer(required=True, metadata={"description": "版本号，从1起"})
    saved_at = fields.DateTime(required=True)
    saved_by = fields.String(required=True, metadata={"description": "保存人（“系统”：启用版本管理前的设置）"})
    changed = fields.List(fields.String(), required=True, metadata={"description": "改动的设置项（中文）"})
    running = fields.Integer(required=True, metadata={"description": "按此版本办理中的项目数"})


class MilestoneSchema(Schema):
    label = fields.String(required=True, metadata={"example": "申报截止"})
    day = fields.Date(required=True)
    end = fields.Date(required=True, allow_none=True, metadata={"description": "时段的结束日（如公示）"})
    note = fields.String(required=True)


class SummarySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "当前设置版本（0：尚未保存过版本）"})


class EditionSummarySchema(SummarySchema):
    number = fields.Integer(required=True, metadata={"description": "届次"})


class CallSummarySchema(SummarySchema):
    program_code = fields.String(required=True, metadata={"description": "项目类别代码"})
    managing_org_id = fields.Integer(required=True, metadata={"description": "管理部门"})


class DetailMixin(Schema):
    settings = fields.Dict(required=True, metadata={
        "description": "当前设置（与新建、修改时提交的字段相同；日期为 ISO 格式，金额为字符串）"})
    versions = fields.List(fields.Nested(VersionSchema), required=True, metadata={"description": "设置版本，由新到旧"})
    timeline = fields.List(fields.Nested(MilestoneSchema), required=True, metadata={"description": "按当前设置的时间安排"})


class EditionSchema(EditionSummarySchema, DetailMixin):
    pass


class CallSchema(CallSummarySchema, DetailMixin):
    pass


class SavedEditionSchema(EditionSchema):
    message = fields.String(required=True, metadata={"example": "已保存为第2版；已在办理中的项目仍按其开始时的版本办理。"})


class SavedCallSchema(CallSchema):
    message = fields.String(required=True)


# Helpers --------------------------------------------------------------------------------------------

def etag_of(subject: str, obj) -> str:
    return f'"{subject}{obj.id}-s{service.current_version(subject, obj)}"'


def check_if_match(subject: str, obj) -> None:
    check_if_match_tag(etag_of(subject, obj))


def summary_json(subject: str, obj) -> dict:
    data = {"id": obj.id, "name": obj.name, "year": obj.year,
            "version": service.current_version(subject, obj)}
    if subject == service.EDITION:
        data["number"] = obj.number
    else:
        data.update(program_code=obj.program_code, managing_org_id=obj.managing_org_id)
    return data


def version_json(row: service.VersionRow) -> dict:
    return {"number": row.number, "saved_at": row.saved_at, "saved_by": row.saved_by,
            "changed": list(row.changed), "running": row.running}


def milestone_json(m: service.Milestone) -> dict:
    return {"label": m.label, "day": m.day, "end": m.end, "note": m.note}


def detail(subject: str, obj, status: int = 200, message: str | None = None):
    data = {**summary_json(subject, obj), "settings": service.snapshot(subject, obj),
            "versions": [version_json(r) for r in service.history(subject, obj)],
            "timeline": [milestone_json(m) for m in service.timeline_of(subject, obj)]}
    if message is not None:
        data["message"] = message
    headers = {"ETag": etag_of(subject, obj)}
    if status == 201:
        endpoint = "api_settings.get_edition" if subject == service.EDITION else "api_settings.get_call"
        headers["Location"] = url_for(endpoint, **{f"{subject}_id": obj.id})
    return data, status, headers


def saved(subject: str, obj, version):
    """The answer to a PUT: the new state, and whether a version was saved."""
    message = ("设置没有变化，未保存新版本。" if version is None else
               f"已保存为第{version.number}版；已在办理中的项目仍按其开始时的版本办理。")
    return detail(subject, obj, message=message)


def listed(subject: str, rows: list, args: dict):
    page = paging.page_of(rows, args, lambda obj: summary_json(subject, obj))
    return page, 200, paging.link_header(page)


# 科创会届次 (admins) --------------------------------------------------------------------------------

@blp.get("/editions")
@blp.doc(summary="科创会届次（由新到旧；系统管理员）")
@blp.arguments(paging.PageArgs, location="query")
@blp.response(200, paging.page_schema(EditionSummarySchema))
@blp.alt_response(403, response="FORBIDDEN")
def list_editions(args):
    service.check_edition_admin(current_user)
    return listed(service.EDITION, service.editions(), args)


@blp.post("/editions")
@blp.doc(summary="新建科创会届次", description="字段同网页「新建届次」；错误按字段以中文说明（422），不创建任何内容。")
@form_body(blp, ConferenceEditionSchema)
@blp.response(201, EditionSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_edition(body):
    return detail(service.EDITION, service.create_edition(body, current_user), 201)


@blp.get("/editions/<int:edition_id>")
@blp.doc(summary="一届科创会：当前设置、设置版本与时间安排")
@blp.response(200, EditionSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def get_edition(edition_id: int):
    return detail(service.EDITION, service.get_edition(edition_id, current_user))


@blp.put("/editions/<int:edition_id>")
@blp.doc(summary="修改科创会届次（保存为新的设置版本）",
         description="提交全部设置（同 GET 返回的 settings）。有改动则保存为新版本，已在办理中的项目仍按其开始时的版本办理；"
                     "无改动则不产生新版本。", parameters=[IF_MATCH_DOC])
@form_body(blp, ConferenceEditionSchema)
@blp.response(200, SavedEditionSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_edition(body, edition_id: int):
    edition = service.get_edition(edition_id, current_user)
    check_if_match(service.EDITION, edition)
    return saved(service.EDITION, edition, service.update_edition(edition.id, body, current_user))


@blp.get("/editions/<int:edition_id>/versions")
@blp.doc(summary="科创会届次的设置版本（由新到旧，含按各版本办理中的项目数）")
@blp.response(200, VersionSchema(many=True))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def edition_versions(edition_id: int):
    edition = service.get_edition(edition_id, current_user)
    return [version_json(r) for r in service.history(service.EDITION, edition)]


@blp.get("/editions/<int:edition_id>/timeline")
@blp.doc(summary="科创会届次的时间安排（按当前设置）")
@blp.response(200, MilestoneSchema(many=True))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def edition_timeline(edition_id: int):
    edition = service.get_edition(edition_id, current_user)
    return [milestone_json(m) for m in service.timeline_of(service.EDITION, edition)]


@blp.post("/editions/timeline")
@blp.doc(summary="预览时间安排（不保存）", description="按提交的设置计算时间安排，什么也不保存；设置有误则 422。")
@form_body(blp, ConferenceEditionSchema)
@blp.response(200, MilestoneSchema(many=True))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def preview_edition(body):
    service.check_edition_admin(current_user)
    return [milestone_json(m) for m in service.preview(service.EDITION, body)]


# 申报指南 (admins; the 项目管理员 of the managing department) -----------------------------------------

@blp.get("/calls")
@blp.doc(summary="申报指南（系统管理员：全部；项目管理员：本部门管理的）")
@blp.arguments(paging.PageArgs, location="query")
@blp.response(200, paging.page_schema(CallSummarySchema))
@blp.alt_response(403, response="FORBIDDEN")
def list_calls(args):
    return listed(service.CALL, service.calls_for(current_user), args)


@blp.post("/calls")
@blp.doc(summary="新建申报指南", description="字段同网页「新建申报指南」，另加 managing_org_id（管理部门）；"
         "错误按字段以中文说明（422），不创建任何内容。")
@form_body(blp, NewCallSchema)
@blp.response(201, CallSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def create_call(body):
    settings = {key: value for key, value in body.items() if key != "managing_org_id"}
    try:
        call = service.create_call(settings, body.get("managing_org_id"), current_user)
    except InvalidInput as refused:  # the page's field is "_managing_org_id"; here it is the body's
        raise InvalidInput({("managing_org_id" if key == "_managing_org_id" else key): messages
                            for key, messages in refused.errors.items()}) from refused
    return detail(service.CALL, call, 201)


@blp.get("/calls/<int:call_id>")
@blp.doc(summary="一份申报指南：当前设置、设置版本与时间安排")
@blp.response(200, CallSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_call(call_id: int):
    return detail(service.CALL, service.get_call(call_id, current_user))


@blp.put("/calls/<int:call_id>")
@blp.doc(summary="修改申报指南（保存为新的设置版本）",
         description="提交全部设置（同 GET 返回的 settings）。有改动则保存为新版本，已在办理中的申报仍按其开始时的版本办理；"
                     "无改动则不产生新版本。", parameters=[IF_MATCH_DOC])
@form_body(blp, GrantCallSchema)
@blp.response(200, SavedCallSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def update_call(body, call_id: int):
    call = service.get_call(call_id, current_user)
    check_if_match(service.CALL, call)
    return saved(service.CALL, call, service.update_call(call.id, body, current_user))


@blp.get("/calls/<int:call_id>/versions")
@blp.doc(summary="申报指南的设置版本（由新到旧，含按各版本办理中的申报数）")
@blp.response(200, VersionSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def call_versions(call_id: int):
    call = service.get_call(call_id, current_user)
    return [version_json(r) for r in service.history(service.CALL, call)]


@blp.get("/calls/<int:call_id>/timeline")
@blp.doc(summary="申报指南的时间安排（按当前设置；公示期按节假日安排）")
@blp.response(200, MilestoneSchema(many=True))
@blp.alt_response(404, response="NOT_FOUND")
def call_timeline(call_id: int):
    call = service.get_call(call_id, current_user)
    return [milestone_json(m) for m in service.timeline_of(service.CALL, call)]


@blp.post("/calls/timeline")
@blp.doc(summary="预览时间安排（不保存）", description="按提交的设置计算时间安排，什么也不保存；设置有误则 422。")
@form_body(blp, GrantCallSchema)
@blp.response(200, MilestoneSchema(many=True))
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def preview_call(body):
    return [milestone_json(m) for m in service.preview(service.CALL, body)]
