"""JSON API: health, deployed process versions, and — for a logged-in session — an instance's
documents (list and PDFs) and the 科创会 report, authorised exactly like the pages."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask_login import current_user

from ..extensions import csrf, db
from ..models import ProcessDefinition, ProcessInstance
from ..api.documents import offers_json
from .documents import add_pdf_routes
from .errors import answer

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # read-only JSON; writes go through the session-authenticated pages


@bp.get("/health")
def health():
    db.session.execute(sa.select(1))
    return jsonify(status="ok")


@bp.get("/definitions")
def definitions():
    counts = dict(db.session.execute(sa.select(ProcessInstance.definition_id, sa.func.count())
                                     .group_by(ProcessInstance.definition_id)).all())
    rows = db.session.scalars(sa.select(ProcessDefinition).order_by(
        ProcessDefinition.process_key, ProcessDefinition.version))
    return jsonify([{"process_key": d.process_key, "name": d.name, "version": d.version,
                     "content_hash": d.content_hash, "instances": counts.get(d.id, 0)} for d in rows])


def session_user(view):
    """The login session's user, else 401 as JSON (a refusal is answered as JSON by the app's
    error handler, views/errors.py)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return answer(401)
        return view(*args, **kwargs)
    return wrapped


@bp.get("/instances/<int:instance_id>/documents")
@session_user
def instance_documents(instance_id: int):
    """The same facts as /api/v1 (one builder), linking to this API's PDF routes."""
    return jsonify(offers_json(instance_id, ("api.document", "api.document_version")))


add_pdf_routes(bp, session_user, ("document", "document_version", "conference_report"))
