"""The completions of one instance — its "completed" audit events with each actor's name — read
once per transaction: a task page's decision panels, its 退回 notice and its prefill each need
them (they were four queries of the same rows)."""
from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import AuditEvent, User
from ..shared.read_once import read_once


def completions(instance_id: int) -> list[tuple[AuditEvent, str | None]]:
    """(event, actor's display name or None) of every completion of the instance, oldest first."""
    return read_once(("completions", instance_id), lambda: db.session.execute(
        sa.select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.kind == "completed")
        .order_by(AuditEvent.at, AuditEvent.id)).all())
