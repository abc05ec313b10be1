"""A minimal read-only API until the web UI lands (issue 3): health and deployed processes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from .extensions import db
from .models import ProcessDefinition, ProcessInstance

bp = Blueprint("api", __name__, url_prefix="/api")
home = Blueprint("home", __name__)


@home.get("/")
def index():
    """Until the web UI (issue 3): say what runs here."""
    return jsonify(name="grantflow", description="科创项目与专家团项目全流程管理",
                   endpoints=["/api/health", "/api/definitions"])


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
