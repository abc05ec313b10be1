"""统计数据: a 科创会 edition's figures (/editions/<id>/figures) and a call's KPI progress per
grant team (/calls/<id>/figures), each with its .xlsx; every request re-checks role and scope."""
from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from ..services.reading import call_figures as calls
from ..services.reading import figures as editions
from ..services.reading import figure_lists as listing
from ..services.reading.figure_tables import cell_text
from ..services.reading.figures_xlsx import workbook
from .downloads import xlsx_response

bp = Blueprint("figures", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/figures")
@login_required
def index():
    """The editions and calls whose figures the reader may see (403 for anybody else)."""
    lists = listing.figure_lists(current_user)
    return render_template("figures/index.html", **lists)


@bp.get("/editions/<int:edition_id>/figures")
@login_required
def edition(edition_id: int):
    figures = editions.edition_figures(edition_id, current_user)
    return render_template("figures/edition.html", figures=figures, cell_text=cell_text)


@bp.get("/editions/<int:edition_id>/figures.xlsx")
@login_required
def edition_xlsx(edition_id: int):
    figures = editions.edition_figures(edition_id, current_user)
    return _xlsx(workbook(figures.tables), f"{figures.edition.name}-成果统计")


@bp.get("/calls/<int:call_id>/figures")
@login_required
def call(call_id: int):
    figures = calls.call_figures(call_id, current_user)
    return render_template("figures/call.html", figures=figures, cell_text=cell_text)


@bp.get("/calls/<int:call_id>/figures.xlsx")
@login_required
def call_xlsx(call_id: int):
    figures = calls.call_figures(call_id, current_user)
    return _xlsx(workbook(figures.tables), f"{figures.call.name}-绩效进度")


def _xlsx(content: bytes, name: str) -> Response:
    return xlsx_response(content, name)
