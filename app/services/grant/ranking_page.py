"""排序与立项 and 评审得分构成: what the officer's ranking page and an application's page show of
the score rule — reviewer totals, the dropped ones, the means, weights, rank and tie-break."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from forms.validators import fmt_number
from workflows.ranking import (RESULT_LABELS, TIE_RULE_TEXT, Candidate, Explanation,
                               expert_breakdown, tie_rule, tie_sentence)

from ...extensions import db
from ...models import AuditEvent, GrantApplication, GrantCall, Org, User
from ..shared.access import check_holds
from ..shared.common import get_or_404
from .applications import priority_points_of
from ..shared.errors import Conflict, NotFound
from ..shared.visibility import visible_instance
from .ranking import check_reviews_finished, waiting_for, breakdown_of, reviews_of


@dataclass(frozen=True)
class ScoreLine:
    """One application's 评审得分构成."""
    application: GrantApplication
    reviewers: list[tuple[str, Decimal, bool]]  # (who, total, dropped from the mean)
    explanation: Explanation
    tie_text: str
    society: str

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.explanation.result]

    @property
    def mean_text(self) -> str:
        e = self.explanation.expert
        if not e.dropped:
            return f"{len(e.totals)}名专家评分的平均分"
        high, low = (e.totals[i] for i in e.dropped)
        return (f"{len(e.totals)}名专家评分去掉一个最高分{_n(high)}和一个最低分{_n(low)}后，"
                f"其余{len(e.totals) - 2}名的平均分")

    @property
    def weight_text(self) -> str:
        w = self.explanation.objective_weight
        return (f"专家评分{_n(self.explanation.expert.score)}×{_n(1 - w)} + "
                f"平台客观分{_n(self.explanation.objective_score)}×{_n(w)}")


@dataclass(frozen=True)
class WaitingRow:
    application: GrantApplication
    reviewers: list[tuple[str, Decimal, bool]]
    expert_score: Decimal

    @property
    def society(self) -> str:
        return society_name(self.application)


def society_name(application: GrantApplication) -> str:
    return db.session.get(Org, application.society_org_id).name


@dataclass(frozen=True)
class RankingPage:
    call: GrantCall
    waiting: list[WaitingRow]
    published: list[ScoreLine]
    pending_reviews: str | None  # why publishing is not possible yet
    tie_rule: str = TIE_RULE_TEXT


def _n(value) -> str:
    return fmt_number(Decimal(value))


def officer_calls(user: User) -> list[tuple[GrantCall, int, int]]:
    """The grant calls ``user`` ranks (grant officer of the managing org), newest first, each
    with (reviewed applications ranked, applications of the call)."""
    orgs = [r.org_id for r in user.roles if r.role == "grant_officer"]
    ranked = sa.func.count(GrantApplication.rank)
    rows = db.session.execute(
        sa.select(GrantCall, ranked, sa.func.count(GrantApplication.id))
        .outerjoin(GrantApplication, GrantApplication.call_id == GrantCall.id)
        .where(GrantCall.managing_org_id.in_(orgs)).group_by(GrantCall.id)
        .order_by(GrantCall.year.desc(), GrantCall.id.desc()))
    return [tuple(row) for row in rows]


def ranking_page(call_id: int, user: User) -> RankingPage:
    call = get_or_404(GrantCall, call_id, "申报项目不存在")
    check_holds(user, "grant_officer", call.managing_org_id, "查看该项目的评审排序")
    waiting = []
    for application, workflow in waiting_for(call, "ranking_published"):
        breakdown = breakdown_of(workflow, call)
        waiting.append(WaitingRow(application, _reviewers(workflow, breakdown, True),
                                  breakdown.score))
    try:
        check_reviews_finished(call)
        pending = None
    except Conflict as refused:
        pending = refused.message
    return RankingPage(call, waiting, published_lines(call, named=True), pending)


def preview_lines(call: GrantCall, explained: list[Explanation]) -> list[ScoreLine]:
    """The 预览 rows, named for the officer."""
    applications = {a.id: (a, w) for a, w in waiting_for(call, "ranking_published")}
    titles = {i: society_name(a) for i, (a, _) in applications.items()}
    return [ScoreLine(applications[e.application_id][0],
                      _reviewers(applications[e.application_id][1], e.expert, True), e,
                      tie_sentence(e.tie, titles.get(e.tie[1], "")) if e.tie else "",
                      titles[e.application_id])
            for e in explained]


def published_lines(call: GrantCall, named: bool) -> list[ScoreLine]:
    ranked = list(db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.call_id == call.id, GrantApplication.rank.is_not(None))
        .order_by(GrantApplication.rank)))
    facts = _Facts(call, ranked, named)
    return [_published_line(ranked, index, facts) for index in range(len(ranked))]


def application_score_line(application: GrantApplication, user: User) -> ScoreLine | None:
    """评审得分构成 of a ranked application (None before the ranking is published); reviewers
    are named to the call's grant officer, 专家1…N to anyone else."""
    if application.rank is None:
        return None
    call = application.call
    named = user.holds("grant_officer", call.managing_org_id)
    neighbours = list(db.session.scalars(sa.select(GrantApplication).where(
        GrantApplication.call_id == call.id,
        GrantApplication.rank.between(application.rank - 1, application.rank + 1))
        .order_by(GrantApplication.rank)))
    facts = _Facts(call, neighbours, named)
    return _published_line(neighbours, neighbours.index(application), facts)


def score_line_json(line: ScoreLine) -> dict:
    """The same data as the page, for the JSON view."""
    e = line.explanation
    return {"reviewers": [{"reviewer": who, "total": _n(total), "dropped": dropped}
                          for who, total, dropped in line.reviewers],
            "expert_score": _n(e.expert.score), "expert_rule": line.mean_text,
            "objective_score": _n(e.objective_score), "objective_weight": _n(e.objective_weight),
            "combined_score": _n(e.combined_score), "rank": e.rank, "result": line.result_label,
            "tie_break": line.tie_text, "tie_rule": TIE_RULE_TEXT}


class _Facts:
    """What the published lines read, in a few queries for all of them: the reviews (from the
    audit of 专家评审, not the workflows), the societies, their priority points, the names."""

    def __init__(self, call: GrantCall, applications: list[GrantApplication], named: bool):
        self.call, self.named = call, named
        self.reviews = reviews_by_instance([a.instance_id for a in applications])
        society_ids = {a.society_org_id for a in applications}
        self.societies = dict(db.session.execute(
            sa.select(Org.id, Org.name).where(Org.id.in_(society_ids))).all())
        self.points = priority_points_of(call, society_ids)
        reviewer_ids = {r.get("reviewer") for rs in self.reviews.values() for r in rs}
        self.names = _names(list(reviewer_ids)) if named else {}

    def candidate(self, application: GrantApplication) -> Candidate:
        order = (int(application.submitted_at.timestamp()) if application.submitted_at
                 else application.id)
        return Candidate(application.id, application.expert_score, application.objective_score,
                         order, self.points[application.society_org_id])


def reviews_by_instance(instance_ids: list[int]) -> dict[int, list[dict]]:
    """Each instance's reviews ({"reviewer", "total"}) in the order they were completed."""
    rows = db.session.execute(sa.select(AuditEvent.instance_id, AuditEvent.data).where(
        AuditEvent.instance_id.in_(instance_ids), AuditEvent.task_name == "review_application",
        AuditEvent.kind == "completed").order_by(AuditEvent.id))
    reviews: dict[int, list[dict]] = {i: [] for i in instance_ids}
    for instance_id, data in rows:
        reviews[instance_id].append(data["process_data"]["review"])
    return reviews


def _published_line(ranked: list[GrantApplication], index: int, facts: _Facts) -> ScoreLine:
    application, call = ranked[index], facts.call
    reviews = facts.reviews[application.instance_id]
    breakdown = expert_breakdown([r["total"] for r in reviews] or [application.expert_score],
                                 call.trim_from_reviewers)
    me = facts.candidate(application)
    tie, neighbour = None, None
    for other_index, ahead in ((index + 1, True), (index - 1, False)):
        if 0 <= other_index < len(ranked):
            other = ranked[other_index]
            rule = tie_rule(application.combined_score, me, other.combined_score,
                            facts.candidate(other))
            if rule:
                tie, neighbour = (rule, other.id, ahead), other
                break
    explanation = Explanation(application.id, breakdown, application.objective_score,
                              Decimal(call.objective_weight), me.priority_points,
                              application.combined_score, application.rank,
                              application.ranking_result, tie)
    return ScoreLine(application, _named(reviews, breakdown, facts.names, facts.named),
                     explanation,
                     tie_sentence(tie, facts.societies[neighbour.society_org_id]) if neighbour else "",
                     facts.societies[application.society_org_id])


def _reviewers(workflow, breakdown, named: bool) -> list[tuple[str, Decimal, bool]]:
    reviews = reviews_of(workflow)
    names = _names([r.get("reviewer") for r in reviews]) if named else {}
    return _named(reviews, breakdown, names, named)


def _named(reviews, breakdown, names: dict, named: bool) -> list[tuple[str, Decimal, bool]]:
    """(who, total, dropped) per review: the name for the officer, else 专家1…N."""
    return [((names.get(r.get("reviewer")) if named else None) or f"专家{i + 1}",
             breakdown.totals[i], i in breakdown.dropped) for i, r in enumerate(reviews)]


def _names(user_ids: list) -> dict:
    return dict(db.session.execute(sa.select(User.id, User.display_name)
                                   .where(User.id.in_([i for i in user_ids if i]))).all())




def published_score(instance_id: int, user: User) -> ScoreLine:
    """评审得分构成 of a visible instance, once its ranking is published (else NotFound)."""
    line = instance_score_line(visible_instance(instance_id, user), user)
    if line is None:
        raise NotFound("该申报尚未发布排序")
    return line


def instance_score_line(instance, user: User) -> ScoreLine | None:
    """For the instance page (already visible to ``user``): its application's 评审得分构成."""
    application = getattr(instance, "application", None)
    return application_score_line(application, user) if application is not None else None
