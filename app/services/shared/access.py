"""Who may do what: role within org scope, assignment and claims — checked on the server."""
from __future__ import annotations

from ...models import Task, User
from .errors import NotFound, PermissionDenied


def may_see_task(user: User, task: Task) -> bool:
    if task.candidate_user_id is not None:
        return task.candidate_user_id == user.id
    return user.holds(task.role, task.org_id)


def check_may_complete(user: User, task: Task) -> None:
    """Raise unless ``user`` may complete ``task`` now (unseen tasks look missing: 404)."""
    if not user.active or not may_see_task(user, task):
        raise NotFound("待办事项不存在或已办理")
    if task.candidate_user_id is not None and not any(r.role == task.role for r in user.roles):
        raise PermissionDenied(f"您不再担任「{task.role}」角色，不能办理此事项")
    if task.claimed_by_id not in (None, user.id):
        raise PermissionDenied("该事项已由同事认领，请先联系其释放")


def check_holds(user: User, role: str, org_id: int, what: str) -> None:
    if not (user.active and user.holds(role, org_id)):
        raise PermissionDenied(f"您无权{what}")
