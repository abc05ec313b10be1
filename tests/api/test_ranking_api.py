"""排序与立项 over /api/v1: the board, 预览 with platform scores (saves nothing), per-field 422,
publish once (the second is 409), the reserve list closed, and only the call's officer."""
from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from tests.web.test_ranking_page import grant_world, two  # noqa: F401 - shared fixtures


def url(world, tail: str = "") -> str:
    return f"/api/v1/calls/{world['grant_call'].id}/ranking{tail}"


def test_the_board_lists_the_reviewed_applications(api, grant_world, two):
    a, b = two
    answer = api("grant_officer").get(url(grant_world))
    assert answer.status_code == 200
    board = answer.get_json()
    assert board["pending_reviews"] is None and board["published"] == []
    waiting = {row["application_id"]: row for row in board["waiting"]}
    assert waiting[a.id]["expert_score"] == "78" and waiting[b.id]["expert_score"] == "84"
    assert [r["total"] for r in waiting[a.id]["reviewers"]] == ["90", "84", "60"]
    listed = api("grant_officer").get("/api/v1/ranking").get_json()
    assert any(row["id"] == grant_world["grant_call"].id for row in listed)


def test_preview_explains_the_tie_and_the_cut_line_and_saves_nothing(api, grant_world, two):
    a, b = two
    answer = api("grant_officer").post(url(grant_world, "/platform-scores"),
                                       json={"objective_scores": {str(a.id): "90", str(b.id): 76}})
    assert answer.status_code == 200
    preview = answer.get_json()
    assert preview["cut_line"] == 1
    first, second = preview["lines"]
    mfg, agri = (grant_world["orgs"][code].name for code in ("soc_smart_mfg", "soc_agri_tech"))
    assert (first["application_id"], first["result"], first["result_label"]) == (b.id, "funded", "拟立项")
    assert (second["application_id"], second["result"], second["above_cut_line"]) == (a.id, "reserve", False)
    assert first["combined_score"] == second["combined_score"] == "81.6"
    assert first["tie_break"] == f"与「{mfg}」的申报综合得分相同，按“专家评分高者优先”排在其前。"
    assert second["tie_break"] == f"与「{agri}」的申报综合得分相同，按“专家评分高者优先”排在其后。"
    db.session.expire_all()
    assert a.rank is None and b.rank is None


def test_refused_scores_are_422_per_application_and_change_nothing(api, grant_world, two):
    a, b = two
    answer = api("grant_officer").post(url(grant_world, "/publish"),
                                       json={"objective_scores": {str(a.id): "abc", str(b.id): "120"}})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert errors[f"objective_scores.{a.id}"] == [f"「{a.title}」的平台客观分值应为0到100之间的数字"]
    assert f"objective_scores.{b.id}" in errors
    db.session.expire_all()
    assert a.rank is None and b.rank is None


def test_publish_once_the_second_is_409_then_the_reserves_close(api, grant_world, two):
    a, b = two
    officer = api("grant_officer")
    scores = {"objective_scores": {str(a.id): "90", str(b.id): "60"}}
    published = officer.post(url(grant_world, "/publish"), json=scores)
    assert published.status_code == 200
    lines = {line["application_id"]: line for line in published.get_json()["lines"]}
    assert (lines[a.id]["rank"], lines[a.id]["combined_score"], lines[a.id]["result"]) == (1, "81.6", "funded")
    assert (lines[b.id]["rank"], lines[b.id]["result"]) == (2, "reserve")
    again = officer.post(url(grant_world, "/publish"), json=scores)
    assert again.status_code == 409 and "没有待排序的申报" in again.get_json()["detail"]
    db.session.expire_all()
    assert (a.rank, a.combined_score) == (1, Decimal("81.60")) and b.rank == 2
    board = officer.get(url(grant_world)).get_json()
    assert [line["application_id"] for line in board["published"]] == [a.id, b.id]
    assert [line["application_id"] for line in board["reserves"]] == [b.id]
    closed = officer.post(url(grant_world, "/close-reserve"))
    assert closed.status_code == 200 and closed.get_json()["released"] == 1
    db.session.expire_all()
    assert b.ranking_result == "not_funded"
    assert officer.get(url(grant_world)).get_json()["reserves"] == []


def test_only_the_calls_grant_officer_reads_or_acts(api, grant_world, two):
    a, b = two
    society = api("soc_mfg_applicant")
    assert society.get(url(grant_world)).status_code == 403
    refused = society.post(url(grant_world, "/publish"),
                           json={"objective_scores": {str(a.id): "90", str(b.id): "60"}})
    assert refused.status_code == 403
    assert society.post(url(grant_world, "/close-reserve")).status_code == 403
    assert society.get("/api/v1/ranking").get_json() == []
    db.session.expire_all()
    assert a.rank is None
    assert api("grant_officer").get("/api/v1/calls/99999/ranking").status_code == 404


def test_the_paths_are_in_the_contract(api, world):
    paths = api("grant_officer").get("/api/v1/openapi.json").get_json()["paths"]
    for tail in ("", "/platform-scores", "/publish", "/close-reserve"):
        assert f"/api/v1/calls/{{call_id}}/ranking{tail}" in paths


def test_the_answers_match_the_contract(api, ctx, grant_world, two):
    from .board_contract import conforms
    a, b = two
    officer = api("grant_officer")
    conforms(ctx, officer.get(url(grant_world)), "get", "/api/v1/calls/{call_id}/ranking")
    scores = {"objective_scores": {str(a.id): "90", str(b.id): "60"}}
    conforms(ctx, officer.post(url(grant_world, "/platform-scores"), json=scores), "post",
             "/api/v1/calls/{call_id}/ranking/platform-scores")
    conforms(ctx, officer.post(url(grant_world, "/publish"), json={"objective_scores": {}}), "post",
             "/api/v1/calls/{call_id}/ranking/publish")
    conforms(ctx, officer.post(url(grant_world, "/publish"), json=scores), "post",
             "/api/v1/calls/{call_id}/ranking/publish")
    conforms(ctx, officer.get(url(grant_world)), "get", "/api/v1/calls/{call_id}/ranking")
    conforms(ctx, officer.get("/api/v1/ranking"), "get", "/api/v1/ranking")
    conforms(ctx, officer.post(url(grant_world, "/close-reserve")), "post",
             "/api/v1/calls/{call_id}/ranking/close-reserve")
