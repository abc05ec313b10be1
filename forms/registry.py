"""Which schema serves which user task, and load_task_form: validate → rules → process data."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from marshmallow import ValidationError

from forms import application_form as af
from forms import call_forms as cf
from forms import grant_forms as gf
from forms import people_forms as people
from forms import project_forms as pf
from forms import start_forms as sf
from forms.base import FormSchema
from forms.errors import FormValidationError
from forms.rules import required_keys, run_rules

TASK_FORMS: dict[str, type[FormSchema]] = {
    # kechuang_project
    "submit_project": pf.ProjectSubmissionSchema,
    "check_exclusions": pf.ExclusionCheckSchema,
    "recommend_project": pf.RecommendationSchema,
    "select_project": pf.SelectionSchema,
    "pitch_project": pf.PitchSchema,
    "sign_project": pf.SigningSchema,
    "follow_up_project": pf.FollowUpClosingSchema,
    # expert_team_grant
    "declare_eligibility": gf.EligibilityDeclarationSchema,
    "submit_application": af.ApplicationFormSchema,
    "formal_review": gf.FormalReviewSchema,
    "assign_reviewers": gf.ReviewerAssignmentSchema,
    "review_application": gf.ReviewScoreSchema,
    "conclude_publicity": gf.PublicityConclusionSchema,
    "issue_approval": gf.ApprovalNoticeSchema,
    "sign_agreement": gf.AgreementSchema,
    "disburse_funds": gf.FundingSchema,
    "midterm_check": gf.MidtermCheckSchema,
    "evaluate_performance": gf.EvaluationSchema,
    "rectify": gf.RectificationSchema,
    "re_evaluate": gf.ReEvaluationSchema,
    "refund": gf.RefundSchema,
}

# Forms that are not user tasks: rows recorded along the way, and calls created by an admin.
DATA_FORMS: dict[str, type[FormSchema]] = {
    "follow_up_record": pf.FollowUpRecordSchema,
    "kpi_entry": gf.KpiEntrySchema,
    "conference_edition": cf.ConferenceEditionSchema,
    "grant_call": cf.GrantCallSchema,
    # accounts administration (app/services/people.py)
    "new_user": people.NewUserSchema,
    "password_reset": people.PasswordResetSchema,
    "role_assignment": people.RoleAssignmentSchema,
    "new_org": people.NewOrgSchema,
    # start pages (app/views/start.py)
    "project_start": sf.ProjectStartSchema,
}

ProcessData = Callable[[dict, dict], dict]


@dataclass(frozen=True)
class ProcessDataSpec:
    """What a task writes to process data (docs/processes.md): payload keys copied as they
    are, plus values ``derived`` from the payload and the context (``context_keys``)."""
    keys: tuple[str, ...] = ()
    derived: ProcessData | None = None
    context_keys: tuple[str, ...] = ()


def _review(payload: dict, ctx: dict) -> dict:
    # Process data is plain JSON: the total goes in as a float (the payload keeps the Decimal).
    return {"review": {"reviewer": ctx["reviewer_id"], "total": round(float(payload["total"]), 2)}}


def _evaluation(payload: dict, ctx: dict) -> dict:
    return {"evaluation_passed": bool(ctx["kpi_passed"])}


def _re_evaluation(payload: dict, ctx: dict) -> dict:
    return {"re_evaluation_passed": bool(ctx["kpi_passed"])}


PROCESS_DATA: dict[str, ProcessDataSpec] = {
    "submit_project": ProcessDataSpec(("project_type",)),
    "check_exclusions": ProcessDataSpec(("exclusion_outcome",)),
    "recommend_project": ProcessDataSpec(("recommend_outcome", "intent", "concierge_user_id")),
    "select_project": ProcessDataSpec(("select_outcome", "bucket")),
    "sign_project": ProcessDataSpec(("sign_outcome",)),
    "follow_up_project": ProcessDataSpec(("follow_up_outcome",)),
    "declare_eligibility": ProcessDataSpec(
        ("inspection_previous", "inspection_last", "penalized", "notified")),
    "formal_review": ProcessDataSpec(("formal_review_outcome",)),
    "assign_reviewers": ProcessDataSpec(("reviewers",)),
    "review_application": ProcessDataSpec(derived=_review, context_keys=("reviewer_id",)),
    "conclude_publicity": ProcessDataSpec(("publicity_outcome",)),
    "evaluate_performance": ProcessDataSpec(derived=_evaluation, context_keys=("kpi_passed",)),
    "re_evaluate": ProcessDataSpec(derived=_re_evaluation, context_keys=("kpi_passed",)),
}


@dataclass(frozen=True)
class FormResult:
    """``payload``: the whole validated form (Decimal and date values kept as such);
    ``process_data``: the JSON-ready variables the process needs."""
    payload: dict
    process_data: dict


@cache
def _schema(form_name: str) -> FormSchema:
    return {**TASK_FORMS, **DATA_FORMS}[form_name]()


def load_task_form(task_name: str, raw: dict, context: dict | None = None) -> FormResult:
    """Validate ``raw`` for user task ``task_name``; raises FormValidationError, KeyError
    for an unknown task or a context key the form needs, or ValueError for a malformed
    context value (see forms/rules.py)."""
    if task_name not in TASK_FORMS:
        raise KeyError(f"no form for task {task_name!r}")
    return load_form(task_name, raw, context)


def load_form(form_name: str, raw: dict, context: dict | None = None) -> FormResult:
    """Like load_task_form, for any form of TASK_FORMS or DATA_FORMS."""
    context = context or {}
    spec = PROCESS_DATA.get(form_name, ProcessDataSpec())
    missing = (required_keys(form_name) | set(spec.context_keys)) - set(context)
    if missing:
        raise KeyError(f"form {form_name!r} needs context keys {sorted(missing)}")
    try:
        payload = _schema(form_name).load(raw)
    except ValidationError as error:
        refused = FormValidationError.from_marshmallow(error.messages)
        loaded = error.valid_data if isinstance(error.valid_data, dict) else {}
        for path, messages in run_rules(form_name, loaded, context, partial=True).items():
            refused.errors.setdefault(path, []).extend(messages)
        raise refused from error
    errors = run_rules(form_name, payload, context)
    if errors:
        raise FormValidationError(errors)
    return FormResult(payload, _process_data(spec, payload, context))


def _process_data(spec: ProcessDataSpec, payload: dict, context: dict) -> dict:
    data = {key: copy.deepcopy(payload[key]) for key in spec.keys}
    if spec.derived:
        data.update(spec.derived(payload, context))
    return data
