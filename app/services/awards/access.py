"""Who acts in a round: 创发部 decides, 学会部 nominates 学会保姆, a 市州科协 its own 科服保姆, the
专家委员会 (评审专家 of 省科协) chooses 优质科创项目. Checked on the server for every action."""
from __future__ import annotations

from dataclasses import dataclass

from ...models import User
from ..shared.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    user: User
    decides: bool            # 创发部 (or the 省科协 system administrator)
    units: frozenset[str]    # unit codes the person nominates for (市州科协, 学会部)
    experts: bool            # 专家委员会: 优质科创项目

    @property
    def sees(self) -> bool:
        return self.decides or bool(self.units) or self.experts


def actor(user: User) -> Actor:
    held = {(r.role, r.org.code, r.org.org_type) for r in user.roles} if user.active else set()
    decides = any((role, code) in {("selector", "dept_innovation"), ("admin", "province")}
                  for role, code, _ in held)
    units = {code for role, code, kind in held
             if role in ("recommender", "admin") and kind == "city_association"}
    units |= {code for role, code, _ in held
              if (role, code) in {("selector", "dept_societies"), ("grant_officer", "dept_societies")}}
    experts = any((role, code) == ("expert", "province") for role, code, _ in held)
    return Actor(user, decides, frozenset(units), experts or decides)


def visible_actor(user: User) -> Actor:
    """The actor of someone who takes part in the 评选; anyone else is refused (403, as the
    other province pages: that the 评选 exists is no secret)."""
    found = actor(user)
    if not found.sees:
        raise PermissionDenied("评选表扬仅由省科协、市（州）科协及学会部办理")
    return found


def deciding_actor(user: User, what: str) -> Actor:
    found = visible_actor(user)
    if not found.decides:
        raise PermissionDenied(f"只有省科协创发部可以{what}")
    return found


def expert_actor(user: User) -> Actor:
    found = visible_actor(user)
    if not found.experts:
        raise PermissionDenied("只有大会专家委员会或省科协创发部可以评定优质科创项目")
    return found
