"""专家团 grant use cases: open an application (with its eligibility declared), the bar on a
society that had to refund, KPI entries. What each step checks and records is in steps.py."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from forms.call_kinds import CALL_KINDS
from forms.validators import fmt_number
from workflows import clock
from workflows.dates import deadline_iso, end_of_day, shown_day

from ..shared.call_settings import CALL, call_settings, started_version
from ...extensions import db
from ...models import GrantApplication, GrantCall, KpiEntry, Org, RoleAssignment, Task, User
from ..shared.access import check_holds
from ..shared.visibility import visible_instance
from ..shared.common import get_or_404, new_business_key, open_task, validated
from ..shared.errors import Conflict, InvalidInput, NotFound
from ..steps.instances import complete_in_transaction, start_instance
from ..steps.saving import record_audit
from .kpis import kpi_entry_context
from ..shared.unit_of_work import transaction

PROCESS_KEY = "expert_team_grant"


def start_application(call_id: int, society_org_id: int, user: User) -> GrantApplication:
    """A society opens its application to a call; eligibility is declared as the first step."""
    with transaction():
        return _open_application(call_id, society_org_id, user)


def apply_to_call(call_id: int, society_org_id: int, raw: dict, user: User) -> GrantApplication:
    """Open the application and complete 申报资格自查 with ``raw`` in one transaction: a
    refused declaration leaves nothing behind; an ineligible society's instance ends at
    end_ineligible (see ineligible_reasons)."""
    with transaction():
        application = _open_application(call_id, society_org_id, user)
        task = open_task(application.instance.id, "declare_eligibility")
        complete_in_transaction(task.id, raw, user)
    return application


def ineligible_reasons(application: GrantApplication) -> list[str]:
    """Why the DMN grant_eligibility refused the society (empty unless it ended ineligible)."""
    if application.instance.outcome != "ineligible":
        return []
    return list((application.instance.outcome_data or {}).get("ineligible_reasons") or [])


def _open_application(call_id: int, society_org_id: int, user: User) -> GrantApplication:
    """Checks and the new instance of start_application (the caller owns the transaction)."""
    check_holds(user, "applicant", society_org_id, "以该学会名义申报")
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    society = get_or_404(Org, society_org_id, "学会不存在")
    if society.org_type != "society":
        raise InvalidInput({"society_org_id": ["「申报主体」须为省级学会（协会、研究会、促进会）"]})
    if clock.now() > end_of_day(call.apply_deadline):
        raise Conflict(f"{call.name}已于{shown_day(call.apply_deadline)}截止申报")
    if db.session.scalar(sa.select(GrantApplication.id).filter_by(call_id=call.id,
                                                                 society_org_id=society.id)):
        raise Conflict("该学会已提交过本年度申报，不能重复申报")
    instance = start_instance(
        PROCESS_KEY, business_key=new_business_key(f"ZJT{call.year}"),
        title=f"{society.name} — {call.name}", owner_org_id=society.id,
        data=_start_data(call, society), user=user)
    instance.settings_version = started_version(CALL, call)  # it keeps these values
    application = GrantApplication(call=call, instance=instance, society_org_id=society.id,
                                   title=instance.title)
    db.session.add(application)
    return application


def _start_data(call: GrantCall, society: Org) -> dict:
    return {
        "call_id": call.id, "society_org_id": society.id, "officer_org_id": call.managing_org_id,
        "finance_org_id": call.finance_org_id, "barred": society_barred(call, society.id),
        "concierges_required": CALL_KINDS[call.kind].wording.concierges,
        "apply_deadline": deadline_iso(call.apply_deadline),
        # 填报申报书's deadline: the call's until a 形式审查 return sets the 补正期限
        "submission_due": deadline_iso(call.apply_deadline), "returned_for_correction": False,
        "formal_review_deadline": deadline_iso(call.formal_review_deadline),
        "review_deadline": deadline_iso(call.review_deadline),
        "midterm_at": deadline_iso(call.midterm_at), "period_end": deadline_iso(call.period_end),
        "evaluation_deadline": deadline_iso(call.evaluation_deadline),
    }


BARRED_REASON = "上一年度项目绩效评估不合格须全额退还项目经费，取消本年度申报资格"


def society_barred(call: GrantCall, society_org_id: int) -> bool:
    """A society whose grant of last year's call of this program must be refunded may not apply
    (取消资格): the refund is decided once its 全额退还 step is open, paid or not."""
    refund_open = sa.exists().where(Task.instance_id == GrantApplication.instance_id,
                                    Task.task_name == "refund")
    return db.session.scalar(sa.select(sa.func.count()).select_from(GrantApplication)
                             .join(GrantCall).where(
        GrantApplication.society_org_id == society_org_id,
        sa.or_(GrantApplication.outcome == "refunded", refund_open),
        GrantCall.program_code == call.program_code, GrantCall.year == call.year - 1)) > 0


def priority_points(call: GrantCall, society_org_id: int):
    """优先: the call's points of preference in the ranking when the society's grant of last
    year's call of this program was rated 优秀 (seed 003: 优秀项目申报主体可优先申报下一年度项目),
    else 0."""
    return priority_points_of(call, [society_org_id])[society_org_id]


def priority_points_of(call: GrantCall, society_org_ids) -> dict:
    """``priority_points`` of many societies in one query."""
    excellent = set(db.session.scalars(sa.select(GrantApplication.society_org_id)
                                       .join(GrantCall).where(
        GrantApplication.society_org_id.in_(list(society_org_ids)),
        GrantApplication.excellent.is_(True),
        GrantCall.program_code == call.program_code, GrantCall.year == call.year - 1)))
    return {i: call.excellent_priority_points if i in excellent else Decimal(0)
            for i in society_org_ids}


def priority_note(application: GrantApplication) -> str | None:
    """What the application's page says of its preference in the ranking, if it has one."""
    points = priority_points(application.call, application.society_org_id)
    if not points:
        return None
    return (f"上一年度项目绩效评估为优秀，可优先申报：排序时在综合得分上加计{fmt_number(points)}分，"
            "总分相同时优先")


def bar_reason(call: GrantCall, society_org_id: int) -> str | None:
    """Why the society may not apply to ``call`` before it declares anything (the same reason
    the eligibility DMN gives), or None."""
    return BARRED_REASON if society_barred(call, society_org_id) else None


def open_concierge_accounts(application: GrantApplication, concierges: list[dict]) -> list[User]:
    """The 科服保姆 named in 签订实施协议 become accounts (role 科服保姆 in the society), one per
    phone number — kept if it exists; no password until an administrator sets one (seed 003:
    they use 专用账号 the platform's service centre provides)."""
    society = db.session.get(Org, application.society_org_id)
    accounts = [_concierge_account(society, row) for row in concierges]
    db.session.flush()
    return accounts


def concierges_of(society_org_id: int) -> list[User]:
    """The society's 科服保姆 accounts."""
    return list(db.session.scalars(sa.select(User).join(RoleAssignment).where(
        RoleAssignment.role == "concierge", RoleAssignment.org_id == society_org_id)
        .order_by(User.id)))


def _concierge_account(society: Org, row: dict) -> User:
    username = f"{society.code}_kfbm_{row['phone']}"
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    if user is None:
        user = User(username=username, display_name=row["name"], password_hash=None,
                    created_at=clock.now())
        db.session.add(user)
    if not user.holds("concierge", society.id):
        user.roles.append(RoleAssignment(org_id=society.id, role="concierge"))
    return user


def application_of(instance) -> GrantApplication:
    return instance.application


APPLICATION_MISSING = "申报不存在"


def recordable_application(application_id: int, user: User) -> GrantApplication:
    """The application whose KPI achievements ``user`` may record now: its society's applicant,
    while it is implemented (funded, not yet closed). An application ``user`` may not see is
    missing (404, as its instance page), whatever its id; one they see is refused (403)."""
    application = get_or_404(GrantApplication, application_id, APPLICATION_MISSING)
    try:
        visible_instance(application.instance_id, user)
    except NotFound:
        raise NotFound(APPLICATION_MISSING) from None  # the same answer as a missing id
    check_holds(user, "applicant", application.society_org_id, "为该项目填报绩效数据")
    if application.funded_amount_wan is None or application.instance.status != "running":
        raise NotFound("该项目当前不在实施阶段，不能填报绩效数据")
    return application


def record_kpi(application_id: int, raw: dict, user: User) -> KpiEntry:
    """The society records one KPI achievement during implementation (funded, not yet closed):
    on a “科创中国” call with its 平台确认编号, a written deliverable with its 字数."""
    with transaction():
        application = recordable_application(application_id, user)
        form = validated("kpi_entry", raw, kpi_entry_context(call_settings(application.instance)))
        now = clock.now()
        entry = KpiEntry(application_id=application.id, recorded_by_id=user.id, recorded_at=now, **form)
        db.session.add(entry)
        record_audit(application.instance, "kpi_entry", user, data=form, at=now)
    return entry

