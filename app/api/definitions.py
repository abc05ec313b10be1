"""流程模型: the deployed process versions (everyone signed in), and deploying a new version
(administrators — the same use case as 系统管理 → 流程模型)."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from ..services.shared import definitions as service
from . import PREFIX

blp = Blueprint("api_definitions", __name__, url_prefix=f"{PREFIX}/definitions",
                description="流程模型：已部署的版本与部署新版本")


class DefinitionSchema(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True, metadata={"example": "kechuang_project"})
    name = fields.String(required=True, metadata={"example": "科创项目"})
    version = fields.Integer(required=True)
    content_hash = fields.String(required=True, metadata={"description": "模型内容的 SHA-256"})
    deployed_at = fields.DateTime(required=True)
    running = fields.Integer(required=True, metadata={"description": "在此版本上运行中的实例数"})
    instances = fields.Integer(required=True, metadata={"description": "此版本的实例总数"})


class DeployFilesSchema(Schema):
    files = fields.List(Upload(), required=True, metadata={
        "description": ".bpmn / .dmn 文件（每个不超过 2 MB）；未变化的模型不产生新版本"})


class DeployedSchema(Schema):
    process_key = fields.String(required=True)
    version = fields.Integer(required=True)
    new = fields.Boolean(required=True, metadata={"description": "是否产生了新版本"})


class DeployResultSchema(Schema):
    message = fields.String(required=True, metadata={"example": "已部署：kechuang_project 新版本 v2"})
    deployed = fields.List(fields.Nested(DeployedSchema), required=True)


def definition_json(row: service.VersionRow) -> dict:
    d = row.definition
    return {"id": d.id, "process_key": d.process_key, "name": d.name, "version": d.version,
            "content_hash": d.content_hash, "deployed_at": d.deployed_at,
            "running": row.running, "instances": row.total}


@blp.get("")
@blp.doc(summary="已部署的流程模型版本（每个流程由新到旧）")
@blp.response(200, DefinitionSchema(many=True))
def list_definitions():
    return [definition_json(row) for rows in service.version_overview().values() for row in rows]


@blp.post("")
@blp.doc(summary="部署流程模型（系统管理员）", description="上传一个或多个 .bpmn/.dmn 文件（multipart，字段 files）。"
         "模型无效时不部署任何文件（422，说明原因与行号）。")
@blp.arguments(DeployFilesSchema, location="files")
@blp.response(201, DeployResultSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def deploy(uploaded):
    uploads = [(f.filename, f.stream.read(service.MAX_MODEL_BYTES + 1))
               for f in uploaded["files"] if f.filename]
    deployed = service.deploy_upload(service.read_model_files(uploads), current_user)
    return {"message": service.deploy_message(deployed),
            "deployed": [{"process_key": d.process_key, "version": d.version, "new": d.new}
                         for d in deployed]}


@blp.post("/<int:definition_id>/current")
@blp.doc(summary="将早期版本恢复为当前版本（系统管理员）",
         description="以该版本的内容部署一个新版本（版本号递增）；运行中的实例仍按原版本执行。")
@blp.response(201, DeployResultSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def make_current(definition_id: int):
    deployed = service.make_current(definition_id, current_user)
    return {"message": service.make_current_message(deployed),
            "deployed": [{"process_key": deployed.process_key, "version": deployed.version,
                          "new": True}]}
