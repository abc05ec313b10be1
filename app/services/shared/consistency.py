"""Is the database consistent? The check an operator runs after a crash, a restore or a load
run (``grantflow check``): every instance's saved workflow loads, the read projections (open
tasks, waiting timers) equal what that workflow waits for — no lost task, no duplicate, no stale
one on a finished instance — and no task was completed twice in the audit trail.

Reads only; instances are streamed in batches, so a province's database is checked in bounded
memory."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from workflows import engine

from ...extensions import db
from ...models import AuditEvent, ProcessInstance, Task, Timer
from .definitions import specs_of

BATCH = 200


@dataclass
class Report:
    instances: int = 0
    open_tasks: int = 0
    waiting_timers: int = 0
    completions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_consistency() -> Report:
    report = Report()
    after = 0
    while ids := list(db.session.scalars(sa.select(ProcessInstance.id).where(
            ProcessInstance.id > after).order_by(ProcessInstance.id).limit(BATCH))):
        _check_batch(ids, report)
        after = ids[-1]
        db.session.expunge_all()  # bounded memory: a batch at a time
    _check_completions(report)
    return report


def _check_batch(ids: list[int], report: Report) -> None:
    tasks = _ids_by_instance(Task, ids)
    timers = _ids_by_instance(Timer, ids)
    for instance in db.session.scalars(sa.select(ProcessInstance).where(ProcessInstance.id.in_(ids))):
        report.instances += 1
        report.open_tasks += len(tasks[instance.id])
        report.waiting_timers += len(timers[instance.id])
        report.problems += instance_problems(instance, tasks[instance.id], timers[instance.id])


def _ids_by_instance(model, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for instance_id, row_id in db.session.execute(
            sa.select(model.instance_id, model.id).where(model.instance_id.in_(ids))):
        found[instance_id].add(row_id)
    return found


def instance_problems(instance: ProcessInstance, task_ids: set[str], timer_ids: set[str]) -> list[str]:
    label = f"流程实例 {instance.business_key}（#{instance.id}）"
    try:
        workflow = engine.restore(instance.state, *specs_of(instance.definition))
        waits = engine.waits(workflow)
    except Exception as error:  # noqa: BLE001 - any failure to load is the finding itself
        return [f"{label}：保存的流程状态无法加载（{type(error).__name__}: {error}）"]
    problems = _differences(label, "待办", waits.task_ids, task_ids)
    problems += _differences(label, "定时器", {t.task_id for t in waits.timers}, timer_ids)
    if instance.status == "completed" and (task_ids or timer_ids):
        problems.append(f"{label}：已结束，却仍有未办待办或定时器")
    if instance.lock_version < 1:
        problems.append(f"{label}：版本号 {instance.lock_version} 无效")
    return problems


def _differences(label: str, what: str, expected: set[str], stored: set[str]) -> list[str]:
    problems = []
    if missing := expected - stored:
        problems.append(f"{label}：流程在等的{what}缺少记录（丢失）：{', '.join(sorted(missing))}")
    if extra := stored - expected:
        problems.append(f"{label}：多出流程并未在等的{what}记录：{', '.join(sorted(extra))}")
    return problems


def _check_completions(report: Report) -> None:
    """A user task is done once: two ``completed`` events for one task id is work done twice."""
    report.completions = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                           .where(AuditEvent.kind == "completed")) or 0
    twice = db.session.execute(
        sa.select(AuditEvent.instance_id, AuditEvent.task_id, sa.func.count())
        .where(AuditEvent.kind == "completed", AuditEvent.task_id.is_not(None))
        .group_by(AuditEvent.instance_id, AuditEvent.task_id).having(sa.func.count() > 1))
    for instance_id, task_id, count in twice:
        report.problems.append(f"流程实例 #{instance_id}：任务 {task_id} 的办理记录有 {count} 条（重复办理）")
