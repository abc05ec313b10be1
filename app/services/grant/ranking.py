"""排序与公示: rank a call's reviewed applications, promote a reserve, release the reserves."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from workflows import engine
from workflows.dates import deadline_iso
from workflows.ranking import Candidate, Explanation, expert_breakdown, explain_ranking

from ...extensions import db
from ...models import GrantApplication, GrantCall, ProcessInstance, Task, User
from ..shared.access import check_holds
from ..shared.common import get_or_404
from ..shared.errors import Conflict, InvalidInput
from ..steps.instances import deliver_message
from ..steps.saving import load_workflow
from ..shared.unit_of_work import transaction
from .applications import application_of, priority_points
from ..shared.holidays import working_days_from_today

STEPS_BEFORE_RANKING = ("declare_eligibility", "submit_application", "formal_review",
                        "assign_reviewers", "review_application")


def publish_ranking(call_id: int, objective_scores: dict[int, str], user: User) -> list[GrantApplication]:
    """The officer enters the platform's objective scores; every reviewed application is ranked
    and told its result (funded → 公示, reserve → 候补, not funded → ends) in one transaction.
    A second publication racing the first finds nothing waiting (Conflict, 409)."""
    with transaction():
        call, waiting, explained = _explain(call_id, objective_scores, user, lock=True)
        by_id = {a.id: (a, w) for a, w in waiting}
        for row in explained:
            application, workflow = by_id[row.application_id]
            _apply_ranking(application, workflow, row, call, user)
    return [by_id[row.application_id][0] for row in explained]


def preview_ranking(call_id: int, objective_scores: dict[int, str], user: User
                    ) -> list[Explanation]:
    """预览: the ranking ``publish_ranking`` would publish with these scores; nothing is saved."""
    try:
        return _explain(call_id, objective_scores, user)[2]
    finally:
        db.session.rollback()


def _explain(call_id: int, objective_scores: dict, user: User, lock: bool = False):
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    check_holds(user, "grant_officer", call.managing_org_id, "发布该项目的评审排序")
    if lock:  # a concurrent publication waits here, then finds nothing waiting
        db.session.execute(sa.select(GrantCall.id).where(GrantCall.id == call.id).with_for_update())
    check_reviews_finished(call)
    waiting = waiting_for(call, "ranking_published")
    if not waiting:
        raise Conflict("没有待排序的申报（排序可能已由他人发布，请刷新页面）")
    scores = _parse_scores(objective_scores, waiting)
    breakdowns = {a.id: breakdown_of(w, call) for a, w in waiting}
    candidates = [_candidate(a, breakdowns[a.id].score, scores[a.id]) for a, _ in waiting]
    explained = explain_ranking(candidates, breakdowns, call.objective_weight, call.awards_count,
                                call.reserve_count, already_ranked=_already_ranked(call))
    return call, waiting, explained


def _already_ranked(call: GrantCall) -> int:
    """How many applications of the call an earlier publication ranked: a later one (late
    applications) ranks after them, so the award and reserve places are never handed out twice."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(GrantApplication).where(
        GrantApplication.call_id == call.id, GrantApplication.rank.is_not(None)))


def check_reviews_finished(call: GrantCall) -> None:
    pending = db.session.scalar(sa.select(sa.func.count()).select_from(Task).join(
        GrantApplication, GrantApplication.instance_id == Task.instance_id).where(
        GrantApplication.call_id == call.id, Task.task_name.in_(STEPS_BEFORE_RANKING)))
    if pending:
        raise Conflict(f"尚有{pending}项申报的审查或评审未完成，不能发布排序")


def waiting_for(call: GrantCall, message: str) -> list[tuple[GrantApplication, object]]:
    """Running applications of the call whose process waits for ``message``, in submission order."""
    applications = db.session.scalars(
        sa.select(GrantApplication).join(ProcessInstance, GrantApplication.instance_id == ProcessInstance.id)
        .where(GrantApplication.call_id == call.id, ProcessInstance.status == "running")
        .options(contains_eager(GrantApplication.instance))
        .order_by(GrantApplication.submitted_at, GrantApplication.id))
    pairs = [(a, load_workflow(a.instance)) for a in applications]
    return [(a, w) for a, w in pairs if engine.waits_for_message(w, message)]


def _parse_scores(raw: dict, waiting) -> dict[int, Decimal]:
    scores, errors = {}, {}
    for application, _ in waiting:
        value = raw.get(application.id, raw.get(str(application.id)))
        try:
            score = Decimal(str(value))
            if not Decimal(0) <= score <= Decimal(100):
                raise InvalidOperation
            scores[application.id] = score
        except (InvalidOperation, ValueError):
            errors[f"objective_scores.{application.id}"] = [
                f"「{application.title}」的平台客观分值应为0到100之间的数字"]
    if errors:
        raise InvalidInput(errors)
    return scores


def _candidate(application, expert: Decimal, objective: Decimal) -> Candidate:
    order = int(application.submitted_at.timestamp()) if application.submitted_at else application.id
    return Candidate(application.id, expert, objective, order,
                     priority_points(application.call, application.society_org_id))


def reviews_of(workflow) -> list[dict]:
    """The reviews in process data ({"reviewer": user id, "total": …}), in the reviewers' order."""
    reviews = engine.process_data(workflow).get("reviews") or []
    return list(reviews.values()) if isinstance(reviews, dict) else list(reviews)


def breakdown_of(workflow, call: GrantCall):
    """The expert score from the reviews themselves, in Decimal, by the call's rule (plain or
    trimmed mean; the script's ``expert_score`` is a float plain mean)."""
    reviews = reviews_of(workflow)
    if not reviews:
        score = engine.process_data(workflow)["expert_score"]
        return expert_breakdown([score], call.trim_from_reviewers)
    return expert_breakdown([r["total"] for r in reviews], call.trim_from_reviewers)


def publicity_ends(call: GrantCall) -> str:
    """The publicity period ends N working days (工作日: weekends and 法定节假日 skipped, 调休
    workdays counted, as in the ``holidays`` table) after today (Shanghai calendar)."""
    return deadline_iso(working_days_from_today(call.publicity_working_days))


def _apply_ranking(application, workflow, row: Explanation, call, user) -> None:
    application.expert_score = row.expert.score
    application.objective_score, application.combined_score = row.objective_score, row.combined_score
    application.rank, application.ranking_result = row.rank, row.result
    deliver_message(application.instance, "ranking_published", {
        "result": row.result, "rank": row.rank, "combined_score": str(row.combined_score),
        "publicity_ends_at": publicity_ends(call)}, user, workflow)


def promote_next_reserve(instance, result, user) -> None:
    """An upheld objection frees a place: the best-ranked waiting reserve moves up (递补)."""
    if result.payload["publicity_outcome"] != "objection_upheld":
        return
    call = application_of(instance).call
    reserves = sorted(waiting_for(call, "reserve_promoted"), key=lambda pair: pair[0].rank)
    if reserves:
        application, workflow = reserves[0]
        application.ranking_result = "funded"
        deliver_message(application.instance, "reserve_promoted", {
            "result": "funded", "rank": application.rank,
            "combined_score": str(application.combined_score),
            "publicity_ends_at": publicity_ends(call)}, user, workflow)


def release_reserves(call_id: int, user: User) -> int:
    """Close the reserve list once the funded teams are settled; the reserves end 未立项."""
    with transaction():
        call = get_or_404(GrantCall, call_id, "申报项目不存在")
        check_holds(user, "grant_officer", call.managing_org_id, "关闭候补名单")
        reserves = waiting_for(call, "reserve_promoted")
        for application, workflow in reserves:
            application.ranking_result = "not_funded"
            deliver_message(application.instance, "reserve_released", {}, user, workflow)
    return len(reserves)

