"""How the demo (scenario, crowd) and the tests act as a person: complete my open task, and
select on the 遴选工作台 as seed 000 divides it."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Project, Task
from ..services.kechuang.projects import record_follow_up
from ..services.kechuang.selection import mark_admission, mark_placement
from ..services.steps.instances import complete_task
from . import samples

# which demo selector places projects in which 推介类别 (each department its own)
SELECTORS = {"opening": "sel_innovation", "major_roadshow": "sel_societies",
             "showcase": "sel_popularisation"}


def complete(user, instance, task_name: str, raw: dict) -> None:
    query = sa.select(Task.id).filter_by(instance_id=instance.id, task_name=task_name)
    query = query.where(sa.or_(Task.candidate_user_id == user.id, Task.candidate_user_id.is_(None)))
    complete_task(db.session.scalars(query).first(), raw, user)


def land(project: Project, concierge) -> None:
    """跟踪服务 to its end: one 跟踪记录, then the conclusion 落地见效 — with the clock after the
    samples' 落地日期, since what has happened is never dated in the future."""
    with samples.once_landed():
        record_follow_up(project.id, samples.FIRST_VISIT, concierge)
        complete(concierge, project.instance, "follow_up_project", samples.LANDED)


def place_on_board(project: Project, users, bucket: str, sector: str | None) -> None:
    """遴选工作台: 创发部 admits the project and the department owning ``bucket`` places it —
    what the one 遴选 decision then confirms."""
    mark_admission([project.id], True, users["sel_innovation"])
    mark_placement(project.id, bucket, sector, users[SELECTORS[bucket]])
