"""Who may read the leaders' figures, and how much of them.

- Province level (administrators and everyone holding a role in a 省科协 department, grant
  officers included): every 市州's rows.
- A 市（州）科协 (a role in a city association): the province aggregates (the funnel, the
  per-sector and per-推介区 tables, the 合计 rows) and its own 市州's rows — no other city's row.
- Anybody else: 403.
A call's figures (per grant team) are for the call's officers and administrators only.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...models import GrantCall, User
from ..shared.errors import PermissionDenied
from ..shared.visibility import is_admin

PROVINCE_NOTE = "您可查看全省及各市（州）的全部数据。"
CITY_NOTE = ("按权限，您可查看全省汇总（漏斗、按领域、按推介区及各表合计）和本市（州）的数据，"
             "不显示其他市（州）的明细行。")


@dataclass(frozen=True)
class Scope:
    city_id: int | None  # None: the whole province

    @property
    def province(self) -> bool:
        return self.city_id is None

    def sees_city(self, city_id: int | None) -> bool:
        return self.province or city_id == self.city_id

    @property
    def note(self) -> str:
        return PROVINCE_NOTE if self.province else CITY_NOTE


def edition_scope(user: User) -> Scope:
    """Raise PermissionDenied unless ``user`` may read an edition's figures."""
    if user.active and (is_admin(user) or any(r.org.org_type == "department" for r in user.roles)):
        return Scope(None)
    cities = [r.org_id for r in user.roles if r.org.org_type == "city_association"]
    if user.active and cities:
        return Scope(cities[0])
    raise PermissionDenied("科创会成果统计仅供省科协有关部门和市（州）科协查阅")


def check_call_figures(user: User, call: GrantCall) -> None:
    if not (user.active and (is_admin(user) or user.holds("grant_officer", call.managing_org_id))):
        raise PermissionDenied("项目绩效进度仅供该项目的项目管理员查阅")


def may_read_figures(user: User) -> bool:
    """Whether the 统计数据 entry is offered: an edition's figures or a call's progress."""
    try:
        edition_scope(user)
        return True
    except PermissionDenied:
        return any(r.role == "grant_officer" for r in user.roles)
