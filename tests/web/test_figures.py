"""统计数据 over HTTP: the edition page and its .xlsx carry the hand-computed figures and their
charts; a 市（州）科协 gets its own rows only; everybody else 403, on the page and the download."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.figures_fixture import seven_projects

from .formdata import text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cells(html: str, row_label: str) -> list[str]:
    """The cells of the first table row starting with ``row_label``."""
    match = re.search(r"<tr>\s*<td[^>]*>" + re.escape(row_label) + r"</td>(.*?)</tr>", html, re.S)
    assert match, row_label
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def sheet_rows(content: bytes, name: str) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True)]


def test_the_edition_page_shows_the_figures_and_charts(client, world, clock):
    seven_projects(world)
    response = client("sel_innovation").get(f"/editions/{world['edition'].id}/figures")
    assert response.status_code == 200
    html = text(response)
    assert cells(html, "推荐") == ["5", "83%"] and cells(html, "落地见效") == ["1", "17%"]
    assert cells(html, "成都")[:8] == ["4", "4", "3", "3", "2", "1", "1", "120.50"]
    assert cells(html, "绵阳")[:8] == ["2", "1", "1", "1", "1", "1", "0", "80.00"]
    assert cells(html, "重点科创项目集中推介") == ["1", "0", "0", "0.00"]
    scores = html[html.index('id="score"'):]
    assert cells(scores, "成都") == ["1", "2", "2", "2", "100.0"]
    assert cells(scores, "绵阳") == ["2", "1", "2", "1", "65.0"]
    for chart in ("chart-funnel", "chart-city", "chart-sector", "chart-area", "chart-score"):
        assert f'id="{chart}"' in html, chart
    assert 'class="category"' in html and ">推介项目</text>" in html and ">综合得分</text>" in html
    assert "每项指标以得分最高的市（州）为100分折算" in html
    assert "统计数据" in html  # the nav entry


def test_the_xlsx_carries_the_same_numbers(client, world, clock):
    seven_projects(world)
    response = client("admin").get(f"/editions/{world['edition'].id}/figures.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    content = response.data
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["全省项目漏斗", "按市（州）", "按所属领域", "按推介区", "市（州）绩效评价"]
    funnel = sheet_rows(content, "全省项目漏斗")
    assert funnel == [("阶段", "项目数", "占征集项目比例"), ("征集", 6, 100), ("推荐", 5, 83.3),
                      ("入选", 4, 66.7), ("推介", 4, 66.7), ("达成合作意向", 3, 50),
                      ("签约", 2, 33.3), ("落地见效", 1, 16.7)]
    assert book["全省项目漏斗"]["C3"].number_format == '0"%"'
    cities = sheet_rows(content, "按市（州）")
    assert cities[0] == ("市（州）", "征集", "推荐", "入选", "推介", "达成合作意向", "签约", "落地见效",
                         "合同金额（万元）")
    assert next(r for r in cities if r[0] == "成都") == ("成都", 4, 4, 3, 3, 2, 1, 1, 120.5)
    assert cities[-1] == ("合计", 6, 5, 4, 4, 3, 2, 1, 200.5)
    scores = sheet_rows(content, "市（州）绩效评价")
    assert scores[1] == ("成都", 1, 2, 2, 2, 100) and scores[2] == ("绵阳", 2, 1, 2, 1, 65)
    sheet = book["按市（州）"]
    assert sheet.freeze_panes == "A2" and sheet["I2"].number_format == "#,##0.00"
    assert sheet.column_dimensions["A"].width >= 8 and sheet["A1"].font.bold


def test_a_city_sees_its_own_rows_only(client, world, clock):
    seven_projects(world)
    mine = client("my_concierge")
    html = text(mine.get(f"/editions/{world['edition'].id}/figures"))
    assert cells(html, "绵阳")[:3] == ["2", "1", "1"]
    assert "<td class=\"text\">成都</td>" not in html and "德阳" not in html
    assert "不显示其他市（州）的明细行" in html
    content = mine.get(f"/editions/{world['edition'].id}/figures.xlsx").data
    assert [r[0] for r in sheet_rows(content, "按市（州）")] == ["市（州）", "绵阳", "合计"]
    assert [r[0] for r in sheet_rows(content, "市（州）绩效评价")] == ["市（州）", "绵阳", "合计"]


@pytest.mark.parametrize("username", ["cd_applicant", "expert_a", "soc_mfg_applicant"])
def test_outsiders_get_403_on_page_download_and_list(client, world, username):
    who = client(username)
    edition, call = world["edition"].id, world["grant_call"].id
    for url in (f"/editions/{edition}/figures", f"/editions/{edition}/figures.xlsx",
                f"/calls/{call}/figures", f"/calls/{call}/figures.xlsx", "/figures"):
        assert who.get(url).status_code == 403, url
    assert "统计数据</a>" not in text(who.get("/"))


def test_a_city_may_not_read_a_calls_progress(client, world):
    assert client("cd_recommender").get(f"/calls/{world['grant_call'].id}/figures").status_code == 403


def test_the_call_page_and_xlsx_show_each_teams_progress(client, world, clock):
    from tests.services.seed_001 import achieve, brand_event_call, funded
    call = brand_event_call(world, "academia_meeting")
    application = funded(world, clock, call)
    achieve(world, application, {"events_held": 1, "national_media": 1, "local_media": 4})
    officer = client("grant_officer")
    html = text(officer.get(f"/calls/{call.id}/figures"))
    assert cells(html, "省市两级地方媒体宣介（家）")[:4] == ["10", "4", "40%", "同组其他指标已达标"]
    assert 'style="width: 40%"' in html and 'style="width: 100%"' in html
    listing = text(officer.get("/figures"))
    assert call.name in listing and world["edition"].name in listing
    content = officer.get(f"/calls/{call.id}/figures.xlsx").data
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "资助项目绩效进度总览" and len(book.sheetnames) == 2
    team = [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert team[0] == ("绩效指标", "目标值", "已完成", "完成率", "达标情况")
    assert ("省市两级地方媒体宣介（家）", 10, 4, 40, "同组其他指标已达标") in team
