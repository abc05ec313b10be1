"""绩效数据填报: a funded society's KPI achievements during implementation — the call's targets
with what is recorded so far, the entries, and recording one more (the data form 'kpi_entry',
validated by the service as on the page /applications/<id>/kpis)."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms import grant_forms as gf

from ..services.grant import applications
from ..services.grant import kpi_entries as service
from . import PREFIX, idempotency

blp = Blueprint("api_kpis", __name__, url_prefix=f"{PREFIX}/applications/<int:application_id>/kpis",
                description="绩效数据填报：立项项目实施期间登记绩效指标的完成情况")


class KpiProgressSchema(Schema):
    label = fields.String(required=True, metadata={"description": "绩效指标"})
    unit = fields.String(required=True, metadata={"description": "单位"})
    target = fields.String(required=True, metadata={"description": "目标值（不低于）"})
    recorded = fields.String(required=True, metadata={"description": "已登记（计入的数量）"})
    note = fields.String(required=True, metadata={"description": "说明（书面成果字数、“或”组）"})


class KpiEntryViewSchema(Schema):
    occurred_on = fields.Date(required=True, metadata={"description": "发生日期"})
    kpi = fields.String(required=True, metadata={"description": "绩效指标"})
    quantity = fields.String(required=True, metadata={"description": "数量"})
    platform_ref = fields.String(required=True, allow_none=True, metadata={"description": "平台确认编号"})
    word_count = fields.Integer(required=True, allow_none=True, metadata={"description": "字数"})
    description = fields.String(required=True, metadata={"description": "情况说明"})


class KpiOptionSchema(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class KpiPageSchema(Schema):
    application_id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    title = fields.String(required=True)
    call = fields.String(required=True, metadata={"description": "申报指南"})
    platform_confirmation = fields.Boolean(required=True, metadata={
        "description": "须经“科创中国”平台确认：每条须填 platform_ref"})
    written = fields.Boolean(required=True, metadata={"description": "有书面成果指标：须填 word_count"})
    fields_ = fields.List(fields.String(), required=True, data_key="fields", metadata={
        "description": "登记时可填的字段（同网页表单）"})
    kpi_options = fields.List(fields.Nested(KpiOptionSchema), required=True, metadata={
        "description": "kpi_code 的可选值"})
    targets = fields.List(fields.Nested(KpiProgressSchema), required=True)
    entries = fields.List(fields.Nested(KpiEntryViewSchema), required=True)


def page_json(page: service.KpiEntryPage) -> dict:
    application = page.application
    return {"application_id": application.id, "instance_id": application.instance_id,
            "title": application.title, "call": application.call.name,
            "platform_confirmation": page.platform_confirmation, "written": page.written,
            "fields_": list(page.form.fields), "kpi_options": [
                {"code": code, "label": label} for code, label in page.options["kpi_code"]],
            "targets": [vars(t) for t in page.targets], "entries": [vars(e) for e in page.entries]}


@blp.get("")
@blp.doc(summary="绩效数据：目标、已登记的数据与可填字段",
         description="仅该学会的申报人，且项目在实施阶段（已立项、未结项）；否则 403 或 404（同网页）。")
@blp.response(200, KpiPageSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def show(application_id: int):
    return page_json(service.kpi_entry_page(application_id, current_user))


@blp.post("")
@idempotency.idempotent
@blp.doc(parameters=[idempotency.HEADER_DOC])
@blp.doc(summary="登记一条绩效数据",
         description="表单 kpi_entry（同网页）：kpi_code、quantity、occurred_on、description，"
                     "“科创中国”项目另须 platform_ref，书面成果另须 word_count。"
                     "无效时 422 逐项列出，不做任何改动。返回登记后的绩效数据。",
         requestBody={"required": True, "content": {"application/json": {"schema": gf.KpiEntrySchema}}})
@blp.response(201, KpiPageSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def record(application_id: int):
    raw = request.get_json(silent=True)
    applications.record_kpi(application_id, raw if isinstance(raw, dict) else {}, current_user)
    return page_json(service.kpi_entry_page(application_id, current_user))
