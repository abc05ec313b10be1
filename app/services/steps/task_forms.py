"""What a task page needs: the visible task, server-given options, prefill, drafts, submit."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from forms.drafts import draft_problems
from workflows import clock

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, TaskDraft, User
from ..documents.attachments import stage_uploads, with_attachments
from ..shared.access import check_may_complete, may_see_task
from ..shared.definitions import specs_of
from ..shared.errors import InvalidInput, NotFound
from .catalog import step_of
from .completions import completions
from ..shared.unit_of_work import transaction
from .deadlines import deadlines_kept, on_time
from .handled import existing_task, handled_by_someone, task_gone, told_who_handled
from .instances import complete_in_transaction
from .panels import PanelView, Returned, panels_for, returned_decision
from .step import with_paths

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


# Options the form needs from the server, and what the person deciding must see ------------

def task_form_options(task: Task, user: User) -> dict[str, Options]:
    """{field path: [(value, label)]}: reviewer candidates, concierges of the recommender,
    the call's score criteria, the exclusion rules of the project's type, the edition's
    sectors — from the same facts the form's rules are checked against (the Step's)."""
    step = step_of(task)
    return step.form_options(step.facts(task.instance, task, user))


def decision_panels(task: Task, user: User) -> list[PanelView]:
    """The Step's panels: earlier decisions, the subject as submitted, the reviews."""
    return panels_for(step_of(task), task.instance, user)


def sent_back(task: Task, user: User) -> Returned | None:
    """The 退回 this task was reopened by (its comment, who and when), for the person redoing it."""
    return returned_decision(task.instance, task.task_name, user)


# Prefill: my draft, else the last submission of this step (a returned form), else what was
# typed at an earlier step; the values carried from earlier steps always on top -------------

@dataclass(frozen=True)
class Prefill:
    data: dict
    source: str | None  # "draft" · "previous" · "earlier" · None
    at: datetime | None


def prefill(task: Task, user: User) -> Prefill:
    filled = _filled(task, user)
    return replace(filled, data=with_carried(task, filled.data))


def carried_fields(task: Task) -> dict:
    """{field path: value} fixed at an earlier step: shown read-only, enforced on submit."""
    return step_of(task).carried_values(task.instance)


def with_carried(task: Task, data: dict) -> dict:
    """``data`` with the carried values in place (a form shown again shows them, not a forgery)."""
    return with_paths(data, carried_fields(task))


def _filled(task: Task, user: User) -> Prefill:
    draft = _draft(task.id, user.id)
    if draft is not None:
        return Prefill(draft.data, "draft", draft.saved_at)
    last = _last_submission(task, user)
    if last is not None and isinstance((last.data or {}).get("form"), dict):
        return Prefill(last.data["form"], "previous", last.at)
    earlier = with_paths({}, step_of(task).earlier_values(task.instance))
    return Prefill(earlier, "earlier" if earlier else None, None)


def _last_submission(task: Task, user: User) -> AuditEvent | None:
    mine = task.candidate_user_id is not None  # one person's step (a review): only their own
    found = [event for event, _ in completions(task.instance_id) if event.task_name == task.task_name
             and (not mine or event.actor_id == user.id)]
    return max(found, key=lambda event: event.id, default=None)


def _draft(task_id: str, user_id: int) -> TaskDraft | None:
    return db.session.scalar(sa.select(TaskDraft).filter_by(task_id=task_id, user_id=user_id))


def save_draft(task_id: str, raw: dict, uploads: dict, user: User) -> TaskDraft:
    """暂存: keep this person's half-filled form (files uploaded now are kept too); one
    transaction, after the uploaded bytes are stored by their hash."""
    with deadlines_kept(task_id), told_who_handled(task_id, user):
        stage_uploads(task_id, uploads, raw, user)
        with transaction():
            task = existing_task(task_id)
            check_may_complete(user, task)
            on_time(task)
            check_draft(task, raw)
            draft = _draft(task_id, user.id) or TaskDraft(task_id=task_id, user_id=user.id)
            draft.data, draft.saved_at = with_attachments(task, raw, user), clock.now()
            db.session.add(draft)
    return draft


def check_draft(task: Task, raw: dict) -> None:
    """A draft may be incomplete, but never hold what no field may (forms/drafts.py)."""
    problems = draft_problems(step_of(task).schema(task.instance), raw)
    if problems:
        raise InvalidInput(problems)


def submit(task_id: str, raw: dict, uploads: dict, user: User) -> ProcessInstance:
    """提交: store the uploaded bytes by their hash (a refused form hands them back in ``raw``),
    then in one transaction record them, complete the task and drop its drafts."""
    with deadlines_kept(task_id), told_who_handled(task_id, user):
        stage_uploads(task_id, uploads, raw, user)
        with transaction():
            recorded = with_attachments(existing_task(task_id), raw, user)
            instance = complete_in_transaction(task_id, recorded, user)
            db.session.execute(sa.delete(TaskDraft).where(TaskDraft.task_id == task_id))
    return instance


def task_to_show_again(task_id: str, user: User) -> Task:
    """The task for a page shown after a refused use case, read afresh: one completed
    meanwhile is the "already handled" conflict (who and when), not a missing page."""
    if db.session.get(Task, task_id) is None:
        raise handled_by_someone(task_id, user) or task_gone()
    return visible_task(task_id, user)
