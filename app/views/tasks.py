"""办理事项: a task's form (from its schema), 暂存 a draft, 提交 to complete the step."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.reading import inbox as inbox_service
from ..services.documents import attachments
from ..services.steps import task_forms as service
from .formrender import build, schema_for, unflatten
from .helpers import attempt, run_service

bp = Blueprint("tasks", __name__)


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    task = run_service(lambda: service.visible_task(task_id, current_user))
    filled = service.prefill(task, current_user)
    return _page(task, filled.data, prefill=filled)


@bp.post("/tasks/<task_id>")
@login_required
def act(task_id: str):
    task = run_service(lambda: service.visible_task(task_id, current_user))
    action = request.form.get("_action")
    if action not in ("submit", "save_draft"):
        abort(400)
    raw, uploads = unflatten(request.form), _uploads()
    if action == "save_draft":
        draft, errors = attempt(lambda: service.save_draft(task.id, raw, uploads, current_user))
        if draft is not None:
            flash("已暂存，下次打开此事项时将恢复暂存的内容。", "success")
            return _page(task, raw, prefill=service.Prefill(raw, "draft", draft.saved_at))
        return _page(task, raw, errors, 422 if errors else 409)
    done, errors = attempt(lambda: service.submit(task.id, raw, uploads, current_user))
    if done is not None:
        flash("已提交", "success")
        return redirect(url_for("inbox.index"))
    return _page(task, raw, errors, 422 if errors else 409)


def _uploads() -> dict:
    return {name: storage for name, storage in request.files.items() if storage.filename}


def _page(task, data: dict, errors: dict | None = None, status: int = 200, prefill=None):
    step = service.step_of(task)
    form = build(schema_for(step.form), data, errors=errors,
                 options=service.task_form_options(task, current_user),
                 accept={path: attachments.accept_of(path)
                         for path in attachments.file_fields(step.form)},
                 files=attachments.attachment_names(task.instance_id))
    instance_url = url_for("instances.show", instance_id=task.instance_id) \
        if "instances.show" in current_app.view_functions else None
    return render_template("tasks/show.html", task=task, instance=task.instance, form=form,
                           documentation=service.step_documentation(task), prefill=prefill,
                           instance_url=instance_url,
                           panels=service.decision_panels(task, current_user),
                           colleagues=inbox_service.colleagues_for(task, current_user)), status
