"""Decision panels: what the person at a step must see to decide — the earlier decisions with
their comments, the subject as submitted, every review with its total. A Step names its panels;
each reads the audit trail (never a workflow) and shows values through the earlier Step's labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from forms.validators import fmt_number

from ...extensions import db
from ...models import AuditEvent, User
from ..shared.definitions import step_titles
from ..documents.attachments import stored_files
from .form_display import Shown, link_files, shown_form


@dataclass(frozen=True)
class Entry:
    """One completion of an earlier step, as its reader sees it."""
    title: str
    actor: str
    at: datetime
    fields: list[Shown]


@dataclass(frozen=True)
class PanelView:
    title: str
    entries: list[Entry]
    summary: str = ""
    folded: bool = False  # long (a whole 申报书): shown closed, opened on demand


@dataclass(frozen=True)
class Decisions:
    """The completions of ``tasks`` (every one, or only the latest of each with ``latest``)."""
    title: str
    tasks: tuple[str, ...]
    latest: bool = False
    folded: bool = False

    def __call__(self, instance, user) -> PanelView | None:
        entries = [entry for _, entry in _completions(instance, user, self.tasks)]
        if self.latest:
            entries = list({entry.title: entry for entry in entries}.values())
        return PanelView(self.title, entries, folded=self.folded) if entries else None


@dataclass(frozen=True)
class Reviews:
    """Every review of ``task`` with its per-criterion scores and total, and their average."""
    title: str
    task: str = "review_application"

    def __call__(self, instance, user) -> PanelView | None:
        found = _completions(instance, user, (self.task,))
        if not found:
            return None
        totals = [Decimal(str(event.data["form"]["total"])) for event, _ in found]
        average = sum(totals) / len(totals)
        summary = f"共{len(totals)}份评审，平均分{fmt_number(average.quantize(Decimal('0.01')))}分"
        return PanelView(self.title, [entry for _, entry in found], summary)


def _completions(instance, user, tasks) -> list[tuple[AuditEvent, Entry]]:
    """(event, entry) for each completion of ``tasks`` the user may read, oldest first."""
    from .catalog import catalog
    roles = {assignment.role for assignment in user.roles}
    steps = {task: catalog().find(instance.process_key, task) for task in tasks}
    readable = [task for task, step in steps.items() if step and step.readable_by(roles)]
    if not readable:
        return []
    rows = db.session.execute(
        sa.select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.instance_id == instance.id, AuditEvent.kind == "completed",
               AuditEvent.task_name.in_(readable))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    rows = [(event, actor) for event, actor in rows if isinstance((event.data or {}).get("form"), dict)]
    if not rows:
        return []
    titles, files = step_titles(instance.definition), stored_files(instance.id)
    return [(event, _entry(steps[event.task_name], event, actor or "系统", instance, titles, files))
            for event, actor in rows]


def _entry(step, event: AuditEvent, actor: str, instance, titles: dict, files: dict) -> Entry:
    fields = shown_form(step.schema(instance), event.data["form"], step.labels, instance)
    return Entry(titles.get(step.task, step.task), actor, event.at, link_files(fields, files))


def panels_for(step, instance, user) -> list[PanelView]:
    views = (panel(instance, user) for panel in step.panels)
    return [view for view in views if view is not None]
