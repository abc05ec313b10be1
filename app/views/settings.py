"""系统管理 → 届次与申报指南: 科创会 editions (admins) and grant calls (admins, and the 项目管理员
of the call's managing department) — create, edit with a timeline 预览, version history."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services.shared import call_settings as service
from ..services.shared.errors import InvalidInput
from ..services.shared.visibility import is_admin
from .formrender import build, schema_for, unflatten
from .converters import bounded_int

bp = Blueprint("settings", __name__, url_prefix="/admin")
PREVIEW = "preview"  # the 预览 button's _action: validate and show the timeline, save nothing


@bp.before_request
def settings_users_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    service.check_may_use_settings(current_user)  # 403 otherwise (the API asks the same)
    return None


@bp.get("/settings")
def index():
    return render_template("settings/index.html", admin=is_admin(current_user),
                           editions=service.editions() if is_admin(current_user) else [],
                           calls=service.calls_for(current_user))


def _page(subject: str, obj, data: dict, errors: dict, status: int = 200, timeline=None):
    form = build(schema_for(service.FORM_NAMES[subject]), data, errors=errors,
                 options=service.form_options(subject))
    _department_selects(form.nodes, data)
    if timeline is None and obj is not None and not errors:
        timeline = service.timeline_of(subject, obj)
    history = service.history(subject, obj) if obj is not None else []
    return render_template("settings/edit.html", subject=subject, obj=obj, form=form,
                           timeline=timeline, history=history, errors=errors,
                           org_choices=service.managing_org_choices(current_user) if obj is None else [],
                           managing_org_id=request.form.get("_managing_org_id", type=bounded_int)), status


def _department_selects(nodes, data: dict) -> None:
    """遴选部门: a select of the 省科协部门 per stage (the map renders numbers otherwise)."""
    departments = service.org_code_choices("department")
    chosen = data.get("selection_departments") if isinstance(data.get("selection_departments"), dict) else {}
    for node in nodes:
        if node.path == "selection_departments":
            for child in node.children:
                code = child.path.rsplit(".", 1)[-1]
                child.kind, child.value = "select", str(chosen.get(code, ""))
                child.options = departments


def _preview_or_refusal(subject: str, obj, data: dict):
    """预览: the timeline of what was typed (nothing saved); refusals keep the input."""
    try:
        timeline = service.preview(subject, data)
    except InvalidInput as refused:
        return _page(subject, obj, data, refused.errors, 422)
    return _page(subject, obj, data, {}, 200, timeline)


@bp.route("/editions/new", methods=["GET", "POST"])
def new_edition():
    service.check_edition_admin(current_user)
    return _create(service.EDITION, lambda data: service.create_edition(data, current_user))


@bp.route("/editions/<int:edition_id>", methods=["GET", "POST"])
def edition(edition_id: int):
    return _edit(service.EDITION, service.get_edition(edition_id, current_user), service.update_edition)


@bp.route("/calls/new", methods=["GET", "POST"])
def new_call():
    return _create(service.CALL, lambda data: service.create_call(
        data, request.form.get("_managing_org_id"), current_user))


@bp.route("/calls/<int:call_id>", methods=["GET", "POST"])
def call(call_id: int):
    return _edit(service.CALL, service.get_call(call_id, current_user), service.update_call)


# the page of each subject: (endpoint, its id argument)
PAGES = {service.EDITION: (".edition", "edition_id"), service.CALL: (".call", "call_id")}


def _page_of(subject: str, obj_id: int):
    endpoint, key = PAGES[subject]
    return redirect(url_for(endpoint, **{key: obj_id}))


def _create(subject: str, create):
    if request.method == "GET":
        return _page(subject, None, {}, {})
    data = unflatten(request.form)
    if request.form.get("_action") == PREVIEW:
        return _preview_or_refusal(subject, None, data)
    try:
        obj = create(data)
    except InvalidInput as refused:
        return _page(subject, None, data, refused.errors, 422)
    flash(f"已创建“{obj.name}”。", "success")
    return _page_of(subject, obj.id)


def _edit(subject: str, obj, update):
    if request.method == "GET":
        return _page(subject, obj, service.snapshot(subject, obj), {})
    data = unflatten(request.form)
    if request.form.get("_action") == PREVIEW:
        return _preview_or_refusal(subject, obj, data)
    try:
        version = update(obj.id, data, current_user)
    except InvalidInput as refused:
        return _page(subject, obj, data, refused.errors, 422)
    if version is None:
        flash("设置没有变化，未保存新版本。", "success")
    else:
        flash(f"已保存为第{version.number}版；已在办理中的项目仍按其开始时的版本办理。", "success")
    return _page_of(subject, obj.id)
