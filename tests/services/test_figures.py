"""The leaders' figures of an edition, counted from seven projects driven through the services."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.reading import figures
from app.services.shared.errors import PermissionDenied
from tests.figures_fixture import seven_projects


def tables_of(world, username):
    data = figures.edition_figures(world["edition"].id, world["users"][username])
    return {table.name: table for table in data.tables}


def row(table, label):
    key = table.columns[0].key
    return next(r for r in table.rows if r[key] == label)


FUNNEL_KEYS = ("submitted", "recommended", "selected", "pitched", "intents", "signed", "landed",
               "contract_wan")


def test_the_funnel_and_the_city_rows(world, clock):
    seven_projects(world)
    tables = tables_of(world, "sel_innovation")
    funnel = tables["全省项目漏斗"]
    assert [r["count"] for r in funnel.rows] == [6, 5, 4, 4, 3, 2, 1]
    assert [r["share"] for r in funnel.rows] == [Decimal(n) for n in (
        "100.0", "83.3", "66.7", "66.7", "50.0", "33.3", "16.7")] and funnel.total is None
    cities = tables["按市（州）"]
    assert [row(cities, "成都")[k] for k in FUNNEL_KEYS] == [4, 4, 3, 3, 2, 1, 1, Decimal("120.5")]
    assert [row(cities, "绵阳")[k] for k in FUNNEL_KEYS] == [2, 1, 1, 1, 1, 1, 0, Decimal("80")]
    assert [cities.total[k] for k in FUNNEL_KEYS] == [6, 5, 4, 4, 3, 2, 1, Decimal("200.5")]
    assert len(cities.rows) == 21


def test_by_sector_and_by_pitch_area(world, clock):
    seven_projects(world)
    tables = tables_of(world, "admin")
    sectors = tables["按所属领域"]
    assert [row(sectors, "电子信息和装备制造")[k] for k in FUNNEL_KEYS] == [2, 2, 2, 2, 2, 1, 1, Decimal("120.5")]
    assert [row(sectors, "现代农业（乡村振兴）")[k] for k in FUNNEL_KEYS] == [2, 2, 1, 1, 1, 1, 0, Decimal("80")]
    assert [row(sectors, "先进材料和医药健康")[k] for k in ("submitted", "pitched", "intents")] == [1, 1, 0]
    assert [row(sectors, "未填所属领域")[k] for k in ("submitted", "recommended")] == [1, 0]
    areas = tables["按推介区"]
    outcome = ("pitched", "intents", "signed", "contract_wan")
    assert [row(areas, "开幕式发布")[k] for k in outcome] == [1, 1, 1, Decimal("120.5")]
    assert [row(areas, "重大科创项目专场推介会（电子信息和装备制造）")[k] for k in outcome] == [1, 1, 0, 0]
    assert [row(areas, "重大科创项目专场推介会（现代农业（乡村振兴））")[k] for k in outcome] == [1, 1, 1, Decimal("80")]
    assert [row(areas, "重点科创项目集中推介")[k] for k in outcome] == [1, 0, 0, 0]
    assert [areas.total[k] for k in outcome] == [4, 3, 2, Decimal("200.5")]


def test_the_city_score_by_hand(world, clock):
    """成都: 优质 A, B (D not yet selected; C is 集中推介) = 2; 需求方 德阳某重型装备公司 (A and C,
    once), 甲公司 = 2 (乙基金 is 金融); 合作 A, B = 2 → best in all three: 100.
    绵阳: 优质 E = 1 → 50; 需求方 德阳…, 丙公司 = 2 → 100; 合作 E = 1 → 50:
    0.4×50 + 0.3×100 + 0.3×50 = 65.0. The other 19 市州 score 0 and share rank 3."""
    seven_projects(world)
    scores = tables_of(world, "sel_societies")["市（州）绩效评价"]
    chengdu, mianyang = scores.rows[0], scores.rows[1]
    assert (chengdu["city"], chengdu["quality"], chengdu["demand_parties"], chengdu["cooperations"],
            chengdu["score"], chengdu["rank"]) == ("成都", 2, 2, 2, Decimal("100.0"), 1)
    assert (mianyang["city"], mianyang["quality"], mianyang["demand_parties"],
            mianyang["cooperations"], mianyang["score"], mianyang["rank"]) == ("绵阳", 1, 2, 1, Decimal("65.0"), 2)
    assert {r["rank"] for r in scores.rows[2:]} == {3} and len(scores.rows) == 21
    assert "40%" in scores.note and "以得分最高的市（州）为100分" in scores.note


def test_a_city_association_sees_its_own_rows_and_the_province_totals(world, clock):
    seven_projects(world)
    tables = tables_of(world, "my_recommender")
    assert [r["group"] for r in tables["按市（州）"].rows] == ["绵阳"]
    assert tables["按市（州）"].total["submitted"] == 6
    assert [r["city"] for r in tables["市（州）绩效评价"].rows] == ["绵阳"]
    assert tables["市（州）绩效评价"].rows[0]["rank"] == 2
    assert [r["count"] for r in tables["全省项目漏斗"].rows] == [6, 5, 4, 4, 3, 2, 1]


@pytest.mark.parametrize("username", ["cd_applicant", "expert_a", "soc_mfg_applicant"])
def test_anybody_else_is_refused(world, username):
    with pytest.raises(PermissionDenied):
        figures.edition_figures(world["edition"].id, world["users"][username])


# Per grant team -------------------------------------------------------------------------------

def test_a_teams_kpi_progress_by_hand(world, clock):
    """产学融合会议: 国家级媒体 1/1 met, so its 或 partner 地方媒体 at 4/10 (40%) counts as met;
    会议总结 0/1 is open; the 智库报告 of 6000字 counts."""
    from app.services.reading import call_figures
    from tests.services.seed_001 import achieve, brand_event_call, funded
    call = brand_event_call(world, "academia_meeting")
    application = funded(world, clock, call)
    achieve(world, application, {"events_held": 1, "national_media": 1, "local_media": 4,
                                 "think_tank_reports": 1})
    data = call_figures.call_figures(call.id, world["users"]["grant_officer"])
    overview, team = data.tables
    rows = {r["label"]: r for r in team.rows}
    assert (rows["召开产学融合会议（场）"]["percent"], rows["召开产学融合会议（场）"]["state"]) == (100, "已达标")
    local = rows["省市两级地方媒体宣介（家）"]
    assert (local["actual"], local["target"], local["percent"], local["bar"], local["state"]) == (
        4, 10, 40, 40, "同组其他指标已达标")
    assert (rows["会议总结（份）"]["percent"], rows["会议总结（份）"]["state"]) == (0, "未达标")
    assert rows["高质量智库报告（篇）"]["state"] == "已达标"
    count = len(call.kpi_targets)
    [summary] = overview.rows
    assert (summary["met"], summary["count"], summary["passed"]) == (4, count, "尚未全部达标")
    assert summary["funded"] == call.award_amount_wan


def test_a_calls_figures_are_for_its_officers(world, clock):
    from app.services.reading import call_figures
    call = world["grant_call"]
    assert call_figures.call_figures(call.id, world["users"]["admin"]).tables[0].rows == []
    for username in ("sel_innovation", "cd_recommender", "soc_mfg_applicant"):
        with pytest.raises(PermissionDenied):
            call_figures.call_figures(call.id, world["users"][username])


def test_sheet_names_fit_excel():
    from app.services.reading.figures_xlsx import _sheet_name
    used = set()
    long = "四川省" + "很长的学会名称" * 6
    first, second = _sheet_name(long, used), _sheet_name(long, used)
    assert len(first) == 31 and len(second) <= 31 and first != second
    assert _sheet_name("a/b:c", used) == "a_b_c"
