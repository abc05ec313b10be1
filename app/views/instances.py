"""流程实例: the searchable list, one instance's page with its diagram, and file downloads."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from workflows.processes import OUTCOME_LABELS

from ..services.documents import documents
from ..services.documents import exports
from ..services.grant import kpi_entries
from ..services.kechuang import follow_ups
from ..services.grant.ranking_page import instance_score_line
from ..services.reading import instance_views as service
from ..services.reading import list_exports as lists
from .downloads import send_download, xlsx_response
from .helpers import org_choices
from .converters import bounded_int

bp = Blueprint("instances", __name__)


@bp.get("/instances")
@login_required
def index():
    wanted = _filter_from(request.args)
    listing = service.list_instances(current_user, wanted)
    return render_template(
        "instances/index.html", listing=listing, wanted=wanted, args=_args_without_page(),
        statuses=service.STATUS_LABELS, outcomes=OUTCOME_LABELS, cities=org_choices("city_association"),
        export_calls=exports.exportable_calls(current_user),
        editions=documents.conference_editions(current_user),
        publicity_calls=documents.publicity_calls(current_user))


@bp.get("/instances.xlsx")
@login_required
def export():
    """导出Excel: every instance the search matches (all pages)."""
    sheet = lists.instances_sheet(current_user, _filter_from(request.args))
    return xlsx_response(sheet.content, "项目与申报")


def _filter_from(args) -> service.InstanceFilter:
    return service.InstanceFilter(
        text=args.get("q", "").strip() or None, owner=args.get("owner", "").strip() or None,
        status=args.get("status") if args.get("status") in service.STATUS_LABELS else None,
        outcome=args.get("outcome") if args.get("outcome") in OUTCOME_LABELS else None,
        city_id=args.get("city", type=bounded_int) or None, page=args.get("page", 1, type=bounded_int))


FILTER_KEYS = ("q", "owner", "status", "outcome", "city")


def _args_without_page() -> dict:
    """The search as given, for the pager's links (known keys only)."""
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id: int):
    detail = service.instance_detail(instance_id, current_user)
    application = getattr(detail.instance, "application", None)
    return render_template("instances/show.html", detail=detail, statuses=service.STATUS_LABELS,
                           documents=documents.offered_documents(instance_id, current_user),
                           kpi_entry_id=application.id if kpi_entries.may_record(
                               application, current_user) else None,
                           score_line=instance_score_line(detail.instance, current_user),
                           follow_up_records=follow_ups.shown_on_instance(detail.instance))


@bp.get("/instances/<int:instance_id>/diagram.json")
@login_required
def diagram(instance_id: int):
    response = jsonify(service.diagram_of(instance_id, current_user))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    return attachment_response(attachment_id)


def attachment_response(attachment_id: int):
    """An uploaded file (the page's link and /api/v1), if its instance and step are readable."""
    attachment, path = service.attachment_file(attachment_id, current_user)
    return send_download(path, attachment.content_type, attachment.filename, conditional=False)
