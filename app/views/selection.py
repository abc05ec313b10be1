"""科创会遴选工作台: /editions/<id>/selection — quota board, candidate list, marks, publish.
Plain POST forms (CSRF) that work without JS; a refused mark comes back on its row with the
refusal's status (403 / 409) and Chinese reason."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms import choices as c
from ..extensions import db
from ..models import ConferenceEdition, Org
from ..services.kechuang import selection, selection_board
from ..services.shared.errors import ServiceError
from ..services.reading import list_exports as lists
from .downloads import xlsx_response
from .errors import status_of
from .converters import bounded_int

bp = Blueprint("selection", __name__)
FILTERS = ("city", "type", "sector", "intent", "marked", "stage", "text", "sort")


@bp.get("/selection")
@login_required
def latest():
    edition = db.session.scalar(sa.select(ConferenceEdition).order_by(ConferenceEdition.number.desc()))
    if edition is None:
        abort(404)
    return redirect(url_for("selection.board", edition_id=edition.id))


@bp.get("/editions/<int:edition_id>/selection")
@login_required
def board(edition_id: int):
    return _page(edition_id)


@bp.get("/editions/<int:edition_id>/selection.xlsx")
@login_required
def export(edition_id: int):
    """导出Excel: the department's whole pool as the board's filters narrow it."""
    dept = _department(edition_id)
    filters = {key: request.args.get(key, "") for key in FILTERS}
    sheet = lists.selection_sheet(edition_id, dept.id, current_user, filters)
    return xlsx_response(sheet.content, f"{dept.name}-遴选项目")


def _department(edition_id: int) -> Org:
    return selection_board.department_for(edition_id, current_user,
                                          request.values.get("dept", type=bounded_int))


def _page(edition_id: int, refusal: tuple[int | None, str] | None = None, status: int = 200):
    dept = _department(edition_id)
    filters = {key: request.args.get(key, "") for key in FILTERS}
    view = selection_board.quota_board(edition_id, dept.id, current_user, filters,
                                       request.args.get("page", 1, type=bounded_int))
    cities = db.session.execute(sa.select(Org.id, Org.name).filter_by(org_type="city_association")
                                .order_by(Org.id)).all()
    return render_template("selection/board.html", board=view, refusal=refusal, cities=cities,
                           sorts=selection_board.SORTS, choices=c,
                           departments=selection_board.departments_of(view.edition, current_user),
                           export_args={key: value for key, value in filters.items() if value},
                           ), status


def _back(edition_id: int):
    return redirect(request.form.get("next") or url_for("selection.board", edition_id=edition_id))


def _act(edition_id: int, project_id: int | None, action, done: str):
    try:
        action()
    except ServiceError as refused:
        if request.accept_mimetypes.best == "application/json":
            return {"ok": False, "message": refused.message}, status_of(refused)
        return _page(edition_id, (project_id, refused.message), status_of(refused))
    if request.accept_mimetypes.best == "application/json":
        return {"ok": True, "message": done}
    flash(done, "success")
    return _back(edition_id)


@bp.post("/editions/<int:edition_id>/selection/admit")
@login_required
def admit(edition_id: int):
    ids = [n for n in (request.form.getlist("project_ids", type=bounded_int)) if n > 0]
    admitted = request.form.get("admitted", "1") == "1"
    first = ids[0] if len(ids) == 1 else None
    return _act(edition_id, first, lambda: selection.mark_admission(ids, admitted, current_user,
                                                                edition_id=edition_id),
                f"已{'遴选参会' if admitted else '取消参会'}{len(ids)}项")


@bp.post("/editions/<int:edition_id>/selection/place")
@login_required
def place(edition_id: int):
    project_id = request.form.get("project_id", type=bounded_int)
    bucket, sector = request.form.get("bucket", ""), request.form.get("sector") or None
    return _act(edition_id, project_id,
                lambda: selection.mark_placement(project_id, bucket, sector, current_user,
                                                 edition_id=edition_id),
                f"已选入{c.label_of(c.SELECTION_BUCKETS, bucket)}")


@bp.post("/editions/<int:edition_id>/selection/unplace")
@login_required
def unplace(edition_id: int):
    project_id = request.form.get("project_id", type=bounded_int)
    return _act(edition_id, project_id,
                lambda: selection.unmark_placement(project_id, current_user, edition_id),
                "已撤销推介类别")


@bp.post("/editions/<int:edition_id>/selection/publish")
@login_required
def publish(edition_id: int):
    confirm = request.form.get("confirm_short") == "1"
    try:
        counts = selection.publish_selection(edition_id, current_user, confirm_short=confirm)
    except ServiceError as refused:
        return _page(edition_id, (None, refused.message), status_of(refused))
    flash(f"遴选结果已发布：入选{counts['selected']}项，未入选{counts['not_selected']}项", "success")
    return redirect(url_for("selection.board", edition_id=edition_id))
