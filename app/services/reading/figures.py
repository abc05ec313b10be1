"""The leaders' numbers of a 科创会 edition, counted from the process data (projects, the steps'
recorded forms, sign and follow-up outcomes) — nothing typed in. One query layer: the page, the
.xlsx export and (later) an API read the same ``Table``s.

Stages of the funnel (seed 000 §五, §八): 征集 (submitted) → 推荐 → 入选 (遴选 placed it) →
推介 (推介洽谈 recorded) → 达成合作意向 (intents; those that went on to sign included) → 签约
(contracts) → 落地见效 (follow-up closed as landed); contract amounts in 万元.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from forms import choices
from workflows.city_scores import QUALITY_BUCKETS, WEIGHTS, score_cities

from ...extensions import db
from ...models import ConferenceEdition, Org, User
from ..documents.document_data import EditionFacts, by_area, city_label, edition_facts, tally_outcomes
from ..shared.common import get_or_404
from .figure_scope import Scope, edition_scope
from .figure_tables import Column, Table

FUNNEL = (("submitted", "征集"), ("recommended", "推荐"), ("selected", "入选"),
          ("pitched", "推介"), ("intents", "达成合作意向"), ("signed", "签约"),
          ("landed", "落地见效"))
OUTCOMES = (("pitched", "推介项目"), ("intents", "达成合作意向"), ("signed", "签约项目"))
TOTAL = "合计"
NO_SECTOR = "未填所属领域"
ELSEWHERE = "省直及其他"


@dataclass(frozen=True)
class EditionFigures:
    edition: ConferenceEdition
    scope: Scope
    tables: list[Table]


def edition_figures(edition_id: int, user: User) -> EditionFigures:
    scope = edition_scope(user)
    edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
    facts = edition_facts(edition)
    cities = _cities()
    tables = [funnel_table(facts), city_table(facts, cities, scope), sector_table(facts),
              area_table(facts, edition), city_score_table(facts, cities, scope)]
    return EditionFigures(edition, scope, tables)


def _cities() -> list[Org]:
    return list(db.session.scalars(sa.select(Org).filter_by(org_type="city_association")
                                   .order_by(Org.id)))


# The tables -------------------------------------------------------------------------------

def _funnel_columns(first: Column) -> tuple[Column, ...]:
    return (first, *(Column(key, label) for key, label in FUNNEL),
            Column("contract_wan", "合同金额（万元）", "wan"))


def funnel_table(facts: EditionFacts) -> Table:
    """Each stage's count and its share of the projects collected (征集)."""
    totals = facts.funnel(facts.projects)
    collected = totals["submitted"]
    rows = [{"stage": label, "count": totals[key],
             "share": _share(totals[key], collected)} for key, label in FUNNEL]
    columns = (Column("stage", "阶段", "text"), Column("count", "项目数"),
               Column("share", "占征集项目比例", "percent"))
    return Table("全省项目漏斗", columns, rows, chart=(("count", "项目数"),), ident="funnel",
                 note="每一阶段计入走到该阶段的项目（签约项目也计入达成合作意向）；"
                      "合同金额见以下各表的合计行。")


def _share(count: int, collected: int) -> Decimal | None:
    if not collected:
        return None
    return (Decimal(count * 100) / collected).quantize(Decimal("0.1"), ROUND_HALF_UP)


def city_table(facts: EditionFacts, cities: list[Org], scope: Scope) -> Table:
    rows = []
    for city in cities:
        if scope.sees_city(city.id):
            rows.append({"group": city_label(city),
                         **facts.funnel([p for p in facts.projects if p.city_org_id == city.id])})
    known = {c.id for c in cities}
    elsewhere = [p for p in facts.projects if p.city_org_id not in known]
    if scope.province and elsewhere:
        rows.append({"group": ELSEWHERE, **facts.funnel(elsewhere)})
    return Table("按市（州）", _funnel_columns(Column("group", "市（州）", "text")), rows,
                 {"group": TOTAL, **facts.funnel(facts.projects)}, chart=OUTCOMES, ident="city")


def sector_table(facts: EditionFacts) -> Table:
    """By the 所属领域 the project was submitted with (optional: blank ones in their own row)."""
    rows = []
    for code, label in (*choices.SECTORS, (None, NO_SECTOR)):
        group = [p for p in facts.projects if p.sector == code]
        if group or code is not None:
            rows.append({"group": label, **facts.funnel(group)})
    return Table("按所属领域", _funnel_columns(Column("group", "所属领域", "text")), rows,
                 {"group": TOTAL, **facts.funnel(facts.projects)}, chart=OUTCOMES, ident="sector")


def area_table(facts: EditionFacts, edition: ConferenceEdition) -> Table:
    """By 推介区: the 专场 遴选 chose, as the 成果统计报告 counts it."""
    shown = facts.shown(facts.projects)
    rows = [{"group": area, **tally_outcomes(group)} for area, group in by_area(edition, shown, facts.sessions)]
    columns = (Column("group", "推介区", "text"), *(Column(k, label) for k, label in OUTCOMES),
               Column("contract_wan", "合同金额（万元）", "wan"))
    return Table("按推介区", columns, rows, {"group": TOTAL, **tally_outcomes(shown)}, chart=OUTCOMES,
                 ident="area")


# 市州绩效评价 -----------------------------------------------------------------------------

def city_figures(facts: EditionFacts, city_id: int) -> dict[str, int]:
    """seed 000 §八（三）: 优质科创项目 recommended, demand-side parties met (distinct names at the
    city's projects' 推介洽谈), 供需对接合作 (intents and contracts)."""
    own = [p for p in facts.projects if p.city_org_id == city_id]
    parties = {(party.get("name") or "").strip()
               for p in own for party in facts.pitched.get(p.instance_id, {}).get("negotiation_parties") or []
               if party.get("party_type") == "demand_side" and (party.get("name") or "").strip()}
    return {"quality": sum(p.instance_id in facts.recommended and p.bucket in QUALITY_BUCKETS
                           for p in own),
            "demand_parties": len(parties),
            "cooperations": sum(p.instance_id in facts.pitched and p.sign_outcome in ("intent", "contract")
                                for p in own)}


SCORE_METHOD = ("评分方法：每项指标以得分最高的市（州）为100分折算（各市州均为0时记0分），"
                "再按权重加权求和——" + "，".join(f"{label}{weight * 100:.0f}%" for _, label, weight in WEIGHTS)
                + "。优质科创项目指经推荐并入选开幕式发布或重大科创项目专场推介会的项目；"
                "需求方按推介洽谈记录的「需求方」类对接洽谈方名称去重计数；"
                "供需对接合作为达成合作意向和签订合同的项目数。"
                "权重与口径为本系统默认值，可由系统维护人员按评价办法调整。")


def city_score_table(facts: EditionFacts, cities: list[Org], scope: Scope) -> Table:
    scored = score_cities([(city, city_figures(facts, city.id)) for city in cities])
    columns = (Column("rank", "排名"), Column("city", "市（州）", "text"),
               *(Column(key, label) for key, label, _ in WEIGHTS), Column("score", "综合得分", "score"))
    rows = [{"rank": s.rank, "city": city_label(s.key), **s.figures, "score": s.score}
            for s in scored if scope.sees_city(s.key.id)]
    columns = (columns[1], columns[0], *columns[2:])
    total = {"city": TOTAL, **{key: sum(s.figures[key] for s in scored) for key, _, _ in WEIGHTS}}
    return Table("市（州）绩效评价", columns, rows, total,
                 chart=(("score", "综合得分"),), note=SCORE_METHOD, ident="score")
