"""绩效数据填报: a society records its KPI achievements during implementation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.grant import applications
from ..services.grant import kpi_entries as service
from ..services.shared.errors import InvalidInput
from .formrender import build, unflatten

bp = Blueprint("kpis", __name__)


@bp.get("/applications/<int:application_id>/kpis")
@login_required
def show(application_id: int):
    return _page(application_id, {})


@bp.post("/applications/<int:application_id>/kpis")
@login_required
def record(application_id: int):
    """登记 one entry; refused input comes back on the form (422) as typed, with every error."""
    raw = unflatten(request.form)
    try:
        applications.record_kpi(application_id, raw, current_user)
    except InvalidInput as refused:
        return _page(application_id, raw, refused.errors, 422)
    flash("绩效数据已登记", "success")
    return redirect(url_for("kpis.show", application_id=application_id))


def _page(application_id: int, data: dict, errors: dict | None = None, status: int = 200):
    page = service.kpi_entry_page(application_id, current_user)
    form = build(page.form, data, errors=errors, options=page.options)
    return render_template("kpis/entry.html", page=page, form=form,
                           instance=page.application.instance), status
