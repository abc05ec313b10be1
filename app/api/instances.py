"""项目与申报: the list (the page's search), one instance as its page shows it (summary, open
tasks, the full history, entered data, files, reviews to those who may read them), its diagram
and 评审得分构成, what one may start and starting it — through the services the
pages call (reading/instance_views, steps/starting, grant/ranking_page)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from workflows.processes import OUTCOME_LABELS, ROLE_LABELS

from ..models import ProcessInstance
from ..services.grant import ranking_page
from ..services.reading import instance_views as service
from ..services.steps import starting
from . import PREFIX, conditions, idempotency, paging
from .documents import attachment_json
from . import instances_schemas as schemas

blp = Blueprint("api_instances", __name__, url_prefix=PREFIX,
                description="项目与申报：列表、详情（待办、流程记录、已填报信息、文件）、流程图、评审得分构成与发起申报")


# The list -----------------------------------------------------------------------------------

@blp.get("/instances")
@blp.doc(summary="项目与申报列表（本人可见的，最近更新在前）",
         description="筛选同「项目与申报」页面：`q` 业务编号或名称、`owner` 所属单位、`status`、`outcome`、"
                     "`city` 市（州），另可按 `process`、`edition_id`、`call_id` 筛选。")
@blp.arguments(schemas.InstanceFilterArgs, location="query")
@blp.response(200, paging.page_schema(schemas.InstanceItemSchema))
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def list_instances(args):
    wanted = schemas.instance_filter(args)
    total = service.matching_count(current_user, wanted)
    rows = service.instance_rows(current_user, wanted, (args["page"] - 1) * args["per_page"],
                                 args["per_page"], total)
    page = paging.Page([item_json(instance, owner) for instance, owner in rows], args["page"],
                       args["per_page"], total)
    return page, 200, paging.link_header(page)


def item_json(instance: ProcessInstance, owner_name: str) -> dict:
    return {
        "id": instance.id, "business_key": instance.business_key, "title": instance.title,
        "process_key": instance.process_key, "process_label": instance.definition.name,
        "process_version": instance.definition.version, "status": instance.status,
        "status_label": service.STATUS_LABELS.get(instance.status, instance.status),
        "outcome": instance.outcome,
        "outcome_label": OUTCOME_LABELS.get(instance.outcome, instance.outcome)
        if instance.outcome else None,
        "current_step": instance.current_step if instance.status == "running" else None,
        "owner_org_id": instance.owner_org_id, "owner_org_name": owner_name,
        "created_at": instance.created_at, "updated_at": instance.updated_at,
        "url": url_for("api_instances.show_instance", instance_id=instance.id),
        "page_url": url_for("instances.show", instance_id=instance.id),
    }


# One instance -------------------------------------------------------------------------------

@blp.get("/instances/<int:instance_id>")
@blp.doc(summary="一个项目或申报：概况、待办、流程记录、已填报信息、文件与评审",
         description="与实例页面相同的内容与可见范围；超出本人范围的实例为 404。`ETag` 头用于 `If-Match`。")
@blp.response(200, schemas.InstanceDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def show_instance(instance_id: int):
    detail = service.instance_detail(instance_id, current_user)
    return detail_json(detail), 200, conditions.etag_header(detail.instance)


def detail_json(detail: service.InstanceDetail) -> dict:
    instance = detail.instance
    return item_json(instance, detail.owner.name) | {
        "facts": [{"label": label, "text": text} for label, text in detail.facts],
        "open_tasks": [open_task_json(row) for row in service.open_tasks(instance, current_user)],
        "history": [history_json(row) for row in detail.history],
        "entered": [entered_json(form) for form in detail.entered],
        "attachments": [attachment_json(file, detail.titles.get(file.task_name, file.task_name)
                                        if file.task_name else None)
                        for file in detail.attachments],
        "reviews": [review_json(panel) for panel in detail.reviews],
        "diagram_url": url_for("api_instances.diagram", instance_id=instance.id),
    }


def open_task_json(row: service.OpenTask) -> dict:
    task = row.task
    return {"id": task.id, "task_name": task.task_name, "title": task.title, "role": task.role,
            "role_label": ROLE_LABELS.get(task.role, task.role), "org_id": task.org_id,
            "org_name": row.org_name, "due_at": task.due_at,
            "claimed": task.claimed_by_id is not None, "may_act": row.may_act}


def history_json(row: service.HistoryRow) -> dict:
    return {"at": row.at, "actor": row.actor, "kind": row.kind, "task": row.task,
            "step_before": row.step_before, "step_after": row.step_after, "note": row.note}


def entered_json(form: service.EnteredForm) -> dict:
    return {"task_name": form.task_name, "title": form.title, "actor": form.actor, "at": form.at,
            "fields": [shown_json(item) for item in form.fields],
            "earlier": [entered_json(earlier) for earlier in form.earlier]}


def shown_json(item) -> dict:
    return {"label": item.label, "kind": item.kind, "text": item.text,
            "fields": [shown_json(inner) for inner in item.fields], "columns": list(item.columns),
            "rows": [[shown_json(cell) for cell in row] for row in item.rows],
            "attachment_id": item.attachment_id,
            "download_url": _download_url(item.attachment_id) if item.attachment_id else None}


def _download_url(attachment_id: int) -> str:
    return url_for("api_documents.download_attachment", attachment_id=attachment_id)


def review_json(panel) -> dict:
    return {"title": panel.title, "summary": panel.summary,
            "fields": [shown_json(item) for item in panel.fields],
            "entries": [{"title": entry.title, "actor": entry.actor, "at": entry.at,
                         "fields": [shown_json(item) for item in entry.fields]}
                        for entry in panel.entries]}


@blp.get("/instances/<int:instance_id>/diagram")
@blp.doc(summary="流程图：该实例的 BPMN 模型，已完成与当前的环节")
@blp.response(200, schemas.InstanceDiagramSchema)
@blp.alt_response(404, response="NOT_FOUND")
def diagram(instance_id: int):
    return service.diagram_of(instance_id, current_user), 200, {"Cache-Control": "private, no-store"}


@blp.get("/instances/<int:instance_id>/score")
@blp.doc(summary="评审得分构成（资助项目发布排序后）",
         description="与实例页面的「评审得分构成」相同；尚未发布排序或不可见时 404。")
@blp.response(200, schemas.InstanceScoreSchema)
@blp.alt_response(404, response="NOT_FOUND")
def score(instance_id: int):
    line = ranking_page.published_score(instance_id, current_user)
    return ranking_page.score_line_json(line), 200, {"Cache-Control": "private, no-store"}


# Starting -----------------------------------------------------------------------------------

@blp.get("/startable")
@blp.doc(summary="本人可以发起的申报（同「发起申报」页面）")
@blp.response(200, schemas.StartableSchema)
def startable():
    offer = starting.startable(current_user)
    projects = [{"edition_id": e.id, "edition_name": e.name, "submit_deadline": e.submit_deadline,
                 "owner_org_id": org.id, "owner_org_name": org.name}
                for org in offer.project_orgs for e in offer.editions]
    grants = [{"call_id": call.id, "call_name": call.name, "apply_deadline": call.apply_deadline,
               "society_org_id": org.id, "society_org_name": org.name,
               "applied": (call.id, org.id) in offer.applied}
              for org in offer.society_orgs for call in offer.calls]
    recommenders = [{"id": ident, "name": name} for ident, name in starting.recommender_options()] \
        if projects else []
    return {"projects": projects, "recommenders": recommenders, "grants": grants}


@blp.post("/instances")
@idempotency.idempotent
@blp.doc(summary="发起申报（科创项目或资助项目）", description=schemas.START_DESCRIPTION,
         parameters=[idempotency.HEADER_DOC])
@blp.arguments(schemas.StartArgs, location="json")
@blp.response(201, schemas.InstanceDetailSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def start(args):
    instance_id = _started(args)
    detail = service.instance_detail(instance_id, current_user)
    headers = conditions.etag_header(detail.instance) | {
        "Location": url_for("api_instances.show_instance", instance_id=instance_id)}
    return detail_json(detail), 201, headers


def _started(args: dict) -> int:
    """Start as the page would; the new instance's id."""
    raw = {key: value for key, value in args.items()
           if key != "process" and not (key in schemas.GRANT_KEYS and value is None)}
    if args["process"] == schemas.PROJECT:
        return starting.start_project(raw, current_user).instance_id
    call_id = raw.pop("call_id")  # required for a grant (StartArgs)
    society_id = raw.pop("society_org_id", None) \
        or starting.grant_offer(call_id, current_user).societies[0].id
    return starting.apply(call_id, society_id, raw, current_user).application.instance_id
