"""科创会遴选工作台 over /api/v1: the board's numbers as the service counts them, marks by JSON,
refusals with the Chinese reason and nothing changed, scope and paging."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import SelectionMark
from tests.conftest import SHANGHAI
from tests.web.test_selection_board import edition, filler  # noqa: F401 - shared fixtures


def url(edition, tail: str = "") -> str:
    return f"/api/v1/editions/{edition.id}/selection{tail}"


def marks(stage: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(SelectionMark).filter_by(stage=stage))


def line(board: dict, label: str) -> dict:
    return next(row for row in board["quota_lines"] if row["label"] == label)


def test_the_board_shows_quotas_counts_and_the_pool(api, world, edition):
    filler(world, "tech_transfer", 3, bucket="opening", title="开幕项目")
    filler(world, count=2, admitted_by=None, title="候选项目")
    answer = api("sel_innovation").get(url(edition))
    assert answer.status_code == 200
    board = answer.get_json()
    assert board["department"]["name"].startswith("省科协创新发展部")
    assert line(board, "开幕式发布·科技成果转化") == {
        "label": "开幕式发布·科技成果转化", "quota": "10", "used": 3, "left": "7"}
    assert board["admits"] is True and board["pool"]["total"] == 5
    assert "参会项目总数3项，未达到下限3000项" in board["warnings"]
    assert {"name": "绵阳市科学技术协会", "count": 3} in board["by_city"]
    societies = api("sel_societies").get(url(edition)).get_json()
    assert societies["admits"] is False and societies["pool"]["total"] == 3  # admitted only


def test_the_pool_is_paged_with_link_headers(api, world, edition):
    filler(world, count=7, admitted_by=None, title="候选项目")
    answer = api("sel_innovation").get(url(edition, "?per_page=3&page=2&sort=title"))
    pool = answer.get_json()["pool"]
    assert (pool["total"], pool["pages"], pool["page"], len(pool["items"])) == (7, 3, 2, 3)
    assert 'rel="next"' in answer.headers["Link"] and 'rel="prev"' in answer.headers["Link"]
    bad = api("sel_innovation").get(url(edition, "?per_page=500&sort=nonsense"))
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"query.per_page", "query.sort"}


def test_admitting_moves_used_and_left(api, world, edition):
    [project] = filler(world, admitted_by=None)
    innovation = api("sel_innovation")
    before = line(innovation.get(url(edition)).get_json(), "遴选参会（总数下限）")
    answer = innovation.post(url(edition, "/admit"), json={"project_ids": [project]})
    assert answer.status_code == 200 and answer.get_json() == {"message": "已遴选参会1项"}
    after = innovation.get(url(edition)).get_json()
    assert line(after, "遴选参会（总数下限）")["used"] == before["used"] + 1
    assert next(r for r in after["pool"]["items"] if r["id"] == project)["admitted"] is True
    popularisation = api("sel_popularisation")
    placed = popularisation.post(url(edition, "/place"), json={"project_id": project, "bucket": "showcase"})
    assert placed.status_code == 200 and placed.get_json()["message"] == "已选入重点科创项目集中推介"
    showcase = line(popularisation.get(url(edition)).get_json(), "重点科创项目集中推介")
    assert showcase["used"] == 1 and marks("placement") == 1
    assert popularisation.post(url(edition, "/unplace"), json={"project_id": project}).status_code == 200
    assert marks("placement") == 0


def test_another_departments_bucket_is_403_with_the_reason(api, world, edition):
    [project] = filler(world)
    answer = api("sel_societies").post(url(edition, "/place"), json={"project_id": project, "bucket": "opening"})
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["detail"] == "您无权遴选「开幕式发布」项目（由省科协创新发展部（创发部）遴选）"
    assert marks("placement") == 0


def test_a_full_quota_is_409_and_nothing_changes(api, world, edition):
    filler(world, "tech_transfer", 10, bucket="opening")
    [eleventh] = filler(world, "tech_transfer")
    innovation = api("sel_innovation")
    answer = innovation.post(url(edition, "/place"), json={"project_id": eleventh, "bucket": "opening"})
    assert answer.status_code == 409 and answer.get_json()["code"] == "conflict"
    assert "开幕式发布的科技成果转化项目已满10项" in answer.get_json()["detail"]
    assert marks("placement") == 10
    assert line(innovation.get(url(edition)).get_json(), "开幕式发布·科技成果转化")["left"] == "0"


def test_an_unknown_bucket_is_422_per_field(api, world, edition):
    [project] = filler(world)
    answer = api("sel_innovation").post(url(edition, "/place"), json={"project_id": project, "bucket": "gala"})
    assert answer.status_code == 422 and "入选推介类别" in answer.get_json()["errors"]["bucket"][0]
    missing = api("sel_innovation").post(url(edition, "/admit"), json={})
    assert missing.status_code == 422 and missing.get_json()["errors"]["project_ids"] == ["「项目」为必填项"]


def test_after_the_deadline_a_mark_is_409(api, world, edition, clock):
    [project] = filler(world)
    clock.set(datetime(2023, 12, 21, 0, 0, 0, tzinfo=SHANGHAI))
    answer = api("sel_popularisation").post(url(edition, "/place"), json={"project_id": project, "bucket": "showcase"})
    assert answer.status_code == 409 and "遴选已于2023年12月20日截止" in answer.get_json()["detail"]
    assert marks("placement") == 0


def test_a_project_of_another_edition_is_404_under_this_edition(api, world, edition):
    [project] = filler(world, admitted_by=None)
    answer = api("sel_innovation").post(f"/api/v1/editions/{edition.id + 999}/selection/admit",
                                        json={"project_ids": [project]})
    assert answer.status_code == 404 and marks("admission") == 0


def test_who_is_no_selector_gets_403_and_a_missing_edition_404(api, world, edition):
    answer = api("cd_applicant").get(url(edition))
    assert answer.status_code == 403 and answer.get_json()["detail"] == "您不是本届科创会的遴选部门人员"
    refused = api("cd_applicant").post(url(edition, "/publish"), json={"confirm_short": True})
    assert refused.status_code == 403
    assert api("sel_innovation").get("/api/v1/editions/99999/selection").status_code == 404


def test_publish_below_the_minimum_needs_confirmation(api, world, edition):
    filler(world, "tech_transfer", 2, bucket="opening")
    innovation = api("sel_innovation")
    refused = innovation.post(url(edition, "/publish"), json={})
    assert refused.status_code == 409 and "确认在未达下限时发布" in refused.get_json()["detail"]
    assert marks("admission") == 2


def test_the_paths_are_in_the_contract(api, world):
    paths = api("sel_innovation").get("/api/v1/openapi.json").get_json()["paths"]
    for tail in ("", "/admit", "/place", "/unplace", "/publish", ".xlsx"):
        assert f"/api/v1/editions/{{edition_id}}/selection{tail}" in paths


def test_the_answers_match_the_contract(api, ctx, world, edition):
    from .board_contract import conforms
    [project] = filler(world, admitted_by=None)
    filler(world, "tech_transfer", 10, bucket="opening")
    [eleventh] = filler(world, "tech_transfer")
    innovation, path = api("sel_innovation"), "/api/v1/editions/{edition_id}/selection"
    conforms(ctx, innovation.get(url(edition, "?per_page=2")), "get", path)
    conforms(ctx, innovation.get(url(edition, "?sort=x")), "get", path)
    conforms(ctx, innovation.post(url(edition, "/admit"), json={"project_ids": [project]}), "post", f"{path}/admit")
    conforms(ctx, innovation.post(url(edition, "/place"), json={"project_id": eleventh, "bucket": "opening"}),
             "post", f"{path}/place")
    conforms(ctx, innovation.post(url(edition, "/unplace"), json={"project_id": eleventh}), "post", f"{path}/unplace")
    conforms(ctx, innovation.post(url(edition, "/publish"), json={}), "post", f"{path}/publish")
    conforms(ctx, api("cd_applicant").get(url(edition)), "get", path)


def test_the_pool_as_xlsx_for_the_department_only(api, world, edition):
    import io

    from openpyxl import load_workbook
    filler(world, count=3, admitted_by=None, title="候选项目")
    answer = api("sel_innovation").get(url(edition, ".xlsx") + "?text=候选")
    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and any("候选项目1" in str(cell) for cell in rows[1])
    assert api("cd_applicant").get(url(edition, ".xlsx")).status_code == 403
