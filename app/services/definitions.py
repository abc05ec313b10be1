"""Deploying process models: a changed model becomes a new version; running instances keep theirs."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from workflows import clock
from workflows.serialization import serializer
from workflows.specs import parse_bundle, read_bundle, spec_cache

from ..extensions import db
from ..models import ProcessDefinition
from .errors import NotFound


def deploy_bundle(files: dict[str, str]) -> list[ProcessDefinition]:
    """Parse and validate the files; store a new version for every process whose spec changed."""
    deployed = []
    for parsed in parse_bundle(files):
        existing = db.session.scalar(sa.select(ProcessDefinition).filter_by(
            process_key=parsed.key, content_hash=parsed.content_hash))
        deployed.append(existing or _new_version(parsed))
    db.session.commit()
    return deployed


def deploy_directory(directory: Path) -> list[ProcessDefinition]:
    return deploy_bundle(read_bundle(directory))


def _new_version(parsed) -> ProcessDefinition:
    latest = db.session.scalar(sa.select(sa.func.max(ProcessDefinition.version))
                               .filter_by(process_key=parsed.key)) or 0
    definition = ProcessDefinition(
        process_key=parsed.key, name=parsed.name, version=latest + 1,
        content_hash=parsed.content_hash, spec_json=parsed.spec_json, sources=parsed.sources,
        serializer_version=serializer.spiff_version, deployed_at=clock.now())
    db.session.add(definition)
    db.session.flush()
    return definition


def latest_definition(process_key: str) -> ProcessDefinition:
    definition = db.session.scalar(sa.select(ProcessDefinition).filter_by(process_key=process_key)
                                   .order_by(ProcessDefinition.version.desc()).limit(1))
    if definition is None:
        raise NotFound(f"流程 {process_key} 尚未部署")
    return definition


def specs_of(definition: ProcessDefinition):
    """The (spec, subprocess specs) objects of a definition version, cached by content hash."""
    return spec_cache.get(definition.content_hash, lambda: definition.spec_json)
