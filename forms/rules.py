"""Checks that need facts from the database, as pure functions over (payload, context).

Each rule is registered for the form schemas it checks and names the context keys it reads:
``needs`` must be present (the Step's context builder supplies them; KeyError otherwise), a rule
whose ``optional`` key is absent is skipped. The meaning of each key is documented where the
Step builds it (app/services/<process>/steps.py). Each rule yields (path, message) pairs; paths
are those of FormValidationError. Every rule also runs when the schema refuses the form, so its
errors show with the schema's in one pass: a rule registered with ``partial=True`` reads the part
of the payload that loaded (it must skip what is missing); any other reads the fields that loaded
whole and is skipped when it needs one the schema refused.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from types import MappingProxyType

from marshmallow import ValidationError

from forms import choices as c
from forms import application_form as af
from forms import service_team_form as stf
from forms.call_kinds import APPLICATION_FORMS
from forms import grant_forms as gf
from forms import project_forms as pf
from forms import selection_rules as sr
from forms.application_tables import BudgetSchema, MemberSchema, lead_rows
from forms.base import field_label
from forms.call_forms import TeamRulesSchema
from forms.validators import fmt_number
from workflows.dates import SHANGHAI, shown_day
from workflows.kpi import entry_counts, evaluate_kpis, reduced_targets

Found = Iterator[tuple[str, str]]


@dataclass(frozen=True)
class Rule:
    check: Callable[[dict, dict], Iterable[tuple[str, str]]]
    needs: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    partial: bool = False


RULES: dict[type, list[Rule]] = defaultdict(list)


def rule(*forms: type, needs: tuple[str, ...] = (), optional: tuple[str, ...] = (),
         partial: bool = False):
    """Register the decorated check for ``forms``."""
    def register(check):
        for form in forms:
            RULES[form].append(Rule(check, needs, optional, partial))
        return check
    return register


def required_keys(form: type) -> set[str]:
    """Context keys the rules of ``form`` cannot do without."""
    return {key for r in RULES.get(form, ()) for key in r.needs}


def run_rules(form: type, payload: dict, context: dict, partial: bool = False,
              failed: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Errors of the rules of ``form``, skipping those whose optional keys are absent
    (load_form has already checked the required ones). ``partial``: on the part of a refused
    form that loaded, so every error shows in one pass — a rule not written for a partial
    payload is skipped when it reads a field that is missing or malformed; it never sees the
    ``failed`` fields (those the schema refused in part), a partial rule sees what loaded."""
    errors: dict[str, list[str]] = {}
    whole = {key: value for key, value in payload.items() if key not in failed}
    for r in RULES.get(form, ()):
        if not all(key in context for key in r.optional):
            continue
        try:
            found = list(r.check(payload if r.partial else whole, context))
        except (KeyError, TypeError, AttributeError, IndexError, ValueError, ArithmeticError):
            if not partial or r.partial:
                raise
            continue  # it needs a field the schema refused
        for path, message in found:
            errors.setdefault(path, []).append(message)
    return errors


RELABELS: dict[type, Callable[[str, str, dict], tuple[str, str]]] = {}


def relabelled(form: type, errors: dict[str, list[str]], context: dict) -> dict[str, list[str]]:
    """The schema's errors with what only the context can name put in (a score's criterion)."""
    relabel = RELABELS.get(form)
    if relabel is None:
        return {path: list(messages) for path, messages in errors.items()}
    result: dict[str, list[str]] = {}
    for path, messages in errors.items():
        for message in messages:
            new_path, new_message = relabel(path, message, context)
            result.setdefault(new_path, []).append(new_message)
    return result


def wan(amount) -> str:
    return f"{fmt_number(Decimal(str(amount)))}万元"


# 科创项目 -----------------------------------------------------------------------------------

@rule(pf.ProjectSubmissionSchema, needs=("landed_listing_ids",))
def not_landed_before(payload: dict, ctx: dict) -> Found:
    if payload["platform_listing_id"] in ctx["landed_listing_ids"]:
        yield "platform_listing_id", (f"「天府科技云发布编号」{payload['platform_listing_id']}"
                                      "对应的项目已在往届科创会落地转化，不再推荐")


@rule(pf.ProjectSubmissionSchema, partial=True)
def materials_of_type(payload: dict, ctx: dict) -> Found:
    """What 资格审查 needs to find the project 符合条件 is required when it is submitted."""
    project_type = payload.get("project_type")
    if project_type not in c.REQUIRED_MATERIALS:
        return  # the schema refused the type, and says so
    type_label = c.label_of(c.PROJECT_TYPES, project_type)
    for name in c.REQUIRED_MATERIALS[project_type]:
        if not payload.get(name):
            label = field_label(pf.ProjectSubmissionSchema, name)
            yield name, f"{type_label}项目须提供「{label}」"


@rule(pf.ProjectSubmissionSchema, pf.RecommendationSchema, pf.SelectionSchema, optional=("sectors",))
def sector_in_edition(payload: dict, ctx: dict) -> Found:
    sector = payload.get("sector")
    if sector and sector not in ctx["sectors"]:
        yield "sector", f"「专场领域」“{c.label_of(c.SECTORS, sector)}”不是本届科创会的专场"


@rule(pf.ExclusionCheckSchema, needs=("project_type",))
def rules_apply_to_type(payload: dict, ctx: dict) -> Found:
    applicable = c.EXCLUSIONS_BY_TYPE[ctx["project_type"]]
    type_label = c.label_of(c.PROJECT_TYPES, ctx["project_type"])
    for code in payload["violated_rules"]:
        if code not in applicable:
            yield "violated_rules", (f"「违反的排除条款」“{c.label_of(c.EXCLUSION_RULES, code)}”"
                                     f"不适用于{type_label}项目")


@rule(pf.ExclusionCheckSchema, needs=("project_type",), optional=("submission",))
def eligible_needs_materials(payload: dict, ctx: dict) -> Found:
    required = c.REQUIRED_MATERIALS[ctx["project_type"]]
    missing = [field_label(pf.ProjectSubmissionSchema, name) for name in required
               if not ctx["submission"].get(name)]
    if payload["exclusion_outcome"] == "eligible" and missing:
        yield "exclusion_outcome", (f"项目缺少{'、'.join(missing)}，不能判定为“符合条件”，"
                                    "请退回补充材料")


def _opening_refused(code: str, ctx: dict) -> bool:
    return code == "opening" and ctx["project_type"] == "finance_product"


@rule(pf.RecommendationSchema, needs=("project_type", "concierge_user_ids"))
def recommendation_fits(payload: dict, ctx: dict) -> Found:
    if _opening_refused(payload["intent"], ctx):
        yield "intent", "科技金融创新产品不参加开幕式发布，请选择其他「推介意向」"
    concierge = payload["concierge_user_id"]
    if concierge is not None and concierge not in ctx["concierge_user_ids"]:
        yield "concierge_user_id", f"「科服保姆」（用户编号{concierge}）不在本单位可指派的科服保姆中"


@rule(pf.SelectionSchema, needs=("project_type", "quotas", "sectors", "selection"))
def selection_within_quota(payload: dict, ctx: dict) -> Found:
    """A single 遴选 decision keeps the board's rules: the deciding department places only its
    own buckets (or confirms the placement another department marked), within the quotas."""
    if payload["select_outcome"] != "selected":
        return
    bucket, sel = payload["bucket"], ctx["selection"]
    if bucket == "major_roadshow" and not payload.get("sector"):
        return  # the form itself requires the 专场领域, and says so
    label = c.label_of(c.SELECTION_BUCKETS, bucket)
    if _opening_refused(bucket, ctx):
        yield "bucket", "科技金融创新产品不参加开幕式发布，请选择其他「入选推介类别」"
    elif bucket == sel["placed"] or bucket == sr.PITCH_SESSIONS and bucket in sel["owned"]:
        return
    elif sel["placed"]:
        placed = c.label_of(c.SELECTION_BUCKETS, sel["placed"])
        yield "bucket", f"该项目已选入{placed}，一个项目只能入选一个推介类别"
    elif bucket not in sel["owned"]:
        yield "bucket", f"「入选推介类别」“{label}”不由您所在部门遴选，请由负责部门在遴选工作台选入"
    else:
        project = {"project_type": ctx["project_type"], "sector": payload.get("sector"),
                   "partner_code": sel["partner_code"], "partner_name": sel["partner_name"]}
        refusal = sr.placement_refusal(bucket, project, sel["usage"], ctx["quotas"], ctx["sectors"])
        if refusal:
            yield "bucket", refusal


@rule(pf.ProjectSubmissionSchema)
def criteria_fit_the_type(payload: dict, ctx: dict) -> Found:
    """Seed 004's positive criteria: declared where the type has them, only for the types they
    apply to; a contract declared needs its material."""
    type_label = c.label_of(c.PROJECT_TYPES, payload["project_type"])
    for name, types in c.CRITERIA_REQUIRED.items():
        if payload["project_type"] in types and not payload.get(name):
            label = field_label(pf.ProjectSubmissionSchema, name)
            yield name, f"{type_label}项目须填写「{label}」"
    for name, types in c.CRITERIA_TYPES.items():
        if payload.get(name) and payload["project_type"] not in types:
            label = field_label(pf.ProjectSubmissionSchema, name)
            yield name, f"「{label}」不适用于{type_label}项目"
    if payload.get("industry_university_contract") and not payload.get("contract_ref"):
        yield "contract_ref", "已签订产学研合同或协议的，须上传「产学研合同或协议」"


# Dates of what has happened: not before the project existed, not in the future ------------

def _local_day(moment) -> date:
    return moment.astimezone(SHANGHAI).date()




def _happened(*names: str, future_ok: tuple[str, ...] = (), started_what: str = "项目"):
    """A rule on the dates (or times) of ``names`` — things that have happened: not before the
    project started (context ``started_at``), nor after today (``now``) unless in
    ``future_ok``. A time compares as its Beijing date."""
    def check(payload: dict, ctx: dict, schema: type) -> Found:
        started, today = _local_day(ctx["started_at"]), _local_day(ctx["now"])
        for name in names:
            value = payload.get(name)
            if value is None:
                continue
            day = _local_day(value) if isinstance(value, datetime) else value
            label = field_label(schema, name)
            if day < started:
                yield name, (f"「{label}」{shown_day(day)}早于{started_what}发起日期{shown_day(started)}，"
                             "请核对")
            elif day > today and name not in future_ok:
                yield name, f"「{label}」{shown_day(day)}晚于今天，只能填写已发生的日期"
    return check


def dates_happened(schema: type, *names: str, future_ok: tuple[str, ...] = (),
                   started_what: str = "项目") -> None:
    """Register the plausibility of ``names`` on ``schema`` (skipped without the dates);
    ``started_what`` names what was started (项目, 申报)."""
    check = _happened(*names, future_ok=future_ok, started_what=started_what)

    @rule(schema, optional=("started_at", "now"))
    def happened(payload: dict, ctx: dict) -> Found:
        yield from check(payload, ctx, schema)


# a 推介时间 or 签约日期 may be entered ahead (a session booked, a signing scheduled at 大会)
dates_happened(pf.PitchSchema, "pitched_at", future_ok=("pitched_at",))
dates_happened(pf.SigningSchema, "signed_on", future_ok=("signed_on",))
dates_happened(pf.FollowUpClosingSchema, "landed_on")
dates_happened(pf.FollowUpRecordSchema, "occurred_on")
# the grant's papers: never before the application was started (their dates are those of the
# documents, which an office may enter ahead of the day, so the future is not refused)
dates_happened(gf.FinanceConcurrenceSchema, "signed_on", future_ok=("signed_on",), started_what="申报")
dates_happened(gf.ApprovalNoticeSchema, "issued_on", future_ok=("issued_on",), started_what="申报")
dates_happened(gf.PlainAgreementSchema, "signed_on", future_ok=("signed_on",), started_what="申报")
dates_happened(gf.AgreementSchema, "signed_on", future_ok=("signed_on",), started_what="申报")
dates_happened(gf.ConciergeServiceSchema, "served_on", future_ok=("served_on",), started_what="申报")
dates_happened(gf.FundingSchema, "paid_on", future_ok=("paid_on",), started_what="申报")
dates_happened(gf.MidtermCheckSchema, "checked_on", future_ok=("checked_on",), started_what="申报")
dates_happened(gf.EvaluationSchema, "evaluated_on", future_ok=("evaluated_on",), started_what="申报")
dates_happened(gf.ReducibleEvaluationSchema, "evaluated_on", future_ok=("evaluated_on",), started_what="申报")
dates_happened(gf.RectificationSchema, "submitted_on", future_ok=("submitted_on",), started_what="申报")
dates_happened(gf.RefundSchema, "paid_on", future_ok=("paid_on",), started_what="申报")


# 专家团 grant: 申报书 ----------------------------------------------------------------------

@rule(*APPLICATION_FORMS, optional=("award_amount_wan",))
def special_within_award(payload: dict, ctx: dict) -> Found:
    special, award = payload["budget"]["special_wan"], Decimal(str(ctx["award_amount_wan"]))
    if special > award:
        label = field_label(BudgetSchema, "special_wan")
        yield "budget.special_wan", f"「{label}」{wan(special)}超过资助额度{wan(award)}"


@rule(*APPLICATION_FORMS, optional=("period_end",))
def phases_within_period(payload: dict, ctx: dict) -> Found:
    for index, phase in enumerate(payload["schedule"]["phases"]):
        if phase["end"] > ctx["period_end"]:
            yield (f"schedule.phases.{index}.end",
                   f"「结束日期」{phase['end']}不能晚于项目周期截止日期{ctx['period_end']}")


@rule(*APPLICATION_FORMS, optional=("eligibility",))
def standing_as_declared(payload: dict, ctx: dict) -> Found:
    unit_info, declared = payload["unit_info"], ctx["eligibility"]
    for name in gf.EligibilityDeclarationSchema._declared_fields:
        if name in declared and unit_info[name] != declared[name]:
            label = field_label(gf.EligibilityDeclarationSchema, name)
            yield f"unit_info.{name}", f"「{label}」与申报资格自查时的填报不一致"


@rule(stf.ServiceTeamApplicationSchema, optional=("kpi_targets",))
def commitments_meet_targets(payload: dict, ctx: dict) -> Found:
    """seed 001: every 量化实施要求 of the call is committed to, at least as the call sets it."""
    commitments, targets = payload["commitments"], ctx["kpi_targets"]
    known = {row["code"] for row in targets}
    for code in commitments:
        if code not in known:
            yield f"commitments.{code}", "「绩效目标承诺值」中有一项不是本申报指南的绩效指标"
    for row in targets:
        code, target = row["code"], Decimal(str(row["target"]))
        if code not in commitments:
            yield f"commitments.{code}", f"「{row['label']}」未填写承诺值"
        elif commitments[code] < target:
            yield (f"commitments.{code}",
                   f"「{row['label']}」承诺值不得低于申报指南要求的{fmt_number(target)}{row['unit']}"
                   f"（当前{fmt_number(commitments[code])}{row['unit']}）")


# The 2024 guide's 专家团组建要求 (seed 003 实施要求（一）), for calls that set none.
DEFAULT_TEAM_RULES = MappingProxyType(
    {"min_members": 10, "lead_title_level": "正高", "senior_ratio": Decimal("0.6")})
_TEAM_RULES = TeamRulesSchema()


def team_rules_in_force(ctx: dict) -> Mapping:
    """The call's team rules (context ``team_rules``, checked as the call form checks them),
    or DEFAULT_TEAM_RULES; ValueError when the call's are malformed."""
    if "team_rules" not in ctx:
        return DEFAULT_TEAM_RULES
    try:
        return _TEAM_RULES.load(ctx["team_rules"])
    except ValidationError as error:
        raise ValueError(f"malformed team_rules context: {error.messages}") from error


def _percent(part: int, whole: int) -> str:
    """part/whole as a percentage, rounded down so a failing ratio never shows as passing."""
    value = (Decimal(part * 100) / whole).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return fmt_number(value)


def _at_least(level: str, required: str) -> bool:
    """``level`` is ``required`` or above (TITLE_LEVELS runs from the highest down)."""
    order = c.codes_of(c.TITLE_LEVELS)
    return order.index(level) <= order.index(required)


@rule(af.ApplicationFormSchema, partial=True)
def team_as_required(payload: dict, ctx: dict) -> Found:
    limits = team_rules_in_force(ctx)
    members = (payload.get("team") or {}).get("members")
    if not members or not all(set(MemberSchema._declared_fields) <= set(m) for m in members):
        return  # the schema refused the table or some of its rows, and says so
    minimum, count = limits["min_members"], len(members)
    if count < minimum:
        yield "team.members", f"专家团成员不少于{minimum}人（当前{count}人）"
    ratio = limits["senior_ratio"]
    senior = sum(1 for m in members if m["title_level"] in c.SENIOR_TITLE_LEVELS)
    if senior < ratio * count:
        yield "team.members", (f"副高及以上职称比例不低于{fmt_number(ratio * 100)}%"
                               f"（当前{_percent(senior, count)}%）")
    leads, required = lead_rows(members), limits["lead_title_level"]
    if len(leads) == 1:  # else the schema's one_lead_in_first_row reports it
        row = leads[0]
        level = members[row]["title_level"]
        if not _at_least(level, required):
            yield (f"team.members.{row}.title_level",
                   f"领衔专家应具备{required}及以上职称（当前{level}）")


# 专家团 grant: review and after ------------------------------------------------------------

@rule(gf.FormalReviewSchema, needs=("prior_returns",))
def returned_only_once(payload: dict, ctx: dict) -> Found:
    if payload["formal_review_outcome"] == "returned" and ctx["prior_returns"] >= 1:
        yield "formal_review_outcome", "每项申报仅可退回补正一次，请选择受理或不予受理"


@rule(gf.ReviewerAssignmentSchema, needs=("min_reviewers", "eligible_reviewer_ids"))
def reviewers_enough_and_eligible(payload: dict, ctx: dict) -> Found:
    reviewers, minimum = payload["reviewers"], ctx["min_reviewers"]
    count = payload.get("draw_count")
    if count is not None:
        yield from _draw_possible(reviewers, count, minimum, len(ctx["eligible_reviewer_ids"]))
        return
    if len(reviewers) < minimum:
        yield "reviewers", f"评审专家不少于{minimum}名（当前{len(reviewers)}名）"
    for index, user_id in enumerate(reviewers):
        if user_id not in ctx["eligible_reviewer_ids"]:
            yield (f"reviewers.{index}", f"「评审专家」用户编号{user_id}不在可选评审专家中"
                                         "（非本次评审专家或存在利益冲突）")


def _draw_possible(reviewers: list, count: int, minimum: int, pool_size: int) -> Found:
    """随机抽取: no hand-picked experts besides; at least the minimum, at most the pool."""
    if reviewers:
        yield "reviewers", "随机抽取时不勾选评审专家（或清空「随机抽取人数」改为逐一选择）"
    if count < minimum:
        yield "draw_count", f"「随机抽取人数」不少于{minimum}名（当前{count}名）"
    elif count > pool_size:
        yield "draw_count", f"「随机抽取人数」不能多于无利益冲突的专家人数{pool_size}名（当前{count}名）"


@rule(gf.ReviewScoreSchema, needs=("criteria",), partial=True)
def scores_match_criteria(payload: dict, ctx: dict) -> Found:
    scores = payload.get("scores")
    if not isinstance(scores, dict):
        return  # the schema refused the scores, and says so
    known = {criterion["code"] for criterion in ctx["criteria"]}
    for code in scores:
        if code not in known:
            yield f"scores.{code}", f"「评分」中的“{code}”不是本次评审标准"
    for criterion in ctx["criteria"]:
        code, label, top = criterion["code"], criterion["label"], Decimal(str(criterion["max"]))
        if code not in scores:
            yield f"scores.{code}", f"「{label}」未评分"
        elif scores[code] > top:
            yield (f"scores.{code}", f"「{label}」满分{fmt_number(top)}分，不能超过{fmt_number(top)}分"
                                     f"（当前{fmt_number(scores[code])}分）")


def _score_named(path: str, message: str, ctx: dict) -> tuple[str, str]:
    """「评分」不能小于0 on "scores.<code>.value" → 「<criterion>」不能小于0 on "scores.<code>"."""
    parts = path.split(".")
    if parts[0] != "scores" or len(parts) < 2:
        return path, message
    names = {criterion["code"]: criterion["label"] for criterion in ctx.get("criteria") or ()}
    label = names.get(parts[1])
    if label is None:
        return path, message
    message = message.replace("「评分」中的一项", f"「{label}」").replace("「评分」", f"「{label}」")
    return f"scores.{parts[1]}", message


RELABELS[gf.ReviewScoreSchema] = _score_named


def amount_must_equal(schema: type, key: str, what: str) -> None:
    """Register: amount_wan equals context[key] (``what`` names the amount expected)."""
    label = field_label(schema, "amount_wan")

    @rule(schema, needs=(key,))
    def amount_equals(payload: dict, ctx: dict) -> Found:
        expected = Decimal(str(ctx[key]))
        if payload["amount_wan"] != expected:
            yield "amount_wan", (f"「{label}」应等于{what}{wan(expected)}"
                                 f"（当前{wan(payload['amount_wan'])}）")


amount_must_equal(gf.ApprovalNoticeSchema, "award_amount_wan", "每项资助金额")
amount_must_equal(gf.FundingSchema, "award_amount_wan", "每项资助金额")
amount_must_equal(gf.RefundSchema, "refund_due_wan", "全额退还的应退金额")


EVALUATIONS = (gf.EvaluationSchema, gf.ReducibleEvaluationSchema)


def evaluation_passed(payload: dict, ctx: dict) -> bool:
    """绩效评估's pass/fail: the actuals (context ``kpi_actuals``) against the call's targets
    (``kpi_targets``) as this evaluation reduces them, if it may."""
    return evaluate_kpis(ctx["kpi_targets"], ctx["kpi_actuals"], payload.get("kpi_reductions"))[0]


@rule(*EVALUATIONS, needs=("kpi_targets", "kpi_actuals"))
def excellent_only_when_passed(payload: dict, ctx: dict) -> Found:
    if payload["excellent"] and not evaluation_passed(payload, ctx):
        yield "excellent", "绩效指标未全部完成、评估不合格，不能「评为优秀」"


@rule(gf.ReducibleEvaluationSchema, needs=("kpi_targets",))
def reductions_within_targets(payload: dict, ctx: dict) -> Found:
    """抵减 lowers a target of the call (never raises one) and says why: the 重大技术转移转化."""
    rows = {row["code"]: row for row in ctx["kpi_targets"]}
    for code, value in payload["kpi_reductions"].items():
        row = rows.get(code)
        if row is None:
            yield f"kpi_reductions.{code}", "「抵减后的绩效目标」中有一项不是本申报指南的绩效指标"
            continue
        target, unit = Decimal(str(row["target"])), row["unit"]
        if value > target:
            yield (f"kpi_reductions.{code}",
                   f"「{row['label']}」抵减后的目标不得高于申报指南要求的{fmt_number(target)}{unit}"
                   f"（当前{fmt_number(value)}{unit}）")
    if reduced_targets(ctx["kpi_targets"], payload["kpi_reductions"]) \
            and not payload.get("reduction_reason"):
        label = field_label(gf.ReducibleEvaluationSchema, "reduction_reason")
        yield "reduction_reason", f"抵减绩效目标时须填写「{label}」"


@rule(gf.KpiEntrySchema, needs=("kpi_codes",))
def kpi_code_of_call(payload: dict, ctx: dict) -> Found:
    if payload["kpi_code"] not in ctx["kpi_codes"]:
        yield "kpi_code", f"「绩效指标」“{payload['kpi_code']}”不是本指南的绩效指标"


@rule(gf.KpiEntrySchema, needs=("platform_confirmation",))
def platform_confirmed(payload: dict, ctx: dict) -> Found:
    """seed 001: 以上所述任务完成情况须经“科创中国”平台确认 — its calls' entries carry the
    confirmation; other calls' entries have none to carry."""
    label, given = gf.PLATFORM_REF_LABEL, payload.get("platform_ref")
    if ctx["platform_confirmation"] and not given:
        yield "platform_ref", f"「{label}」为必填项：任务完成情况须经“科创中国”平台确认"
    elif given and not ctx["platform_confirmation"]:
        yield "platform_ref", f"本项目的绩效数据不经“科创中国”平台确认，不填写「{label}」"


def _kpi_row(ctx: dict, code: str) -> dict | None:
    return next((row for row in ctx["kpi_targets"] if row["code"] == code), None)


@rule(gf.KpiEntrySchema, needs=("kpi_targets",))
def written_deliverable_long_enough(payload: dict, ctx: dict) -> Found:
    """A KPI row with ``min_words`` (seed 001 智库报告: 每篇不少于5000字) is entered one piece
    at a time, with its 字数."""
    row = _kpi_row(ctx, payload["kpi_code"])
    if row is None or not row.get("min_words"):
        return
    label, unit, words = gf.WORD_COUNT_LABEL, row["unit"], payload.get("word_count")
    rule_text = f"{row['label']}每{unit}不少于{int(row['min_words'])}字"
    if words is None:
        yield "word_count", f"「{label}」为必填项：{rule_text}"
    elif not entry_counts(row, words):
        yield "word_count", f"「{label}」不足：{rule_text}（当前{words}字）"
    if payload["quantity"] != 1:
        yield "quantity", (f"「数量」应为1：{row['label']}逐{unit}填报、逐{unit}核对字数"
                           f"（当前{fmt_number(payload['quantity'])}）")
