"""Read-only JSON API: health and deployed process versions."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from ..extensions import csrf, db
from ..models import ProcessDefinition, ProcessInstance

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
