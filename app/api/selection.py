"""科创会遴选工作台: the quota board of an edition (per bucket quota / used / left, counts per
市州 and sector, the caller department's candidate pool) and the marks — 遴选参会, 选入推介类别,
撤销, 发布 — through the same services as the page (/editions/<id>/selection)."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms import choices as c
from forms.base import FormSchema
from forms.search import search_term
from forms.validators import OneOfChoices

from ..services.kechuang import selection, selection_board
from ..services.reading import list_exports
from ..views.downloads import XLSX, xlsx_response
from . import PREFIX, idempotency, paging
from .files import file_response

blp = Blueprint("api_selection", __name__, url_prefix=f"{PREFIX}/editions/<int:edition_id>",
                description="科创会遴选：名额看板、候选项目与遴选标记、发布遴选结果")

MINIMUM_LABELS = {"overall_min": "参会项目总数", "roadshow_min": "重大科创项目专场推介项目数"}
MARKED = (("yes", "已标记"), ("no", "未标记"))
STAGES = (("admission", "遴选参会"), ("placement", "推介类别"))


# Arguments ----------------------------------------------------------------------------------

class SelectionBoardArgs(paging.PageArgs):
    dept = fields.Integer(metadata={"label": "遴选部门", "description": "遴选部门的机构编号（本人任遴选人员的部门；缺省为第一个）"})
    city = fields.Integer(metadata={"label": "市州", "description": "市州科协的机构编号"})
    type = fields.String(validate=OneOfChoices("项目类型", c.PROJECT_TYPES), metadata={"label": "项目类型"})
    sector = fields.String(validate=OneOfChoices("所属领域", c.SECTORS), metadata={"label": "所属领域"})
    intent = fields.String(validate=OneOfChoices("推介意向", c.INTENTS), metadata={"label": "推介意向"})
    marked = fields.String(validate=OneOfChoices("标记", MARKED), metadata={
        "label": "标记", "description": "yes 已标记 / no 未标记（stage 指遴选参会或推介类别）"})
    stage = fields.String(validate=OneOfChoices("标记阶段", STAGES), metadata={"label": "标记阶段"})
    text = search_term("项目名称包含")
    sort = fields.String(validate=OneOfChoices("排序", tuple(selection_board.SORTS.items())),
                         metadata={"label": "排序", "description": "intent 推介意向优先 / title / city / type"})


class SelectionAdmitArgs(FormSchema):
    project_ids = fields.List(fields.Integer(), required=True, metadata={"label": "项目"})
    admitted = fields.Boolean(load_default=True, metadata={
        "label": "遴选参会", "description": "true 遴选参会 / false 取消参会"})


class SelectionPlaceArgs(FormSchema):
    project_id = fields.Integer(required=True, metadata={"label": "项目"})
    bucket = fields.String(required=True, metadata={
        "label": "入选推介类别", "description": "opening / major_roadshow / showcase / pitch_sessions"})
    sector = fields.String(load_default=None, allow_none=True, metadata={
        "label": "专场领域", "description": "重大科创项目专场推介会的领域（缺省为项目的所属领域）"})


class SelectionUnplaceArgs(FormSchema):
    project_id = fields.Integer(required=True, metadata={"label": "项目"})


class SelectionPublishArgs(FormSchema):
    confirm_short = fields.Boolean(load_default=False, metadata={
        "label": "确认在未达下限时发布", "description": "下限未达到时须为 true 才发布"})


# Responses ----------------------------------------------------------------------------------

class SelectionNamedSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class SelectionCodeLabelSchema(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class SelectionQuotaLineSchema(Schema):
    label = fields.String(required=True, metadata={"description": "类别", "example": "开幕式发布·科技成果转化"})
    quota = fields.String(required=True, metadata={"description": "名额（如 10、≥3000、5–8、不限）"})
    used = fields.Integer(required=True, metadata={"description": "已选"})
    left = fields.String(required=True, metadata={"description": "剩余（下限类为“差N”，不限为“不限”）"})


class SelectionShortfallSchema(Schema):
    minimum = fields.String(required=True, metadata={"description": "overall_min / roadshow_min"})
    minimum_label = fields.String(required=True)
    required = fields.Integer(required=True, metadata={"description": "下限"})
    reached = fields.Integer(required=True, metadata={"description": "截止时实际项数"})
    recorded_at = fields.DateTime(required=True)


class SelectionCountSchema(Schema):
    name = fields.String(required=True)
    count = fields.Integer(required=True)


class SelectionCandidateSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "项目编号"})
    title = fields.String(required=True)
    city = fields.String(required=True, metadata={"description": "市州"})
    recommender = fields.String(required=True, metadata={"description": "推荐单位"})
    type = fields.String(required=True, metadata={"description": "项目类型"})
    intent = fields.String(required=True, metadata={"description": "推介意向（“—”为未填）"})
    sector = fields.String(required=True, metadata={"description": "所属领域（“—”为未填）"})
    reason = fields.String(required=True, metadata={"description": "推荐理由"})
    rank = fields.String(required=True, metadata={"description": "推荐单位内排序（“—”为未填）"})
    recommended_at = fields.DateTime(required=True, allow_none=True)
    badges = fields.List(fields.String(), required=True, metadata={"description": "评选要点标签"})
    admitted = fields.Boolean(required=True, metadata={"description": "已遴选参会"})
    placed = fields.String(required=True, allow_none=True, metadata={"description": "已选入的推介类别"})
    placed_code = fields.String(required=True, allow_none=True)
    placed_sector = fields.String(required=True, allow_none=True, metadata={"description": "专场领域"})
    default_sector = fields.String(required=True, allow_none=True, metadata={"description": "项目的所属领域代码"})


class SelectionBoardSchema(Schema):
    edition = fields.Nested(SelectionNamedSchema, required=True)
    select_deadline = fields.Date(required=True, metadata={"description": "遴选截止日（当日24时止）"})
    open = fields.Boolean(required=True, metadata={"description": "遴选截止前"})
    department = fields.Nested(SelectionNamedSchema, required=True, metadata={"description": "本看板的遴选部门"})
    departments = fields.List(fields.Nested(SelectionNamedSchema), required=True, metadata={
        "description": "本人任遴选人员的部门（可用 dept 切换）"})
    buckets = fields.List(fields.Nested(SelectionCodeLabelSchema), required=True, metadata={
        "description": "本部门负责的类别"})
    admits = fields.Boolean(required=True, metadata={"description": "本部门负责遴选参会（看到全部候选项目）"})
    quota_lines = fields.List(fields.Nested(SelectionQuotaLineSchema), required=True)
    warnings = fields.List(fields.String(), required=True, metadata={"description": "下限未达到（截止前）"})
    recorded_shortfalls = fields.List(fields.Nested(SelectionShortfallSchema), required=True)
    by_city = fields.List(fields.Nested(SelectionCountSchema), required=True, metadata={"description": "各市州遴选参会项数"})
    by_sector = fields.List(fields.Nested(SelectionCountSchema), required=True, metadata={"description": "重大科创项目专场各领域项数"})
    pool = fields.Nested(paging.page_schema(SelectionCandidateSchema), required=True, metadata={
        "description": "本部门的候选项目（一页）"})


class SelectionDoneSchema(Schema):
    message = fields.String(required=True, metadata={"example": "已遴选参会1项"})


class SelectionPublishedSchema(SelectionDoneSchema):
    selected = fields.Integer(required=True, metadata={"description": "入选项数"})
    not_selected = fields.Integer(required=True, metadata={"description": "未入选项数"})


# Routes -------------------------------------------------------------------------------------

FILTERS = ("city", "type", "sector", "intent", "marked", "stage", "text", "sort")


def board_json(view: selection_board.Board, departments, per_page: int) -> dict:
    edition = view.edition
    pool = paging.Page([_rank_text(row) for row in view.rows], view.page, per_page, view.total)
    return {"edition": {"id": edition.id, "name": edition.name},
            "select_deadline": edition.select_deadline, "open": view.open,
            "department": {"id": view.department.id, "name": view.department.name},
            "departments": [{"id": org.id, "name": org.name} for org in departments],
            "buckets": [{"code": b, "label": c.label_of(c.SELECTION_BUCKETS, b)} for b in view.buckets],
            "admits": view.admits,
            "quota_lines": [vars(line) for line in view.lines], "warnings": view.warnings,
            "recorded_shortfalls": [{"minimum": s.minimum, "minimum_label": MINIMUM_LABELS.get(s.minimum, s.minimum),
                                     "required": s.required, "reached": s.reached,
                                     "recorded_at": s.recorded_at} for s in view.recorded],
            "by_city": [{"name": n, "count": k} for n, k in view.by_city],
            "by_sector": [{"name": n, "count": k} for n, k in view.by_sector],
            "pool": pool, "_page": pool}


def _rank_text(row: dict) -> dict:
    return {**row, "rank": str(row["rank"])}


@blp.get("/selection")
@blp.doc(summary="遴选工作台：名额、各市州与领域统计、本部门的候选项目",
         description="仅本届科创会遴选部门的遴选人员（否则 403）。候选项目分页（Link 头）；筛选同网页。")
@blp.arguments(SelectionBoardArgs, location="query")
@blp.response(200, SelectionBoardSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def board(args, edition_id: int):
    dept = selection_board.department_for(edition_id, current_user, args.get("dept"))
    filters = {key: str(args[key]) for key in FILTERS if args.get(key) not in (None, "")}
    view = selection_board.quota_board(edition_id, dept.id, current_user, filters,
                                       args["page"], args["per_page"])
    body = board_json(view, selection_board.departments_of(view.edition, current_user),
                      args["per_page"])
    return body, 200, paging.link_header(body.pop("_page"))


def _refusals(view):
    for status, name in ((403, "FORBIDDEN"), (404, "NOT_FOUND"), (409, "CONFLICT"),
                         (422, "UNPROCESSABLE_ENTITY")):
        view = blp.alt_response(status, response=name)(view)
    return view


@blp.post("/selection/admit")
@blp.doc(summary="遴选参会 / 取消参会（创发部）",
         description="拒绝时（非本部门类别 403；已截止、已选入推介类别 409）不做任何改动，detail 为中文原因。")
@blp.arguments(SelectionAdmitArgs)
@blp.response(200, SelectionDoneSchema)
@_refusals
def admit(args, edition_id: int):
    selection.mark_admission(args["project_ids"], args["admitted"], current_user,
                             edition_id=edition_id)
    return {"message": f"已{'遴选参会' if args['admitted'] else '取消参会'}{len(args['project_ids'])}项"}


@blp.post("/selection/place")
@blp.doc(summary="选入推介类别（负责该类别的部门）",
         description="名额已满、尚未遴选参会、已截止为 409；非本部门类别 403；类别无效 422。拒绝时不做任何改动。")
@blp.arguments(SelectionPlaceArgs)
@blp.response(200, SelectionDoneSchema)
@_refusals
def place(args, edition_id: int):
    selection.mark_placement(args["project_id"], args["bucket"], args["sector"] or None,
                             current_user, edition_id=edition_id)
    return {"message": f"已选入{c.label_of(c.SELECTION_BUCKETS, args['bucket'])}"}


@blp.post("/selection/unplace")
@blp.doc(summary="撤销推介类别（负责该类别的部门）")
@blp.arguments(SelectionUnplaceArgs)
@blp.response(200, SelectionDoneSchema)
@_refusals
def unplace(args, edition_id: int):
    selection.unmark_placement(args["project_id"], current_user, edition_id)
    return {"message": "已撤销推介类别"}


@blp.post("/selection/publish")
@idempotency.idempotent
@blp.doc(parameters=[idempotency.HEADER_DOC])
@blp.doc(summary="发布遴选结果（创发部）",
         description="下限未达到时须 confirm_short=true，否则 409 说明差额；发布后各项目进入下一环节。")
@blp.arguments(SelectionPublishArgs)
@blp.response(200, SelectionPublishedSchema)
@_refusals
def publish(args, edition_id: int):
    counts = selection.publish_selection(edition_id, current_user, confirm_short=args["confirm_short"])
    return {"message": f"遴选结果已发布：入选{counts['selected']}项，未入选{counts['not_selected']}项",
            "selected": counts["selected"], "not_selected": counts["not_selected"]}


@blp.get("/selection.xlsx")
@blp.doc(summary="导出本部门的候选项目（Excel，全部页，按同样的筛选）")
@blp.arguments(SelectionBoardArgs, location="query")
@blp.response(200, **file_response(XLSX, "遴选项目表（.xlsx）"))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def export(args, edition_id: int):
    dept = selection_board.department_for(edition_id, current_user, args.get("dept"))
    filters = {key: str(args[key]) for key in FILTERS if args.get(key) not in (None, "")}
    sheet = list_exports.selection_sheet(edition_id, dept.id, current_user, filters)
    return xlsx_response(sheet.content, f"{dept.name}-遴选项目")
