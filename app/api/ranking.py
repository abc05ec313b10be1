"""排序与立项: the grant officer's calls to rank, a call's ranking board (reviewed applications
waiting, the published ranking with cut line, reserves and tie reasons in words), 预览 with the
platform's objective scores, 发布 and 关闭候补名单 — the services of the page (/calls/<id>/ranking).
One application's 评审得分构成 is /instances/{id}/score (another area)."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms.base import FormSchema
from forms.validators import fmt_number

from ..services.grant import ranking as service
from ..services.grant import ranking_page as pages
from .problems import refusals
from . import PREFIX, idempotency

blp = Blueprint("api_ranking", __name__, url_prefix=PREFIX,
                description="排序与立项：评审排序预览、发布与候补名单")


class RankingScoresArgs(FormSchema):
    objective_scores = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True, metadata={
        "label": "平台客观分",
        "description": "每项待排序申报的平台客观分（0–100）：{\"申报编号\": \"90\"}；"
                       "无效的分值按字段 objective_scores.<申报编号> 列出（422）"})


class RankingReviewerSchema(Schema):
    reviewer = fields.String(required=True, metadata={"description": "评审专家（项目管理员看到姓名）"})
    total = fields.String(required=True, metadata={"description": "总分"})
    dropped = fields.Boolean(required=True, metadata={"description": "去掉的最高分或最低分"})


class RankingCallRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    awards_count = fields.Integer(required=True, metadata={"description": "立项数（立项线）"})
    reserve_count = fields.Integer(required=True, metadata={"description": "候补数"})
    objective_weight = fields.String(required=True, metadata={"description": "平台客观分权重"})


class RankingOfficerCallSchema(RankingCallRefSchema):
    ranked = fields.Integer(required=True, metadata={"description": "已排序的申报数"})
    applications = fields.Integer(required=True, metadata={"description": "申报总数"})


class RankingWaitingSchema(Schema):
    application_id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    title = fields.String(required=True)
    society = fields.String(required=True, metadata={"description": "申报学会"})
    reviewers = fields.List(fields.Nested(RankingReviewerSchema), required=True)
    expert_score = fields.String(required=True, metadata={"description": "专家评分"})


class RankingLineSchema(RankingWaitingSchema):
    expert_rule = fields.String(required=True, metadata={"description": "专家评分的算法（文字）"})
    objective_score = fields.String(required=True, metadata={"description": "平台客观分"})
    objective_weight = fields.String(required=True)
    combined_score = fields.String(required=True, metadata={"description": "综合得分"})
    rank = fields.Integer(required=True, metadata={"description": "名次"})
    result = fields.String(required=True, metadata={"description": "funded / reserve / not_funded"})
    result_label = fields.String(required=True, metadata={"description": "拟立项 / 候补 / 未立项"})
    tie_break = fields.String(required=True, metadata={"description": "同分时的先后（文字；无同分为空）"})
    tie_rule = fields.String(required=True)
    above_cut_line = fields.Boolean(required=True, metadata={"description": "在立项线以上（拟立项）"})


class RankingBoardSchema(Schema):
    call = fields.Nested(RankingCallRefSchema, required=True)
    pending_reviews = fields.String(required=True, allow_none=True, metadata={
        "description": "尚不能发布的原因（审查或评审未完成）；可发布时为 null"})
    tie_rule = fields.String(required=True, metadata={"description": "同分规则"})
    waiting = fields.List(fields.Nested(RankingWaitingSchema), required=True, metadata={"description": "待排序的申报"})
    published = fields.List(fields.Nested(RankingLineSchema), required=True, metadata={"description": "已发布的排序"})
    reserves = fields.List(fields.Nested(RankingLineSchema), required=True, metadata={
        "description": "候补名单（已发布、仍在候补的申报）"})


class RankingPreviewSchema(Schema):
    message = fields.String(required=True)
    cut_line = fields.Integer(required=True, metadata={"description": "立项线：前N项拟立项"})
    lines = fields.List(fields.Nested(RankingLineSchema), required=True)


class RankingReleasedSchema(Schema):
    message = fields.String(required=True)
    released = fields.Integer(required=True, metadata={"description": "未立项的候补申报数"})


def call_json(call) -> dict:
    return {"id": call.id, "name": call.name, "year": call.year, "awards_count": call.awards_count,
            "reserve_count": call.reserve_count, "objective_weight": fmt_number(call.objective_weight)}


def _reviewers(rows) -> list[dict]:
    return [{"reviewer": who, "total": fmt_number(total), "dropped": dropped} for who, total, dropped in rows]


def line_json(line: pages.ScoreLine) -> dict:
    application = line.application
    body = pages.score_line_json(line)  # its "result" is the label
    return {**body, "application_id": application.id, "instance_id": application.instance_id,
            "title": application.title, "society": line.society,
            "result": line.explanation.result, "result_label": line.result_label,
            "above_cut_line": line.explanation.result == "funded"}


@blp.get("/ranking")
@blp.doc(summary="本人负责排序的申报指南（项目管理员），由新到旧")
@blp.response(200, RankingOfficerCallSchema(many=True))
def calls():
    return [{**call_json(call), "ranked": ranked, "applications": total}
            for call, ranked, total in pages.officer_calls(current_user)]


@blp.get("/calls/<int:call_id>/ranking")
@blp.doc(summary="评审排序：待排序的申报、已发布的排序与候补名单",
         description="仅该申报指南的项目管理员（否则 403，同网页）。")
@blp.response(200, RankingBoardSchema)
@refusals(blp, 403, 404)
def board(call_id: int):
    page = pages.ranking_page(call_id, current_user)
    published = [line_json(line) for line in page.published]
    reserves = service.waiting_for(page.call, "reserve_promoted")
    waiting_reserve = {application.id for application, _ in reserves}
    return {"call": call_json(page.call), "pending_reviews": page.pending_reviews,
            "tie_rule": page.tie_rule,
            "waiting": [{"application_id": row.application.id,
                         "instance_id": row.application.instance_id,
                         "title": row.application.title, "society": row.society,
                         "reviewers": _reviewers(row.reviewers),
                         "expert_score": fmt_number(row.expert_score)} for row in page.waiting],
            "published": published,
            "reserves": [line for line in published if line["application_id"] in waiting_reserve]}


@blp.post("/calls/<int:call_id>/ranking/platform-scores")
@blp.doc(summary="录入平台客观分并预览排序（不保存）",
         description="返回按这些分值将发布的排序：名次、综合得分、立项线与候补、同分时的先后（文字）。"
                     "分值无效 422（逐项列出），评审未完成或没有待排序的申报 409。")
@blp.arguments(RankingScoresArgs)
@blp.response(200, RankingPreviewSchema)
@refusals(blp, 403, 404, 409, 422)
def preview(args, call_id: int):
    explained = service.preview_ranking(call_id, args["objective_scores"], current_user)
    page = pages.ranking_page(call_id, current_user)
    lines = pages.preview_lines(page.call, explained)
    return {"message": f"排序预览（尚未发布），共{len(lines)}项申报", "cut_line": page.call.awards_count,
            "lines": [line_json(line) for line in lines]}


@blp.post("/calls/<int:call_id>/ranking/publish")
@idempotency.idempotent
@blp.doc(parameters=[idempotency.HEADER_DOC])
@blp.doc(summary="发布排序（拟立项进入公示，候补等待递补，其余未立项）",
         description="与预览同样的分值；已由他人发布时 409（“没有待排序的申报”），分值无效 422，均不做任何改动。")
@blp.arguments(RankingScoresArgs)
@blp.response(200, RankingPreviewSchema)
@refusals(blp, 403, 404, 409, 422)
def publish(args, call_id: int):
    published = service.publish_ranking(call_id, args["objective_scores"], current_user)
    call = pages.ranking_page(call_id, current_user).call
    ids = {application.id for application in published}
    lines = [line_json(line) for line in pages.published_lines(call, named=True)
             if line.application.id in ids]
    return {"message": f"排序已发布，共{len(published)}项申报", "cut_line": call.awards_count,
            "lines": lines}


@blp.post("/calls/<int:call_id>/ranking/close-reserve")
@blp.doc(summary="关闭候补名单（仍在候补的申报未立项）")
@blp.response(200, RankingReleasedSchema)
@refusals(blp, 403, 404, 409)
def close_reserve(call_id: int):
    count = service.release_reserves(call_id, current_user)
    return {"message": f"候补名单已关闭，{count}项候补申报未立项", "released": count}
