"""发起申报: a project owner starts a 科创项目 submission; a society applies to a grant call."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.grant_forms import EligibilityDeclarationSchema

from ..services.steps import starting as service
from .formrender import build, schema_for, unflatten
from .helpers import attempt, run_service

bp = Blueprint("start", __name__, url_prefix="/start")


@bp.get("")
@login_required
def index():
    return render_template("start/index.html", offer=service.startable(current_user))


@bp.route("/project", methods=["GET", "POST"])
@login_required
def project():
    setup = run_service(lambda: service.project_form(
        current_user, request.args.get("edition_id", type=int),
        request.args.get("owner_org_id", type=int)))
    if setup is None:
        return redirect(url_for("start.index"))
    data, errors, status = setup.defaults, {}, 200
    if request.method == "POST":
        data = unflatten(request.form)
        task, errors = attempt(lambda: service.start_project(data, current_user))
        if task is not None:
            flash("已创建项目申报，请填写并提交项目资料。", "success")
            return redirect(url_for("tasks.show", task_id=task.id))
        status = 422 if errors else 409
    form = build(schema_for("project_start"), data, errors=errors, options=setup.options)
    return render_template("start/project.html", form=form), status


@bp.route("/grant/<int:call_id>", methods=["GET", "POST"])
@login_required
def grant(call_id: int):
    offer = run_service(lambda: service.grant_offer(call_id, current_user))
    if offer is None:
        return redirect(url_for("start.index"))
    society_id = request.values.get("_society_org_id", type=int) or offer.societies[0].id
    data, errors, status = {}, {}, 200
    if request.method == "POST":
        data = unflatten(request.form)
        applied, errors = attempt(lambda: service.apply(call_id, society_id, data, current_user))
        if applied is not None and applied.next_task is None:
            return render_template("start/ineligible.html", call=offer.call, applied=applied)
        if applied is not None:
            flash("申报资格自查通过，请填写申报书。", "success")
            return redirect(url_for("tasks.show", task_id=applied.next_task.id))
        status = 422 if errors else 409
    form = build(schema_for(EligibilityDeclarationSchema), data, errors=errors)
    return render_template("start/grant.html", offer=offer, form=form,
                           society_id=society_id), status
