"""发起申报: a project owner starts a 科创项目 submission; a society applies to a grant call."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.grant_forms import EligibilityDeclarationSchema

from ..services.shared.errors import InvalidInput
from ..services.steps import starting as service
from .formrender import build, schema_for, unflatten
from .converters import bounded_int

bp = Blueprint("start", __name__, url_prefix="/start")


@bp.get("")
@login_required
def index():
    return render_template("start/index.html", offer=service.startable(current_user))


@bp.route("/project", methods=["GET", "POST"])
@login_required
def project():
    setup = service.project_form(current_user, request.args.get("edition_id", type=bounded_int),
                                 request.args.get("owner_org_id", type=bounded_int))
    if request.method == "GET":
        return _project_page(setup, setup.defaults, {}, 200)
    data = unflatten(request.form)
    try:
        task = service.start_project(data, current_user)
    except InvalidInput as refused:
        return _project_page(setup, data, refused.errors, 422)
    flash("已创建项目申报，请填写并提交项目资料。", "success")
    return redirect(url_for("tasks.show", task_id=task.id))


def _project_page(setup, data: dict, errors: dict, status: int):
    form = build(schema_for("project_start"), data, errors=errors, options=setup.options)
    return render_template("start/project.html", form=form), status


@bp.route("/grant/<int:call_id>", methods=["GET", "POST"])
@login_required
def grant(call_id: int):
    offer = service.grant_offer(call_id, current_user)
    society_id = request.values.get("_society_org_id", type=bounded_int) or offer.societies[0].id
    if request.method == "GET":
        return _grant_page(offer, society_id, {}, {}, 200)
    data = unflatten(request.form)
    try:
        applied = service.apply(call_id, society_id, data, current_user)
    except InvalidInput as refused:
        return _grant_page(offer, society_id, data, refused.errors, 422)
    if applied.next_task is None:
        return render_template("start/ineligible.html", call=offer.call, applied=applied)
    flash("申报资格自查通过，请填写申报书。", "success")
    return redirect(url_for("tasks.show", task_id=applied.next_task.id))


def _grant_page(offer, society_id: int, data: dict, errors: dict, status: int):
    form = build(schema_for(EligibilityDeclarationSchema), data, errors=errors)
    return render_template("start/grant.html", offer=offer, form=form,
                           society_id=society_id), status
