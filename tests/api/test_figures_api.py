"""统计数据 over /api/v1: the same tables as the pages (and the service), scoped as the pages —
a 市（州）科协 its own rows and the province's totals, outsiders 403."""
from __future__ import annotations

import pytest

from app.services.reading import figures as service
from tests.figures_fixture import seven_projects


def table(body: dict, ident: str) -> dict:
    return next(t for t in body["tables"] if t["ident"] == ident)


def row(found: dict, label: str) -> list[str]:
    """The texts of the row whose first cell reads ``label``."""
    return next([c["text"] for c in r[1:]] for r in found["rows"] if r[0]["text"] == label)


def test_an_edition_figures_as_json_match_the_service(api, world, clock):
    seven_projects(world)
    answer = api("sel_innovation").get(f"/api/v1/editions/{world['edition'].id}/figures")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["scope"]["province"] is True
    assert [t["name"] for t in body["tables"]] == ["全省项目漏斗", "按市（州）", "按所属领域", "按推介区",
                                                  "市（州）绩效评价"]
    funnel = table(body, "funnel")
    assert row(funnel, "推荐") == ["5", "83%"] and row(funnel, "落地见效") == ["1", "17%"]
    assert [c["key"] for c in funnel["rows"][1]] == ["stage", "count", "share"]
    assert funnel["rows"][1][1]["value"] == 5  # a count stays a number
    cities = table(body, "city")
    assert row(cities, "成都")[:8] == ["4", "4", "3", "3", "2", "1", "1", "120.50"]
    assert cities["total"][0]["text"] == "合计" and cities["total"][-1]["value"] == "200.5"
    expected = service.edition_figures(world["edition"].id, world["users"]["sel_innovation"])
    for got, want in zip(body["tables"], expected.tables):
        assert len(got["rows"]) == len(want.rows) and got["name"] == want.name


def test_a_city_sees_its_own_rows_and_the_province_totals(api, world, clock):
    seven_projects(world)
    body = api("my_concierge").get(f"/api/v1/editions/{world['edition'].id}/figures").get_json()
    assert body["scope"]["province"] is False and "不显示其他市（州）的明细行" in body["scope"]["note"]
    cities = table(body, "city")
    assert [r[0]["text"] for r in cities["rows"]] == ["绵阳"] and row(cities, "绵阳")[:3] == ["2", "1", "1"]
    assert cities["total"][1]["value"] == 6  # the province's 合计 stays
    assert row(table(body, "funnel"), "推荐") == ["5", "83%"]


@pytest.mark.parametrize("username", ["cd_applicant", "expert_a", "soc_mfg_applicant"])
def test_outsiders_get_403(api, world, username):
    who = api(username)
    for url in (f"/api/v1/editions/{world['edition'].id}/figures",
                f"/api/v1/calls/{world['grant_call'].id}/figures", "/api/v1/figures"):
        answer = who.get(url)
        assert answer.status_code == 403 and answer.mimetype == "application/problem+json", url
    assert api("cd_recommender").get(f"/api/v1/calls/{world['grant_call'].id}/figures").status_code == 403
    assert api("admin").get("/api/v1/editions/99999/figures").status_code == 404


def test_a_calls_progress_per_team(api, world, clock):
    from tests.services.seed_001 import achieve, brand_event_call, funded
    call = brand_event_call(world, "academia_meeting")
    application = funded(world, clock, call)
    achieve(world, application, {"events_held": 1, "national_media": 1, "local_media": 4})
    officer = api("grant_officer")
    body = officer.get(f"/api/v1/calls/{call.id}/figures").get_json()
    assert body["call"]["name"] == call.name and body["tables"][0]["name"] == "资助项目绩效进度总览"
    team = body["tables"][1]
    assert row(team, "省市两级地方媒体宣介（家）") == ["10", "4", "40%", "同组其他指标已达标"]
    listing = officer.get("/api/v1/figures").get_json()
    assert {"id": call.id, "name": call.name} in listing["calls"]
    assert world["edition"].id in [e["id"] for e in listing["editions"]]


def test_the_answers_match_the_contract(api, ctx, world, clock):
    from .board_contract import conforms
    seven_projects(world)
    for who in ("sel_innovation", "my_concierge", "cd_applicant"):
        conforms(ctx, api(who).get(f"/api/v1/editions/{world['edition'].id}/figures"), "get",
                 "/api/v1/editions/{edition_id}/figures")
        conforms(ctx, api(who).get("/api/v1/figures"), "get", "/api/v1/figures")
    conforms(ctx, api("grant_officer").get(f"/api/v1/calls/{world['grant_call'].id}/figures"), "get",
             "/api/v1/calls/{call_id}/figures")


def test_the_xlsx_downloads_carry_the_same_tables_and_recheck(api, world, clock):
    import io

    from openpyxl import load_workbook
    seven_projects(world)
    answer = api("my_concierge").get(f"/api/v1/editions/{world['edition'].id}/figures.xlsx")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(answer.data))
    assert [r[0].value for r in book["按市（州）"].iter_rows()] == ["市（州）", "绵阳", "合计"]
    assert api("cd_applicant").get(f"/api/v1/editions/{world['edition'].id}/figures.xlsx").status_code == 403
    assert api("cd_recommender").get(f"/api/v1/calls/{world['grant_call'].id}/figures.xlsx").status_code == 403
    assert api("grant_officer").get(f"/api/v1/calls/{world['grant_call'].id}/figures.xlsx").status_code == 200
