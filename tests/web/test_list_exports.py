"""导出Excel through HTTP: each list's .xlsx read back with openpyxl — Chinese headers, real date
cells, the page's filtered rows (all of them, not one page), nothing the person may not see."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.kechuang.projects import start_project
from tests.factories import recommendation
from tests.services.grant_steps import apply
from tests.services.selection_rows import add_recommended
from tests.services.steps import complete
from tests.web.test_documents import start_export, wait_for

from .login import logged_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    return sheet


def rows_of(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]


def test_inbox_xlsx_has_the_pages_rows_with_real_dates(world, client, chengdu_project):
    recommender = client("cd_recommender")
    page = recommender.get("/").get_data(as_text=True)
    assert 'href="/inbox.xlsx"' in page and "导出Excel" in page
    sheet = sheet_of(recommender.get("/inbox.xlsx"))
    assert [c.value for c in sheet[1]][:4] == ["事项", "项目 / 申报", "业务编号", "流程"]
    rows = rows_of(sheet)
    assert len(rows) == int(re.search(r'data-count="all">(\d+)<', page).group(1)) == 1
    assert rows[0]["业务编号"] == chengdu_project.instance.business_key
    arrived = sheet.cell(2, 5)
    assert isinstance(arrived.value, datetime) and "yyyy" in arrived.number_format
    # the page's filters, kept by the link: another process matches nothing
    filtered = recommender.get("/?process=kechuang_project").get_data(as_text=True)
    assert 'href="/inbox.xlsx?process=kechuang_project"' in filtered
    assert len(rows_of(sheet_of(recommender.get("/inbox.xlsx?process=kechuang_project")))) == 1
    assert rows_of(sheet_of(recommender.get("/inbox.xlsx?process=expert_team_grant"))) == []
    # another city's recommender: not a row of theirs
    other = rows_of(sheet_of(client("my_recommender").get("/inbox.xlsx")))
    assert chengdu_project.instance.business_key not in {r["业务编号"] for r in other}


def test_instances_xlsx_takes_every_page_and_only_what_may_be_seen(world, client, chengdu_project,
                                                                     monkeypatch):
    from app.services.reading import instance_views
    users, orgs = world["users"], world["orgs"]
    start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                  "=HYPERLINK(\"http://example.invalid\")", "tech_transfer", users["cd_applicant"])
    mianyang = add_recommended(world["edition"], orgs["city_mianyang"], orgs["city_mianyang"],
                               "tech_transfer", 2, title="绵阳项目")
    monkeypatch.setattr(instance_views, "PAGE_SIZE", 1)  # the page shows one; the file takes all
    admin = client("admin")
    page = admin.get("/instances?q=%E9%A1%B9").get_data(as_text=True)  # q=项
    total = int(re.search(r"共 (\d+) 个项目或申报", page).group(1))
    assert 'href="/instances.xlsx?q=%E9%A1%B9"' in page
    rows = rows_of(sheet_of(admin.get("/instances.xlsx?q=%E9%A1%B9")))
    assert len(rows) == total >= 2
    sheet = sheet_of(admin.get("/instances.xlsx"))
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["业务编号", "名称", "流程", "所属单位"]
    started = sheet.cell(2, header.index("发起时间") + 1)
    assert isinstance(started.value, datetime) and "yyyy" in started.number_format
    formula = next(row for row in sheet.iter_rows(min_row=2) if str(row[1].value).startswith("="))
    assert formula[1].data_type == "s"  # text, never calculated
    # the 成都 applicant sees their own projects, never 绵阳's
    mine = rows_of(sheet_of(client("cd_applicant").get("/instances.xlsx")))
    assert chengdu_project.instance.business_key in {r["业务编号"] for r in mine}
    assert not any(str(r["名称"]).startswith("绵阳项目") for r in mine) and mianyang


@pytest.fixture
def edition(world):
    edition = world["edition"]
    edition.selection_departments = {**edition.selection_departments, "admission": "dept_innovation"}
    db.session.commit()
    return edition


def test_selection_xlsx_is_the_departments_filtered_pool(world, client, chengdu_project, edition):
    users, orgs = world["users"], world["orgs"]
    complete(users["cd_recommender"], chengdu_project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], chengdu_project.instance, "recommend_project",
             recommendation(users["cd_concierge"].id))
    add_recommended(edition, orgs["city_mianyang"], orgs["city_mianyang"], "tech_transfer", 3,
                    title="绵阳项目")
    selector = client("sel_innovation")
    url = f"/editions/{edition.id}/selection"
    page = selector.get(url).get_data(as_text=True)
    total = int(re.search(r"候选项目（共(\d+)项）", page).group(1))
    sheet = sheet_of(selector.get(f"{url}.xlsx"))
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["项目名称", "市州", "推荐单位"] and "推荐时间" in header
    rows = rows_of(sheet)
    assert len(rows) == total == 4
    ours = next(r for r in rows if r["项目名称"] == chengdu_project.title)
    assert isinstance(ours["推荐时间"], datetime)
    chengdu = orgs["city_chengdu"].id
    filtered = selector.get(f"{url}?city={chengdu}").get_data(as_text=True)
    assert "selection.xlsx?dept=" in filtered and f"city={chengdu}" in filtered
    narrowed = rows_of(sheet_of(selector.get(f"{url}.xlsx?city={chengdu}")))
    assert [r["项目名称"] for r in narrowed] == [chengdu_project.title]
    # not a selector: refused like the board; another department: only its own pool
    assert client("cd_applicant").get(f"{url}.xlsx").status_code == 403
    theirs = rows_of(sheet_of(client("sel_societies").get(f"{url}.xlsx?dept={orgs['dept_innovation'].id}")))
    assert chengdu_project.title not in {r["项目名称"] for r in theirs}


def test_export_manifest_xlsx_from_the_job_page(app, world, upload_dir):
    application = apply(world)
    client = logged_in(app, "grant_officer")
    call_page = client.get(f"/calls/{world['grant_call'].id}/export").get_data(as_text=True)
    assert "manifest.csv" not in call_page and "SHA-256" not in call_page
    job_url = start_export(client, world["grant_call"].id).headers["Location"]
    assert wait_for(client, job_url)["status"] == "done"
    page = client.get(job_url).get_data(as_text=True)
    assert "SHA-256" not in page and "manifest.csv" not in page
    link = f"{job_url}/manifest.xlsx"
    assert f'href="{link}"' in page
    sheet = sheet_of(client.get(link))
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["序号", "业务编号", "申报单位", "项目名称"] and "文件校验码" in header
    rows = rows_of(sheet)
    assert len(rows) == 1 and rows[0]["业务编号"] == application.instance.business_key
    assert isinstance(rows[0]["提交时间"], datetime)
    assert logged_in(app, "soc_mfg_applicant").get(link).status_code == 404
