"""办理事项: a task's form (from its schema), 暂存 a draft, 提交 to complete the step."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.reading import inbox as inbox_service
from ..services.documents import attachments
from ..services.kechuang import follow_ups
from ..services.shared.errors import InvalidInput
from ..services.steps import task_forms as service
from .formrender import build, schema_for, unflatten

bp = Blueprint("tasks", __name__)


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    task = service.visible_task(task_id, current_user)
    filled = service.prefill(task, current_user)
    return _page(task, filled.data, prefill=filled)


@bp.post("/tasks/<task_id>")
@login_required
def act(task_id: str):
    """提交 or 暂存. Refused input comes back on the form (422) as typed, with every error; the
    page is then built from a fresh read — a task handled meanwhile is the 409 page."""
    action = request.form.get("_action")
    if action not in ("submit", "save_draft"):
        abort(400)
    raw, uploads = unflatten(request.form), _uploads()
    try:
        if action == "save_draft":
            return _draft_saved(service.save_draft(task_id, raw, uploads, current_user))
        service.submit(task_id, raw, uploads, current_user)
    except InvalidInput as refused:
        return _page(service.task_to_show_again(task_id, current_user), raw, refused.errors, 422)
    flash("已提交", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>/follow-ups")
@login_required
def add_follow_up(task_id: str):
    """登记跟踪记录: adds a record, the task stays open. Refused input comes back on the task
    page (422) as typed, with every error, and its files kept (signed references)."""
    raw = unflatten(request.form)
    kept = [ref for ref in request.form.getlist("staged_files") if ref]
    staged, file_errors = follow_ups.stage_files(task_id, request.files.getlist("files"), current_user)
    try:
        follow_ups.add_record(task_id, raw, current_user, kept + staged, file_errors)
    except InvalidInput as refused:
        task = service.task_to_show_again(task_id, current_user)
        filled = service.prefill(task, current_user)
        return _page(task, filled.data, prefill=filled, status=422,
                     follow_up=(raw, kept + staged, refused.errors))
    flash("跟踪记录已登记。全部跟踪服务结束后，请在下方填写跟踪结论并提交。", "success")
    return redirect(url_for("tasks.show", task_id=task_id) + "#follow-ups")


def _draft_saved(draft):
    flash("已暂存，下次打开此事项时将恢复暂存的内容。", "success")
    task = service.task_to_show_again(draft.task_id, current_user)
    return _page(task, draft.data, prefill=service.Prefill(draft.data, "draft", draft.saved_at))


def _uploads() -> dict:
    return {name: storage for name, storage in request.files.items() if storage.filename}


def _page(task, data: dict, errors: dict | None = None, status: int = 200, prefill=None,
          follow_up: tuple | None = None):
    step, carried = service.step_of(task), service.carried_fields(task)
    data = service.with_carried(task, data)
    schema = step.schema(task.instance)
    form = build(schema_for(schema), data, errors=errors, locked=carried,
                 options=service.task_form_options(task, current_user),
                 accept={path: attachments.accept_of(path)
                         for path in attachments.file_fields(schema)},
                 files=attachments.file_names(task, data))
    instance_url = url_for("instances.show", instance_id=task.instance_id) \
        if "instances.show" in current_app.view_functions else None
    return render_template("tasks/show.html", task=task, instance=task.instance, form=form,
                           documentation=service.step_documentation(task), prefill=prefill,
                           instance_url=instance_url,
                           panels=service.decision_panels(task, current_user),
                           returned=service.sent_back(task, current_user),
                           colleagues=inbox_service.colleagues_for(task, current_user),
                           follow_up=_follow_up_panel(task, *(follow_up or ({}, [], None)))), status


def _follow_up_panel(task, raw: dict, staged: list[str], errors: dict | None):
    """跟踪服务's records and the 登记跟踪记录 form (None on every other step)."""
    if task.task_name != follow_ups.STEP:
        return None
    form = build(schema_for(follow_ups.RECORD_FORM), raw, errors=errors)
    return {"records": follow_ups.records_of_instance(task.instance), "form": form,
            "staged": [(ref, attachments.staged_name(ref)) for ref in staged],
            "file_errors": (errors or {}).get(follow_ups.FILES, []), "errors": errors,
            "accept": attachments.accept_of(follow_ups.FILES), "max_files": follow_ups.MAX_FILES}
