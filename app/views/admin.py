"""系统管理: for administrators only (403 for anyone else); process model versions and deploys."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import login_manager
from ..services.shared import definitions as service
from ..services.shared.people import check_admin
from .helpers import refusal_goes_back

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    check_admin(current_user)  # 403 otherwise: the one admin check of the pages and the API
    return None


@bp.get("")
@login_required
def index():
    return render_template("admin/index.html")


@bp.get("/definitions")
@login_required
def definitions():
    return render_template("admin/definitions.html", overview=service.version_overview(),
                           max_mb=service.MAX_MODEL_BYTES // (1024 * 1024))


@bp.post("/definitions")
@login_required
@refusal_goes_back("admin.definitions")
def deploy():
    uploads = [(f.filename, f.stream.read(service.MAX_MODEL_BYTES + 1))
               for f in request.files.getlist("files") if f.filename]
    deployed = service.deploy_upload(service.read_model_files(uploads), current_user)
    flash(service.deploy_message(deployed), "success")
    return redirect(url_for("admin.definitions"))


@bp.post("/definitions/<int:definition_id>/current")
@login_required
@refusal_goes_back("admin.definitions")
def make_current(definition_id: int):
    deployed = service.make_current(definition_id, current_user)
    flash(service.make_current_message(deployed), "success")
    return redirect(url_for("admin.definitions"))
