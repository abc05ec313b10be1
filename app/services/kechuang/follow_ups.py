"""跟踪服务 interim records (一单一策, 登记跟踪记录): while the follow_up_project task is open its
concierge adds dated records — 日期, 采取措施, 结果, files — without completing the task; the
task's own submit stays the final conclusion. Listed on the task page and the instance page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from workflows import clock

from ...extensions import db
from ...models import Attachment, FollowUpRecord, Project, Task, User
from ..documents import attachments
from ..shared.access import check_may_complete
from ..shared.common import validated
from ..shared.errors import InvalidInput, NotFound
from ..steps.handled import existing_task
from ..steps.saving import record_audit
from ..steps.step import dates_of
from ..shared.unit_of_work import transaction

STEP = "follow_up_project"
RECORD_FORM = "follow_up_record"  # forms/project_forms.py FollowUpRecordSchema
FILES = attachments.FOLLOW_UP_FILES
FILES_LABEL = "附件"
MAX_FILES = 5  # 本系统默认值: files per record


@dataclass(frozen=True)
class FollowUpRow:
    occurred_on: date
    action: str
    result: str
    recorded_by: str
    recorded_at: datetime
    files: list[tuple[int, str]]  # (attachment id, file name)


def records_of(project_id: int) -> list[FollowUpRow]:
    """Every record of a project, in the order they happened (whoever may see the project)."""
    found = db.session.execute(
        sa.select(FollowUpRecord, User.display_name).join(User, User.id == FollowUpRecord.recorded_by_id)
        .where(FollowUpRecord.project_id == project_id)
        .order_by(FollowUpRecord.occurred_on, FollowUpRecord.id)).all()
    files: dict[int, list[tuple[int, str]]] = {}
    for ident, record_id, name in [] if not found else db.session.execute(  # none: no query
            sa.select(Attachment.id, Attachment.follow_up_record_id, Attachment.filename)
            .where(Attachment.follow_up_record_id.in_([r.id for r, _ in found]))
            .order_by(Attachment.id)):
        files.setdefault(record_id, []).append((ident, name))
    return [FollowUpRow(r.occurred_on, r.action, r.result, name, r.recorded_at, files.get(r.id, []))
            for r, name in found]


def records_of_instance(instance) -> list[FollowUpRow]:
    project = getattr(instance, "project", None)
    return records_of(project.id) if project is not None else []


def shown_on_instance(instance) -> list[FollowUpRow] | None:
    """The records for the instance page (already checked visible): None where there is no
    跟踪服务 (a grant application, a project not yet there and without records)."""
    project = getattr(instance, "project", None)
    if project is None:
        return None
    records = records_of(project.id)
    following = db.session.scalar(sa.select(Task.id).filter_by(instance_id=instance.id,
                                                                task_name=STEP).limit(1))
    return records if records or following or instance.outcome in ("landed", "closed") else None


def follow_up_task(task_id: str, user: User) -> Task:
    """The open 跟踪服务 task, if ``user`` may add records to it (its concierge; 404 outside)."""
    task = existing_task(task_id)
    if task.task_name != STEP:
        raise NotFound("该事项不是跟踪服务")
    check_may_complete(user, task)
    return task


def stage_files(task_id: str, uploads: list, user: User) -> tuple[list[str], dict]:
    """Before the transaction: check and keep the uploaded files (signed references back)."""
    follow_up_task(task_id, user)
    return attachments.stage_files(task_id, FILES, [u for u in uploads if u.filename],
                                   FILES_LABEL, user)


def add_record(task_id: str, raw: dict, user: User, files: list[str] = (),
               file_errors: dict | None = None) -> FollowUpRecord:
    """登记跟踪记录 on the task page: every error at once, nothing added when refused."""
    with transaction():
        task = follow_up_task(task_id, user)
        return _added(db.session.scalar(sa.select(Project).filter_by(instance_id=task.instance_id)),
                      task, raw, user, list(files), file_errors or {})


def record_follow_up(project_id: int, raw: dict, user: User) -> FollowUpRecord:
    """The concierge adds one record while the project is followed up (no files)."""
    with transaction():
        project = db.session.get(Project, project_id)
        if project is None:
            raise NotFound("项目不存在")
        task = db.session.scalar(sa.select(Task).filter_by(instance_id=project.instance_id,
                                                           task_name=STEP))
        if task is None:
            raise NotFound("该项目当前不在跟踪服务阶段")
        check_may_complete(user, task)
        return _added(project, task, raw, user, [], {})


def _added(project: Project, task: Task, raw: dict, user: User, files: list[str],
           file_errors: dict) -> FollowUpRecord:
    errors = dict(file_errors)
    form = None
    try:  # the date's plausibility is the form's rule (forms/rules.py dates_happened)
        form = validated(RECORD_FORM, raw, dates_of(project.instance))
    except InvalidInput as refused:
        errors.update(refused.errors)
    if len(files) > MAX_FILES:
        errors.setdefault(FILES, []).append(f"「{FILES_LABEL}」每条记录最多{MAX_FILES}个文件")
    if errors:
        raise InvalidInput(errors)
    now = clock.now()
    record = FollowUpRecord(project_id=project.id, recorded_by_id=user.id, recorded_at=now, **form)
    db.session.add(record)
    db.session.flush()
    for attachment in attachments.record_staged_files(task, FILES, files, FILES_LABEL, user):
        attachment.follow_up_record_id = record.id
    record_audit(project.instance, "follow_up", user, data=form, at=now)
    return record

