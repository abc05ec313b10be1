"""评选表扬: the award rounds, a round's 名额分配 and lists, the 科服保姆 ranking (candidates), and
the page's actions — open a round, 推荐 (nominate), 撤回 (withdraw), 确定 (decide) — by role, with
the services of the pages (/awards): 创发部 decides, a 市州科协 / 学会部 its own 科服保姆 only."""
from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from forms.base import FormSchema
from forms.validators import OneOfChoices
from workflows.awards import HONOURS, KINDS, SCORE_ITEMS

from ..services.awards import concierges as people
from ..services.awards import honours, nominations, rounds
from ..services.awards.papers import LISTS
from ..services.awards.access import visible_actor
from ..services.awards.records import visible_ranking
from ..views.awards import list_pdf_response
from .problems import refusals
from . import PREFIX, idempotency
from .files import PDF, file_response

blp = Blueprint("api_awards", __name__, url_prefix=f"{PREFIX}/awards",
                description="评选表扬：百优/十佳“科服保姆”的名额、排名、推荐与确定")


# Arguments ----------------------------------------------------------------------------------

class AwardsOpenArgs(FormSchema):
    edition_id = fields.Integer(required=True, metadata={"label": "科创会届次"})


class AwardsRankingArgs(FormSchema):
    kind = fields.String(validate=OneOfChoices("保姆类别", tuple(KINDS.items())), metadata={
        "label": "保姆类别", "description": "association / professional / society"})


class AwardsNominateArgs(FormSchema):
    user_id = fields.Integer(required=True, metadata={"label": "科服保姆", "description": "科服保姆的用户编号"})
    honour = fields.String(required=True, metadata={
        "label": "名单", "description": "hundred 百优（推荐单位、创发部）/ top_ten 十佳（创发部）"})


class AwardsProjectArgs(FormSchema):
    project_id = fields.Integer(required=True, metadata={"label": "科创项目"})
    reason = fields.String(load_default=None, allow_none=True, metadata={"label": "评定理由"})


class AwardsUnitArgs(FormSchema):
    org_id = fields.Integer(required=True, metadata={"label": "单位"})
    reason = fields.String(load_default=None, allow_none=True, metadata={"label": "评定理由"})


class AwardsKindArgs(FormSchema):
    kind = fields.String(required=True, metadata={
        "label": "保姆类别", "description": "association / professional / society；空字符串恢复为按单位推定"})


# Responses ----------------------------------------------------------------------------------

class AwardsActingSchema(Schema):
    decides = fields.Boolean(required=True, metadata={"description": "省科协创发部：确定名单、十佳"})
    units = fields.List(fields.String(), required=True, metadata={"description": "本人代表推荐的单位代码"})
    experts = fields.Boolean(required=True, metadata={"description": "可评定优质科创项目"})


class AwardsEditionSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class AwardsRoundSchema(Schema):
    id = fields.Integer(required=True)
    edition = fields.Nested(AwardsEditionSchema, required=True)
    data_cutoff = fields.Date(required=True, metadata={"description": "数据截止日"})
    nomination_deadline = fields.Date(required=True, metadata={"description": "推荐报送截止日"})
    issued_on = fields.Date(required=True, allow_none=True, metadata={"description": "名单落款日期"})
    source = fields.String(required=True, metadata={"description": "名额的依据"})


class AwardsIndexSchema(Schema):
    acting = fields.Nested(AwardsActingSchema, required=True)
    rounds = fields.List(fields.Nested(AwardsRoundSchema), required=True)
    unopened_editions = fields.List(fields.Nested(AwardsEditionSchema), required=True, metadata={
        "description": "尚未开启评选的届次（仅创发部看到）"})


class AwardsCellSchema(Schema):
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    nominated = fields.Integer(required=True, metadata={"description": "已推荐百优"})
    places = fields.Integer(required=True, metadata={"description": "分配名额"})


class AwardsUnitRowSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    cells = fields.List(fields.Nested(AwardsCellSchema), required=True)


class AwardsRemainderSchema(Schema):
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    places = fields.Integer(required=True, metadata={"description": "未分配到单位、由创发部补足的名额"})


class AwardsNominationSchema(Schema):
    id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "科服保姆"})
    honour = fields.String(required=True)
    honour_label = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    unit = fields.String(required=True, metadata={"description": "推荐单位（名额所属）"})
    approved = fields.Boolean(required=True, metadata={"description": "已由创发部确定"})
    nominated_at = fields.DateTime(required=True)


class AwardsRoundBoardSchema(AwardsRoundSchema):
    acting = fields.Nested(AwardsActingSchema, required=True)
    allocation = fields.List(fields.Nested(AwardsUnitRowSchema), required=True, metadata={
        "description": "名额分配（推荐单位只看到本单位）"})
    remainder = fields.List(fields.Nested(AwardsRemainderSchema), required=True)
    nominations = fields.List(fields.Nested(AwardsNominationSchema), required=True, metadata={
        "description": "百优与十佳名单（推荐单位看到本单位的与十佳）"})


class AwardsCountSchema(Schema):
    item = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.String(required=True, metadata={"description": "数量（合同金额为万元）"})


class AwardsCandidateSchema(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    unit = fields.String(required=True, metadata={"description": "所属单位（名额所属）"})
    rank = fields.Integer(required=True, metadata={"description": "全省排名"})
    kind_rank = fields.Integer(required=True, metadata={"description": "同类别排名"})
    score = fields.String(required=True, metadata={"description": "服务业绩得分"})
    counts = fields.List(fields.Nested(AwardsCountSchema), required=True)
    listed = fields.String(required=True, allow_none=True, metadata={
        "description": "已列入的名单（hundred / top_ten；未列入为 null）"})


class AwardsRankingSchema(Schema):
    round_id = fields.Integer(required=True)
    candidates = fields.List(fields.Nested(AwardsCandidateSchema), required=True)


class AwardsDoneSchema(Schema):
    message = fields.String(required=True)
    nomination = fields.Nested(AwardsNominationSchema, required=True, allow_none=True)


# JSON ---------------------------------------------------------------------------------------

def acting_json(acting) -> dict:
    return {"decides": acting.decides, "units": sorted(acting.units), "experts": acting.experts}


def edition_json(edition) -> dict:
    return {"id": edition.id, "name": edition.name}


def round_json(award_round) -> dict:
    return {"id": award_round.id, "edition": edition_json(award_round.edition),
            "data_cutoff": award_round.data_cutoff, "nomination_deadline": award_round.nomination_deadline,
            "issued_on": award_round.issued_on, "source": award_round.source}


def nomination_json(row) -> dict:
    return {"id": row.id, "user_id": row.user_id, "name": row.user.display_name,
            "honour": row.honour, "honour_label": HONOURS[row.honour], "kind": row.kind,
            "kind_label": KINDS.get(row.kind, row.kind), "unit": row.unit.name,
            "approved": row.approved, "nominated_at": row.nominated_at}


def _number(value) -> str:
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)


def candidate_json(row, listed: dict) -> dict:
    person = row.concierge
    return {"user_id": person.user.id, "name": person.user.display_name, "kind": person.kind,
            "kind_label": person.kind_label, "unit": person.unit_name, "rank": row.rank,
            "kind_rank": row.kind_rank, "score": _number(row.score),
            "counts": [{"item": item, "label": label, "value": _number(row.counts.get(item, 0))}
                       for item, label in SCORE_ITEMS.items()],
            "listed": listed.get(person.user.id)}


# Routes -------------------------------------------------------------------------------------

@blp.get("")
@blp.doc(summary="评选列表：各届的评选与本人的角色",
         description="仅省科协、市（州）科协及学会部的有关人员（否则 403，同网页）。")
@blp.response(200, AwardsIndexSchema)
@refusals(blp, 403)
def index():
    acting = visible_actor(current_user)
    return {"acting": acting_json(acting), "rounds": [round_json(r) for r in rounds.rounds(current_user)],
            "unopened_editions": [edition_json(e) for e in rounds.unopened_editions()]
            if acting.decides else []}


@blp.post("/open")
@idempotency.idempotent
@blp.doc(parameters=[idempotency.HEADER_DOC])
@blp.doc(summary="开启一届科创会的评选（创发部）", description="已开启 409；非创发部 403。")
@blp.arguments(AwardsOpenArgs)
@blp.response(201, AwardsRoundSchema)
@refusals(blp, 403, 404, 409, 422)
def open_round(args):
    return round_json(rounds.open_round(args["edition_id"], current_user))


@blp.get("/<int:round_id>")
@blp.doc(summary="一届评选：名额分配、百优与十佳名单",
         description="推荐单位只看到本单位的名额与推荐（及十佳名单）；创发部看到全部。")
@blp.response(200, AwardsRoundBoardSchema)
@refusals(blp, 403, 404)
def show(round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    acting = visible_actor(current_user)
    rows = nominations.visible_nominations(round_id, acting)
    allocated = rounds.round_allocation(award_round)
    table = rounds.allocation_rows(award_round, allocated, None if acting.decides else acting.units, rows)
    return {**round_json(award_round), "acting": acting_json(acting),
            "allocation": [{"code": unit.code, "name": unit.name, "cells": [
                {"kind": kind, "kind_label": KINDS[kind], "nominated": nominated, "places": places}
                for kind, (nominated, places) in zip(KINDS, unit.cells)]} for unit in table],
            "remainder": [{"kind": kind, "kind_label": KINDS.get(kind, kind), "places": places}
                          for kind, places in allocated.remainder.items()],
            "nominations": [nomination_json(n) for n in rows]}


@blp.get("/<int:round_id>/ranking")
@blp.doc(summary="科服保姆服务业绩排名（候选人）",
         description="创发部看全省；市（州）科协、学会部只看本单位的科服保姆。")
@blp.arguments(AwardsRankingArgs, location="query")
@blp.response(200, AwardsRankingSchema)
@refusals(blp, 403, 404, 422)
def ranking(args, round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    acting = visible_actor(current_user)
    listed = {n.user_id: n.honour for n in nominations.nominations(round_id)}
    rows = visible_ranking(award_round, acting, args.get("kind", ""))
    return {"round_id": award_round.id, "candidates": [candidate_json(r, listed) for r in rows]}


@blp.post("/<int:round_id>/nominate")
@idempotency.idempotent
@blp.doc(parameters=[idempotency.HEADER_DOC])
@blp.doc(summary="推荐百优 / 列入十佳“科服保姆”",
         description="推荐单位只能推荐本单位的科服保姆、在名额内、报送截止前；十佳仅创发部。"
                     "拒绝时 403/409 带中文原因，不做任何改动；名单代码无效 404（同网页）。")
@blp.arguments(AwardsNominateArgs)
@blp.response(201, AwardsDoneSchema)
@refusals(blp, 403, 404, 409, 422)
def nominate(args, round_id: int):
    row = nominations.nominate(round_id, args["user_id"], args["honour"], current_user)
    message = "已列入十佳“科服保姆”名单" if args["honour"] == "top_ten" else "已推荐为百优“科服保姆”"
    return {"message": message, "nomination": nomination_json(row)}


@blp.post("/nominations/<int:nomination_id>/approve")
@blp.doc(summary="确定百优“科服保姆”（创发部）")
@blp.response(200, AwardsDoneSchema)
@refusals(blp, 403, 404)
def approve(nomination_id: int):
    row = nominations.approve(nomination_id, current_user)
    return {"message": f"已确定{row.user.display_name}为百优“科服保姆”", "nomination": nomination_json(row)}


@blp.post("/nominations/<int:nomination_id>/withdraw")
@blp.doc(summary="撤回推荐",
         description="推荐单位撤回本单位尚未确定的百优推荐（报送截止前）；创发部可移除任一条。"
                     "他单位的推荐 404；已确定或已截止 409。")
@blp.response(200, AwardsDoneSchema)
@refusals(blp, 403, 404, 409)
def withdraw(nomination_id: int):
    nominations.withdraw(nomination_id, current_user)
    return {"message": "已撤回", "nomination": None}


# 优质科创项目 and 突出贡献单位 ------------------------------------------------------------

class AwardsFiguresSchema(Schema):
    recommended = fields.Integer(required=True, metadata={"description": "推荐至省的项目数"})
    selected = fields.Integer(required=True, metadata={"description": "其中入选数"})
    signed = fields.Integer(required=True, metadata={"description": "其中签约数"})


class AwardsProjectSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class AwardsChosenProjectSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "评定记录编号"})
    project = fields.Nested(AwardsProjectSchema, required=True)
    reason = fields.String(required=True)
    chosen_at = fields.DateTime(required=True)


class AwardsUnitSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    figures = fields.Nested(AwardsFiguresSchema, required=True, allow_none=True)


class AwardsChosenUnitSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "评定记录编号"})
    unit = fields.Nested(AwardsUnitSchema, required=True)
    reason = fields.String(required=True)
    chosen_at = fields.DateTime(required=True)


class AwardsHonoursSchema(Schema):
    round_id = fields.Integer(required=True)
    eligible_projects = fields.List(fields.Nested(AwardsProjectSchema), required=True, metadata={
        "description": "可评定的项目（本届推介或达成合作意向）"})
    quality_projects = fields.List(fields.Nested(AwardsChosenProjectSchema), required=True)
    candidate_units = fields.List(fields.Nested(AwardsUnitSchema), required=True)
    contribution_units = fields.List(fields.Nested(AwardsChosenUnitSchema), required=True)


class AwardsMessageSchema(Schema):
    message = fields.String(required=True)


def _figures(found) -> dict | None:
    return vars(found) if found else None


@blp.get("/<int:round_id>/honours")
@blp.doc(summary="优质科创项目与突出贡献单位：可评定的与已评定的")
@blp.response(200, AwardsHonoursSchema)
@refusals(blp, 403, 404)
def honours_board(round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    figures = honours.unit_figures(award_round)
    return {"round_id": award_round.id,
            "eligible_projects": [{"id": p.id, "title": p.title} for p in honours.eligible_projects(award_round)],
            "quality_projects": [{"id": row.id, "project": {"id": p.id, "title": p.title},
                                  "reason": row.reason, "chosen_at": row.chosen_at}
                                 for row, p in honours.quality_projects(round_id)],
            "candidate_units": [{"id": o.id, "name": o.name, "figures": _figures(figures.get(o.id))}
                                for o in honours.candidate_units()],
            "contribution_units": [{"id": row.id, "unit": {"id": row.org.id, "name": row.org.name,
                                                           "figures": _figures(figures.get(row.org_id))},
                                    "reason": row.reason, "chosen_at": row.chosen_at}
                                   for row in honours.contribution_units(round_id)]}


@blp.post("/<int:round_id>/quality-projects")
@blp.doc(summary="评定优质科创项目（大会专家委员会、创发部）",
         description="只能从本届推介或达成合作意向的项目中评定（否则 409）；评定理由必填（422）。")
@blp.arguments(AwardsProjectArgs)
@blp.response(201, AwardsMessageSchema)
@refusals(blp, 403, 404, 409, 422)
def choose_project(args, round_id: int):
    honours.choose_project(round_id, args["project_id"], args["reason"], current_user)
    return {"message": "已评定为优质科创项目"}


@blp.delete("/<int:round_id>/quality-projects/<int:row_id>")
@blp.doc(summary="撤销一项优质科创项目的评定")
@blp.response(204)
@refusals(blp, 403, 404)
def remove_project(round_id: int, row_id: int):
    honours.remove_project(round_id, row_id, current_user)


@blp.post("/<int:round_id>/contribution-units")
@blp.doc(summary="评定突出贡献单位（创发部）", description="已评定 409；评定理由必填（422）。")
@blp.arguments(AwardsUnitArgs)
@blp.response(201, AwardsMessageSchema)
@refusals(blp, 403, 404, 409, 422)
def choose_unit(args, round_id: int):
    honours.choose_unit(round_id, args["org_id"], args["reason"], current_user)
    return {"message": "已评定为突出贡献单位"}


@blp.delete("/<int:round_id>/contribution-units/<int:row_id>")
@blp.doc(summary="撤销一个突出贡献单位的评定（创发部）")
@blp.response(204)
@refusals(blp, 403, 404)
def remove_unit(round_id: int, row_id: int):
    honours.remove_unit(round_id, row_id, current_user)


# 评选设置, 科服保姆类别, the printed lists ----------------------------------------------------

class AwardsSettingSchema(Schema):
    name = fields.String(required=True, metadata={"example": "hundred.association.total"})
    label = fields.String(required=True)
    value = fields.String(required=True)


class AwardsSettingsSchema(Schema):
    round_id = fields.Integer(required=True)
    data_cutoff = fields.Date(required=True)
    nomination_deadline = fields.Date(required=True)
    issued_on = fields.Date(required=True, allow_none=True)
    fields_ = fields.List(fields.Nested(AwardsSettingSchema), required=True, data_key="fields", metadata={
        "description": "可修改的名额与计分（name 为修改时的键）"})


class AwardsConciergeSchema(Schema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    org = fields.String(required=True, metadata={"description": "所在单位"})
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    inferred = fields.Boolean(required=True, metadata={"description": "类别按单位推定（未设定）"})
    unit = fields.String(required=True, metadata={"description": "名额所属单位"})


def settings_json(award_round, found) -> dict:
    return {"round_id": award_round.id, "data_cutoff": award_round.data_cutoff,
            "nomination_deadline": award_round.nomination_deadline, "issued_on": award_round.issued_on,
            "fields_": [{"name": n, "label": label, "value": str(v)} for n, label, v in found]}


def concierge_json(person) -> dict:
    return {"user_id": person.user.id, "name": person.user.display_name, "org": person.org.name,
            "kind": person.kind, "kind_label": person.kind_label, "inferred": person.inferred,
            "unit": person.unit_name}


@blp.get("/<int:round_id>/settings")
@blp.doc(summary="评选设置：日期、名额与计分（创发部）")
@blp.response(200, AwardsSettingsSchema)
@refusals(blp, 403, 404)
def settings(round_id: int):
    return settings_json(*rounds.round_settings(round_id, current_user))


@blp.put("/<int:round_id>/settings")
@blp.doc(summary="修改评选设置（创发部，全部或不改）",
         description="请求体：GET 返回的各 fields 的 name → 值，另加 data_cutoff、nomination_deadline、"
                     "issued_on（年-月-日）。任一无效则 422 逐项列出，不做任何改动。",
         requestBody={"required": True, "content": {"application/json": {"schema": {
             "type": "object", "additionalProperties": {"type": "string", "nullable": True}}}}})
@blp.response(200, AwardsSettingsSchema)
@refusals(blp, 403, 404, 422)
def update_settings(round_id: int):
    raw = request.get_json(silent=True)
    rounds.update_round(round_id, raw if isinstance(raw, dict) else {}, current_user)
    return settings_json(*rounds.round_settings(round_id, current_user))


@blp.get("/concierges")
@blp.doc(summary="科服保姆及其类别（创发部）")
@blp.response(200, AwardsConciergeSchema(many=True))
@refusals(blp, 403)
def concierges():
    return [concierge_json(p) for p in people.concierges_for(current_user)]


@blp.put("/concierges/<int:user_id>/kind")
@blp.doc(summary="设定科服保姆类别（创发部）")
@blp.arguments(AwardsKindArgs)
@blp.response(200, AwardsConciergeSchema)
@refusals(blp, 403, 404, 422)
def set_kind(args, user_id: int):
    return concierge_json(people.set_kind(user_id, args["kind"], current_user))


@blp.get("/<int:round_id>/lists/<code>.pdf")
@blp.doc(summary="印发的名单（PDF）", description=f"code：{'、'.join(LISTS)}；其他 404。")
@blp.response(200, **file_response(PDF, "名单（PDF）"))
@refusals(blp, 403, 404)
def list_pdf(round_id: int, code: str):
    return list_pdf_response(round_id, code)
