"""统计数据: the tables the 统计数据 pages render, as JSON — an edition's funnel per 市州 / 所属领域 /
推介区 and the 市（州）绩效评价 (scoped as the page: a 市州科协 its own rows and the province's
totals), a call's KPI progress per grant team (its officers) — the same services
(reading/figures.py, call_figures.py), so the numbers are the page's and the .xlsx's."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..services.reading import call_figures as calls
from ..services.reading import figure_lists as listing
from ..services.reading import figures as editions
from ..services.reading.figure_tables import KINDS, Table, cell_text
from ..services.reading.figures_xlsx import workbook
from ..views.downloads import XLSX, xlsx_response
from . import PREFIX
from .files import file_response

blp = Blueprint("api_figures", __name__, url_prefix=PREFIX,
                description="统计数据：科创会成果统计与申报项目绩效进度")


class FiguresColumnSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "列名"})
    kind = fields.String(required=True, metadata={"description": f"数值类别：{'、'.join(KINDS)}"})


class FiguresCellSchema(Schema):
    key = fields.String(required=True, metadata={"description": "列"})
    value = fields.Raw(required=True, allow_none=True, metadata={
        "description": "数值：整数、小数（字符串，精确值）、文字或日期（ISO 8601）；无数据为 null"})
    text = fields.String(required=True, metadata={"description": "网页上的写法（如 12.50、35%、—）"})


class FiguresTableSchema(Schema):
    ident = fields.String(required=True, metadata={"example": "funnel"})
    name = fields.String(required=True, metadata={"description": "表名", "example": "全省项目漏斗"})
    note = fields.String(required=True, metadata={"description": "说明"})
    columns = fields.List(fields.Nested(FiguresColumnSchema), required=True)
    rows = fields.List(fields.List(fields.Nested(FiguresCellSchema)), required=True, metadata={
        "description": "各行，每行按 columns 的顺序"})
    total = fields.List(fields.Nested(FiguresCellSchema), required=True, allow_none=True, metadata={
        "description": "合计行（无则 null）"})


class FiguresRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class FiguresScopeSchema(Schema):
    province = fields.Boolean(required=True, metadata={"description": "可看全省各市（州）的明细"})
    city_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "市（州）科协只看本市（州）的明细行：其机构编号"})
    note = fields.String(required=True)


class FiguresEditionSchema(Schema):
    edition = fields.Nested(FiguresRefSchema, required=True)
    scope = fields.Nested(FiguresScopeSchema, required=True)
    tables = fields.List(fields.Nested(FiguresTableSchema), required=True)


class FiguresCallSchema(Schema):
    call = fields.Nested(FiguresRefSchema, required=True)
    tables = fields.List(fields.Nested(FiguresTableSchema), required=True)


class FiguresListSchema(Schema):
    editions = fields.List(fields.Nested(FiguresRefSchema), required=True, metadata={
        "description": "可查看成果统计的科创会届次"})
    calls = fields.List(fields.Nested(FiguresRefSchema), required=True, metadata={
        "description": "可查看绩效进度的申报指南"})


def value_json(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 200.5000 → 200.5
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def cells(table: Table, row: dict) -> list[dict]:
    return [{"key": column.key, "value": value_json(row.get(column.key)),
             "text": cell_text(row.get(column.key), column.kind)} for column in table.columns]


def table_json(table: Table) -> dict:
    return {"ident": table.ident, "name": table.name, "note": table.note,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
            "rows": [cells(table, row) for row in table.rows],
            "total": cells(table, table.total) if table.total else None}


def _ref(thing) -> dict:
    return {"id": thing.id, "name": thing.name}


@blp.get("/figures")
@blp.doc(summary="可查看的统计数据：科创会届次与申报指南",
         description="仅省科协有关部门、项目管理员和市（州）科协（否则 403，同网页）。")
@blp.response(200, FiguresListSchema)
@blp.alt_response(403, response="FORBIDDEN")
def index():
    lists = listing.figure_lists(current_user)
    return {"editions": [_ref(e) for e in lists["editions"]], "calls": [_ref(c) for c in lists["calls"]]}


@blp.get("/editions/<int:edition_id>/figures")
@blp.doc(summary="科创会成果统计：项目漏斗、按市（州）、按所属领域、按推介区、市（州）绩效评价",
         description="省科协有关部门看全部；市（州）科协看全省汇总与本市（州）的行；其他人 403。")
@blp.response(200, FiguresEditionSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def edition(edition_id: int):
    figures = editions.edition_figures(edition_id, current_user)
    scope = figures.scope
    return {"edition": _ref(figures.edition),
            "scope": {"province": scope.province, "city_id": scope.city_id, "note": scope.note},
            "tables": [table_json(t) for t in figures.tables]}


@blp.get("/calls/<int:call_id>/figures")
@blp.doc(summary="申报项目绩效进度：各立项团队的绩效指标完成情况",
         description="仅该申报指南的项目管理员与系统管理员（否则 403，同网页）。")
@blp.response(200, FiguresCallSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def call(call_id: int):
    figures = calls.call_figures(call_id, current_user)
    return {"call": _ref(figures.call), "tables": [table_json(t) for t in figures.tables]}


@blp.get("/editions/<int:edition_id>/figures.xlsx")
@blp.doc(summary="科创会成果统计（Excel，同网页的各表）")
@blp.response(200, **file_response(XLSX, "成果统计（.xlsx）"))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def edition_xlsx(edition_id: int):
    figures = editions.edition_figures(edition_id, current_user)
    return xlsx_response(workbook(figures.tables), f"{figures.edition.name}-成果统计")


@blp.get("/calls/<int:call_id>/figures.xlsx")
@blp.doc(summary="申报项目绩效进度（Excel，同网页的各表）")
@blp.response(200, **file_response(XLSX, "绩效进度（.xlsx）"))
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def call_xlsx(call_id: int):
    figures = calls.call_figures(call_id, current_user)
    return xlsx_response(workbook(figures.tables), f"{figures.call.name}-绩效进度")
