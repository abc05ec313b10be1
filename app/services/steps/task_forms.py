"""What a task page needs: the visible task, server-given options, prefill, drafts, submit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from forms import choices as c
from workflows import clock

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, TaskDraft, User
from ..grant import applications as grants
from ..kechuang import projects
from ..shared.access import check_may_complete, may_see_task
from ..documents.attachments import attach_uploads
from ..shared.definitions import specs_of
from ..shared.errors import NotFound
from .instances import TASK_HOOKS, complete_task
from ..shared.unit_of_work import transaction

Options = list[tuple[str, str]]


def visible_task(task_id: str, user: User) -> Task:
    """The ready task, if ``user`` may see it (else "not found": existence is not revealed)."""
    task = db.session.get(Task, task_id)
    if task is None or not user.active or not may_see_task(user, task):
        raise NotFound("待办事项不存在或已办理")
    return task


def step_documentation(task: Task) -> str | None:
    """The BPMN documentation of the step (what is expected here), if the model has one."""
    spec = specs_of(task.instance.definition)[0].task_specs.get(task.task_name)
    return getattr(spec, "documentation", None) or None


# Options the form needs from the server, built from the facts its rules check --------------

def _user_options(ids) -> Options:
    if not ids:
        return []
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True))
                               .order_by(User.display_name))
    return [(str(u.id), u.display_name) for u in users]


def _criteria(criteria) -> Options:
    return [(row["code"], f"{row['label']}（满分{row['max']}分）") for row in criteria]


def _exclusions(project_type: str) -> Options:
    applicable = c.EXCLUSIONS_BY_TYPE.get(project_type, c.codes_of(c.EXCLUSION_RULES))
    return [(code, label) for code, label in c.EXCLUSION_RULES if code in applicable]


def _sectors(sectors) -> Options:
    return [(code, label) for code, label in c.SECTORS if code in sectors]


# context key → (form path, options built from the context value)
_OPTION_SOURCES = {
    "eligible_reviewer_ids": ("reviewers", _user_options),
    "concierge_user_ids": ("concierge_user_id", _user_options),
    "criteria": ("scores", _criteria),
    "project_type": ("violated_rules", _exclusions),
    "sectors": ("sector", _sectors),
}


def task_form_options(task: Task, user: User) -> dict[str, Options]:
    """{field path: [(value, label)]}: reviewer candidates, concierges of the recommender,
    the call's score criteria, the exclusion rules of the project's type, the edition's
    sectors — from the same context the form's rules are checked against."""
    hooks = TASK_HOOKS.get(task.task_name)
    context = hooks.context(task.instance, task, user) if hooks and hooks.context else {}
    return {path: build(context[key]) for key, (path, build) in _OPTION_SOURCES.items()
            if key in context}


# Prefill: my draft, else the last submission of this step (a returned form), else empty --

@dataclass(frozen=True)
class Prefill:
    data: dict
    source: str | None  # "draft" · "previous" · None
    at: datetime | None


def prefill(task: Task, user: User) -> Prefill:
    draft = _draft(task.id, user.id)
    if draft is not None:
        return Prefill(draft.data, "draft", draft.saved_at)
    query = sa.select(AuditEvent).filter_by(instance_id=task.instance_id, kind="completed",
                                            task_name=task.task_name)
    if task.candidate_user_id is not None:  # one person's step (a review): only their own
        query = query.filter_by(actor_id=user.id)
    last = db.session.scalar(query.order_by(AuditEvent.id.desc()).limit(1))
    if last is not None and isinstance((last.data or {}).get("form"), dict):
        return Prefill(last.data["form"], "previous", last.at)
    return Prefill({}, None, None)


def _draft(task_id: str, user_id: int) -> TaskDraft | None:
    return db.session.scalar(sa.select(TaskDraft).filter_by(task_id=task_id, user_id=user_id))


def save_draft(task_id: str, raw: dict, uploads: dict, user: User) -> TaskDraft:
    """暂存: keep this person's half-filled form (files uploaded now are stored too)."""
    attach_uploads(task_id, uploads, raw, user)
    with transaction():
        task = db.session.get(Task, task_id)
        if task is None:
            raise NotFound("待办事项不存在或已办理")
        check_may_complete(user, task)
        draft = _draft(task_id, user.id) or TaskDraft(task_id=task_id, user_id=user.id)
        draft.data, draft.saved_at = raw, clock.now()
        db.session.add(draft)
    return draft


def submit(task_id: str, raw: dict, uploads: dict, user: User) -> ProcessInstance:
    """提交: store the uploaded files (their references go into ``raw``, so a refused form
    keeps them), complete the task, then drop its drafts."""
    attach_uploads(task_id, uploads, raw, user)
    instance = complete_task(task_id, raw, user)
    with transaction():
        db.session.execute(sa.delete(TaskDraft).where(TaskDraft.task_id == task_id))
    return instance
