"""专家团“深耕”赋能 grant (expert_team_grant): one Step per user task — form, process data,
facts for the rules, hooks into the application record, options, due rule, confidentiality,
labels and decision panels."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from forms import application_form as af
from forms import grant_forms as gf
from forms.call_kinds import APPLICATION_FORMS, CALL_KINDS, application_form
from forms.registry import Writes
from forms.rules import evaluation_passed
from forms.validators import fmt_number
from workflows import clock
from workflows.dates import add_months, deadline_iso, parse_moment
from workflows.kpi import reduced_targets
from workflows.processes import EXPERT_TEAM_GRANT
from workflows.reviewer_draw import draw_record, replays

from ...extensions import db
from ...models import AuditEvent, GrantApplication, Org, RoleAssignment
from ..documents.documents import freeze_application
from ..shared.call_settings import call_settings
from ..shared.common import users_with_role
from ..shared.holidays import working_days_from_today

from ..steps.catalog import Process, Record
from ..steps.choices import joined_user_names, user_options
from ..steps.panels import Decisions, Link, Reviews
from ..steps.step import Due, OptionSource, Step
from ..steps.saving import record_audit, record_outcome
from . import applications as a
from .kpis import kpi_actuals, kpi_outcome
from .ranking import promote_next_reserve

KEY = EXPERT_TEAM_GRANT.key
REVIEWERS_ONLY = frozenset({"grant_officer", "admin"})  # 评审保密: who reviewed, and how


# Facts the rules need, and records kept on the application --------------------------------

def _award_context(instance, task, user) -> dict:
    call = call_settings(instance)
    return {"award_amount_wan": call.award_amount_wan, "period_end": call.period_end}


def _declared(instance) -> dict | None:
    """The answers of the last 申报资格自查, if it was completed."""
    declared = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="declare_eligibility", kind="completed")
        .order_by(AuditEvent.id.desc()).limit(1))
    return declared["form"] if declared else None


def _application_context(instance, task, user) -> dict:
    """Award and period limits, the call's team rules when it sets them (else the 2024 guide's
    apply), and the eligibility declared first (section 一 must match)."""
    context = _award_context(instance, task, user)
    call = call_settings(instance)
    if call.team_rules is not None:
        context["team_rules"] = call.team_rules
    if call.kind == "service_team":  # its 绩效目标 commit to each of the call's targets
        context["kpi_targets"] = call.kpi_targets
    declared = _declared(instance)
    if declared:
        context["eligibility"] = declared
    return context


def _application_form(instance):
    """The 申报书 of the call's kind (专家团, 科技服务团, 产业创新论坛, 产学融合会议)."""
    return application_form(call_settings(instance).kind)


def _standing_as_declared(instance) -> dict:
    """§一's 年检结论、行政处罚、通报限期整改 as 申报资格自查 declared them (read-only there)."""
    declared = _declared(instance) or {}
    return {f"unit_info.{name}": declared[name]
            for name in gf.EligibilityDeclarationSchema._declared_fields if name in declared}


def _society_named(instance) -> dict:
    """The applying society chosen when applying: 封面's 申报单位 and §一's 学会名称."""
    name = db.session.get(Org, a.application_of(instance).society_org_id).name
    return {"cover.applicant_unit": name, "unit_info.society_name": name}


def _after_submit(instance, result, user) -> None:
    """Keep the submission, and enqueue the job that freezes its PDF (the worker renders it
    after the commit: the submission never waits for a render nor is undone by one)."""
    application = a.application_of(instance)
    application.form = result.payload
    application.title = instance.title = result.payload["cover"]["project_name"]
    application.submitted_at = clock.now()
    freeze_application(instance, user)


def _formal_review_context(instance, task, user) -> dict:
    events = db.session.scalars(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="formal_review", kind="completed"))
    returns = sum(1 for data in events
                  if (data or {}).get("process_data", {}).get("formal_review_outcome") == "returned")
    return {"prior_returns": returns}


def _correction_due(instance, result) -> dict:
    """退回补正 opens 填报申报书 again with its own deadline: the call's 补正期限 in working days
    from today (the apply deadline has usually passed by 形式审查)."""
    if result.payload["formal_review_outcome"] != "returned":
        return {}
    days = call_settings(instance).correction_working_days
    return {"returned_for_correction": True,
            "submission_due": deadline_iso(working_days_from_today(days))}


def _reviewer_context(instance, task, user) -> dict:
    application = a.application_of(instance)
    conflicted = set(db.session.scalars(sa.select(RoleAssignment.user_id).filter_by(
        org_id=application.society_org_id)))
    return {"min_reviewers": call_settings(application.instance).min_reviewers,
            "eligible_reviewer_ids": users_with_role("expert") - conflicted}


def _assignment(payload: dict, ctx: dict) -> dict:
    """The reviewers chosen, or drawn (随机抽取) with the record that replays the draw."""
    if payload.get("draw_count") is None:
        return {"reviewers": payload["reviewers"]}
    record = draw_record(ctx["eligible_reviewer_ids"], payload["draw_count"])
    return {"reviewers": record["drawn"], "reviewer_draw": record}


def _draw_text(count, instance) -> str:
    """随机抽取 as the officer reads it: who was drawn from whom, the seed, and 可复核."""
    record = _recorded_draw(instance) if instance is not None else None
    if record is None:
        return f"随机抽取{count}名"
    check = "可复核：按抽取种子重新抽取，结果一致" if replays(record) else "复核不一致"
    return (f"随机抽取{record['count']}名：{joined_user_names(record['drawn'])}；"
            f"抽取范围（无利益冲突的专家{len(record['pool'])}名）：{joined_user_names(record['pool'])}；"
            f"抽取种子{record['seed']}；{check}")


def _recorded_draw(instance) -> dict | None:
    data = db.session.scalar(sa.select(AuditEvent.data).where(
        AuditEvent.instance_id == instance.id, AuditEvent.task_name == "assign_reviewers",
        AuditEvent.kind == "completed").order_by(AuditEvent.id.desc()).limit(1))
    return ((data or {}).get("process_data") or {}).get("reviewer_draw")


def _review_context(instance, task, user) -> dict:
    return {"criteria": call_settings(instance).review_criteria,
            "reviewer_id": task.candidate_user_id}


def _agreement_form(instance):
    """With the 科服保姆 table where the call's kind has 科服保姆 (专家团), else without."""
    wording = CALL_KINDS[call_settings(instance).kind].wording
    return gf.AgreementSchema if wording.concierges else gf.PlainAgreementSchema


def _after_agreement(instance, result, user) -> None:
    """The 科服保姆 named become accounts that receive their service task."""
    if "concierges" not in result.payload:
        return
    accounts = a.open_concierge_accounts(a.application_of(instance), result.payload["concierges"])
    record_audit(instance, "concierge_accounts", user,
                 data={"names": [account.display_name for account in accounts],
                       "user_ids": [account.id for account in accounts]})


def _after_funding(instance, result, user) -> None:
    a.application_of(instance).funded_amount_wan = result.payload["amount_wan"]


def _evaluation_context(instance, task, user) -> dict:
    """The call's KPI rows and the actuals: the form's reductions (if the call allows them)
    decide the pass/fail (forms/rules.py evaluation_passed)."""
    application = a.application_of(instance)
    return {"kpi_targets": call_settings(application.instance).kpi_targets, "kpi_actuals": kpi_actuals(application)}


def _evaluation_form(instance):
    """可适当抵减 calls evaluate with the reduction fields; the others never see them."""
    reducible = call_settings(instance).reduction_allowed
    return gf.ReducibleEvaluationSchema if reducible else gf.EvaluationSchema


def _targets_to_reduce(instance) -> dict:
    """A reducible call's 抵减 starts from its own targets (unchanged means not reduced)."""
    call = call_settings(instance)
    if not call.reduction_allowed:
        return {}
    return {"kpi_reductions": {row["code"]: str(row["target"]) for row in call.kpi_targets}}


def _kpi_context(instance, task, user) -> dict:
    """整改复评: the targets as 绩效评估 reduced them, the actuals now."""
    passed, _ = kpi_outcome(a.application_of(instance))
    return {"kpi_passed": passed}


def _re_evaluation_context(instance, task, user) -> dict:
    """The KPI result, and whether the rectification period still runs (a failed 复评 within it
    lets the society rectify again; after it, the refund opens)."""
    due = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="evaluate_performance", kind="completed")
        .order_by(AuditEvent.id.desc()).limit(1))["process_data"]["rectification_due"]
    return {**_kpi_context(instance, task, user),
            "rectification_open": clock.now() <= parse_moment(due)}


def _rectification_due(instance, result) -> dict:
    """限期整改 one month (the call's months) from the date of the 绩效评估结果 notice (评估日期)
    through the end of the last day, Shanghai calendar (seed 003: 从下达绩效评估结果通知之日起)."""
    months = call_settings(instance).rectification_months
    return {"rectification_due": deadline_iso(add_months(result.payload["evaluated_on"], months))}


def _after_evaluation(instance, result, user) -> None:
    """Keep the reduced targets (整改复评 judges by them too), then the outcome."""
    application = a.application_of(instance)
    lowered = reduced_targets(call_settings(application.instance).kpi_targets, result.payload.get("kpi_reductions"))
    application.kpi_reductions = {code: str(value) for code, value in lowered.items()} or None
    passed = _record_kpi_evaluation(instance, user, result.payload.get("reduction_reason"))
    application.excellent = bool(passed and result.payload.get("excellent"))


def _after_re_evaluation(instance, result, user) -> None:
    a.application_of(instance).excellent = False
    _record_kpi_evaluation(instance, user, None)


def _record_kpi_evaluation(instance, user, reduction_reason) -> bool:
    """The KPI rows as judged now (original and reduced targets), kept for the report."""
    application = a.application_of(instance)
    passed, rows = kpi_outcome(application)
    data = {"passed": passed, "kpis": [r.__dict__ for r in rows]}
    if application.kpi_reductions:
        data["reduction_reason"] = reduction_reason or _last_reduction_reason(instance)
    record_audit(instance, "kpi_evaluation", user, data=data)
    return passed


def _last_reduction_reason(instance) -> str | None:
    evaluated = db.session.scalar(sa.select(AuditEvent.data).filter_by(
        instance_id=instance.id, task_name="evaluate_performance", kind="completed")
        .order_by(AuditEvent.id.desc()).limit(1))
    return ((evaluated or {}).get("form") or {}).get("reduction_reason")


def _award_amount(instance) -> dict:
    """立项 and 拨付 are the call's 每项资助金额 (its rule refuses any other): shown read-only."""
    return {"amount_wan": call_settings(instance).award_amount_wan}


def _refund_amount(instance) -> dict:
    """全额退还 is what was disbursed (its rule refuses any other): shown read-only."""
    funded = a.application_of(instance).funded_amount_wan
    return {} if funded is None else {"amount_wan": funded}


def _refund_context(instance, task, user) -> dict:
    application = a.application_of(instance)
    return {"refund_due_wan": application.funded_amount_wan}


def _after_refund(instance, result, user) -> None:
    a.application_of(instance).refund_paid_on = result.payload["paid_on"]


def _application_ended(instance) -> None:
    """The application row takes the instance's outcome (one UPDATE, nothing loaded)."""
    record_outcome(GrantApplication, instance)


# Process data derived from the form and the facts ---------------------------------------------

def _review(payload: dict, ctx: dict) -> dict:
    # Process data is plain JSON: the total goes in as a float (the payload keeps the Decimal).
    return {"review": {"reviewer": ctx["reviewer_id"], "total": round(float(payload["total"]), 2)}}


def _evaluation(payload: dict, ctx: dict) -> dict:
    return {"evaluation_passed": evaluation_passed(payload, ctx)}


def _re_evaluation(payload: dict, ctx: dict) -> dict:
    return {"re_evaluation_passed": bool(ctx["kpi_passed"]),
            "rectification_open": bool(ctx["rectification_open"])}


# Options and labels ---------------------------------------------------------------------------

def _target_options(targets) -> list[tuple[str, str]]:
    return [(row["code"], f"{row['label']}（{row['unit']}，不低于{row['target']}）")
            for row in targets]


def _criteria_options(criteria) -> list[tuple[str, str]]:
    return [(row["code"], f"{row['label']}（满分{row['max']}分）") for row in criteria]


def _scores_text(scores: dict, instance) -> str:
    """{criterion code: score} as "创新性 25分；…；合计 80分" with the call's criterion names."""
    criteria = call_settings(instance).review_criteria if instance is not None else []
    names = {row["code"]: row["label"] for row in criteria}
    values = {code: Decimal(str(value)) for code, value in scores.items()}
    parts = [f"{names.get(code, '其他评分项')} {fmt_number(value)}分" for code, value in values.items()]
    return "；".join([*parts, f"合计 {fmt_number(sum(values.values(), Decimal(0)))}分"])


REVIEW_LABELS = {"scores": _scores_text}


def _commitments_text(commitments: dict, instance) -> str:
    """{KPI code: figure} as "汇聚可转移转化科技成果 100项；…" with the call's KPI names."""
    targets = call_settings(instance).kpi_targets if instance is not None else []
    rows = {row["code"]: row for row in targets}
    return "；".join(f"{rows[code]['label']} {fmt_number(Decimal(str(value)))}{rows[code]['unit']}"
                    if code in rows else f"其他绩效指标 {fmt_number(Decimal(str(value)))}"
                    for code, value in commitments.items())

def _reductions_text(reductions: dict, instance) -> str:
    """{KPI code: figure} as "完成技术转移转化 5项→3项；…": only the targets lowered."""
    targets = call_settings(instance).kpi_targets if instance is not None else []
    rows = {row["code"]: row for row in targets}
    lowered = reduced_targets(targets, reductions)
    return "；".join(f"{rows[code]['label']} {fmt_number(Decimal(str(rows[code]['target'])))}"
                    f"{rows[code]['unit']}→{fmt_number(value)}{rows[code]['unit']}"
                    for code, value in lowered.items()) or "未抵减"


# What the person deciding sees ----------------------------------------------------------------

ELIGIBILITY = Decisions("申报资格自查", ("declare_eligibility",), latest=True)
APPLICATION = Decisions("申报书（最新提交）", ("submit_application",), latest=True, folded=True)
FORMAL = Decisions("形式审查意见", ("formal_review",))
def _ranking_link(instance, user) -> Link | None:
    """The call's 评审排序 page, for its grant officers."""
    call = call_settings(instance)
    return Link("打开本指南的评审排序", "ranking.show", {"call_id": call.id}) \
        if user.holds("grant_officer", call.managing_org_id) else None


REVIEWS = Reviews("专家评审意见与得分", link=_ranking_link,
                  criteria=lambda instance: call_settings(instance).review_criteria,
                  trim_from=lambda instance: call_settings(instance).trim_from_reviewers)
AWARD = Decisions("立项、协议与拨款", ("issue_approval", "sign_agreement", "disburse_funds"))
MIDTERM = Decisions("中期督查意见", ("midterm_check",))
EVALUATIONS = Decisions("绩效评估与整改", ("evaluate_performance", "rectify", "re_evaluate"))
PUBLICITY = Decisions("公示结果", ("conclude_publicity",))
EVALUATION = Decisions("绩效评估（最新）", ("evaluate_performance",), latest=True)
FINANCE = Decisions("财政厅会签意见", ("finance_confirm_award", "finance_confirm_evaluation"))

STEPS = (
    Step(KEY, "declare_eligibility", gf.EligibilityDeclarationSchema,
         Writes(("inspection_previous", "inspection_last", "penalized", "notified")),
         due=Due(days=7)),
    Step(KEY, "submit_application", af.ApplicationFormSchema, context=_application_context,
         after=_after_submit, due=Due("submission_due"), panels=(ELIGIBILITY, FORMAL),
         earlier=_society_named, carried=_standing_as_declared, form_of=_application_form,
         variants=tuple(form for form in APPLICATION_FORMS if form is not af.ApplicationFormSchema),
         labels={"commitments": _commitments_text},
         options=(OptionSource("kpi_targets", "commitments", _target_options),)),
    Step(KEY, "formal_review", gf.FormalReviewSchema, Writes(("formal_review_outcome",)),
         context=_formal_review_context, before=_correction_due, due=Due("formal_review_deadline"),
         panels=(ELIGIBILITY, FORMAL)),
    Step(KEY, "assign_reviewers", gf.ReviewerAssignmentSchema,
         Writes(derived=_assignment, context_keys=("eligible_reviewer_ids",)),
         context=_reviewer_context,
         options=(OptionSource("eligible_reviewer_ids", "reviewers", user_options),),
         due=Due(days=3), confidential_to=REVIEWERS_ONLY,
         labels={"reviewers": joined_user_names, "draw_count": _draw_text}, panels=(FORMAL,)),
    Step(KEY, "review_application", gf.ReviewScoreSchema,
         Writes(derived=_review, context_keys=("reviewer_id",)), context=_review_context,
         options=(OptionSource("criteria", "scores", _criteria_options),),
         due=Due("review_deadline"), assignee=lambda data: data.get("reviewer"),
         confidential_to=REVIEWERS_ONLY, labels=REVIEW_LABELS, panels=(APPLICATION,)),
    Step(KEY, "conclude_publicity", gf.PublicityConclusionSchema, Writes(("publicity_outcome",)),
         after=promote_next_reserve, due=Due(days=3), panels=(REVIEWS, FORMAL)),
    Step(KEY, "finance_confirm_award", gf.FinanceConcurrenceSchema, Writes(("finance_outcome",)),
         due=Due(days=7), panels=(REVIEWS, PUBLICITY)),
    Step(KEY, "issue_approval", gf.ApprovalNoticeSchema, context=_award_context,
         carried=_award_amount,
         due=Due(days=10), panels=(REVIEWS, FINANCE)),
    Step(KEY, "sign_agreement", gf.AgreementSchema, after=_after_agreement, due=Due(days=15),
         form_of=_agreement_form, variants=(gf.PlainAgreementSchema,),
         panels=(AWARD,)),
    Step(KEY, "disburse_funds", gf.FundingSchema, context=_award_context, carried=_award_amount,
         after=_after_funding, due=Due(days=30), panels=(AWARD,)),
    Step(KEY, "concierge_service", gf.ConciergeServiceSchema, due=Due("midterm_at"),
         panels=(AWARD,)),
    Step(KEY, "midterm_check", gf.MidtermCheckSchema, due=Due(days=15), panels=(AWARD, MIDTERM)),
    Step(KEY, "evaluate_performance", gf.EvaluationSchema,
         Writes(derived=_evaluation, context_keys=("kpi_targets", "kpi_actuals")),
         context=_evaluation_context, form_of=_evaluation_form,
         variants=(gf.ReducibleEvaluationSchema,), earlier=_targets_to_reduce,
         options=(OptionSource("kpi_targets", "kpi_reductions", _target_options),),
         labels={"kpi_reductions": _reductions_text},
         before=_rectification_due, after=_after_evaluation,
         due=Due("evaluation_deadline"), panels=(AWARD, MIDTERM, FINANCE)),
    Step(KEY, "finance_confirm_evaluation", gf.FinanceConcurrenceSchema,
         Writes(("finance_outcome",)), due=Due(days=7), panels=(EVALUATION, AWARD, MIDTERM)),
    Step(KEY, "rectify", gf.RectificationSchema, due=Due("rectification_due"),
         panels=(EVALUATIONS,)),
    Step(KEY, "re_evaluate", gf.ReEvaluationSchema,
         Writes(derived=_re_evaluation, context_keys=("kpi_passed", "rectification_open")),
         context=_re_evaluation_context,
         after=_after_re_evaluation, due=Due(days=15), panels=(EVALUATIONS,)),
    Step(KEY, "refund", gf.RefundSchema, context=_refund_context, after=_after_refund,
         carried=_refund_amount,
         due=Due(days=30), panels=(EVALUATIONS, AWARD)),
)

def _kpi_name(code: str, instance) -> str:
    """A KPI code as the call names it (绩效指标 of the 申报指南)."""
    targets = call_settings(instance).kpi_targets if instance is not None else []
    return next((row["label"] for row in targets if row["code"] == code), "其他绩效指标")


RECORDS = {"kpi_entry": Record(gf.KpiEntrySchema, {"kpi_code": _kpi_name})}

def _facts(instance) -> list[tuple[str, str]]:
    """The application page's header: its preference in the ranking (优秀 last year), the
    targets 绩效评估 reduced (抵减) and why."""
    application = a.application_of(instance)
    if application is None:
        return []
    note = a.priority_note(application)
    return ([("申报优先", note)] if note else []) + _reduction_facts(application, instance)


def _reduction_facts(application, instance) -> list[tuple[str, str]]:
    if not application.kpi_reductions:
        return []
    reason = _last_reduction_reason(instance) or ""
    return [("绩效目标抵减", _reductions_text(application.kpi_reductions, instance)),
            ("抵减理由", reason)]


PROCESS = Process(EXPERT_TEAM_GRANT, STEPS, on_end=_application_ended, records=RECORDS,
                  facts=_facts)
