"""What `grantflow demo` prints: where to log in, the demo instances, and the logins by role."""
from __future__ import annotations

import sqlalchemy as sa

from workflows.processes import OUTCOME_LABELS, PROCESSES, ROLE_LABELS

from ..extensions import db
from ..models import Org, ProcessInstance
from .people import DEMO_PASSWORD

LOGIN_URL = "http://127.0.0.1:5000/login"


def print_summary(world) -> None:
    print(f"登录地址：{LOGIN_URL}（演示账号密码均为 {DEMO_PASSWORD}）")
    print_instances()
    print_crowd(world.get("crowd"))
    print_logins(world["users"].values())


def print_instances() -> None:
    crowd = sa.select(Org.id).where(Org.code.like("crowd_%"))
    rows = db.session.execute(sa.select(ProcessInstance.process_key, ProcessInstance.title,
                                        ProcessInstance.current_step, ProcessInstance.outcome)
                              .where(ProcessInstance.owner_org_id.not_in(crowd))
                              .order_by(ProcessInstance.process_key, ProcessInstance.id)).all()
    print(f"\n演示数据已载入：{len(rows)} 个逐步演示的流程实例")
    for key, rules in PROCESSES.items():
        print(f"\n【{rules.title}】")
        for _, title, step, outcome in (r for r in rows if r.process_key == key):
            state = f"已结束（{OUTCOME_LABELS.get(outcome, outcome)}）" if outcome else step
            print(f"  {title}  →  {state}")


def print_crowd(crowd: dict | None) -> None:
    """The generated 科创项目 (demo/crowd.py) as counts: there are hundreds."""
    if not crowd:
        return
    print(f"\n另有生成的科创项目（21个市州）：{crowd['current_edition']}{crowd['current']}项，"
          f"其中{crowd['pool']}项已推荐至省科协待遴选；{crowd['past_edition']}{crowd['past']}项，"
          f"入选{crowd['past_selected']}项、签约{crowd['past_signed']}项、落地见效{crowd['past_landed']}项。")


def print_logins(users) -> None:
    """Every login under each role it holds (a user with two roles is listed twice)."""
    print(f"\n演示账号（在 {LOGIN_URL} 登录，密码均为 {DEMO_PASSWORD}）：")
    for role, label in ROLE_LABELS.items():
        holders = [(user, r.org.name) for user in users for r in user.roles if r.role == role]
        if holders:
            print(f"\n  {label}（{role}）")
        for user, org_name in holders:
            print(f"    {user.username:<24}{_pad(user.display_name, 5)}  {org_name}")


def _pad(text: str, width: int) -> str:
    """Pad Chinese text to ``width`` full-width characters (a CJK character is two columns)."""
    return text + "　" * max(width - len(text), 0)

