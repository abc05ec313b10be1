"""What `grantflow demo` prints: where to log in, the demo instances, and the logins by role."""
from __future__ import annotations

import sqlalchemy as sa

from workflows.processes import OUTCOME_LABELS, PROCESSES, ROLE_LABELS

from ..extensions import db
from ..models import ProcessInstance
from .people import DEMO_PASSWORD

LOGIN_URL = "http://127.0.0.1:5000/login"


def print_summary(world) -> None:
    print(f"登录地址：{LOGIN_URL}（演示账号密码均为 {DEMO_PASSWORD}）")
    print_instances()
    print_logins(world["users"].values())


def print_instances() -> None:
    rows = db.session.execute(sa.select(ProcessInstance.process_key, ProcessInstance.title,
                                        ProcessInstance.current_step, ProcessInstance.outcome)
                              .order_by(ProcessInstance.process_key, ProcessInstance.id)).all()
    print(f"\n演示数据已载入：{len(rows)} 个流程实例")
    for key, rules in PROCESSES.items():
        print(f"\n【{rules.title}】")
        for _, title, step, outcome in (r for r in rows if r.process_key == key):
            state = f"已结束（{OUTCOME_LABELS.get(outcome, outcome)}）" if outcome else step
            print(f"  {title}  →  {state}")


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

