"""评选表扬 over /api/v1, per role: a 市州科协 reads and nominates its own 科服保姆 only, 创发部
decides (十佳, 确定), a refusal carries its Chinese reason and changes nothing, people outside
the 评选 get 403 — the pages' services and scope."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AwardNomination, ConferenceEdition
from app.services.awards import rounds
from tests.awards.records import service_fixture


def _open(world) -> int:
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    return rounds.open_round(edition.id, world["users"]["sel_innovation"]).id


def rows() -> list[tuple]:
    db.session.rollback()
    return [(r.user_id, r.honour, r.approved) for r in db.session.scalars(sa.select(AwardNomination))]


def cell(board: dict, unit: str, kind: str) -> dict:
    row = next(r for r in board["allocation"] if r["name"] == unit)
    return next(c for c in row["cells"] if c["kind"] == kind)


def test_a_city_reads_and_nominates_its_own_only(api, world):
    round_id = _open(world)
    service_fixture(world["users"])
    city = api("cd_recommender")
    ranking = city.get(f"/api/v1/awards/{round_id}/ranking").get_json()["candidates"]
    assert {c["name"] for c in ranking} == {"周晓岚", "郝晴川"}
    zhou = next(c for c in ranking if c["name"] == "周晓岚")
    assert (zhou["score"], zhou["listed"]) == ("17.5", None)
    assert next(c for c in zhou["counts"] if c["item"] == "contract_wan")["value"] == "200"
    before = city.get(f"/api/v1/awards/{round_id}").get_json()
    assert [r["name"] for r in before["allocation"]] == ["成都市科学技术协会"]
    assert cell(before, "成都市科学技术协会", "association") == {
        "kind": "association", "kind_label": "科协保姆", "nominated": 0, "places": 5}
    done = city.post(f"/api/v1/awards/{round_id}/nominate",
                     json={"user_id": world["users"]["cd_concierge"].id, "honour": "hundred"})
    assert done.status_code == 201 and done.get_json()["message"] == "已推荐为百优“科服保姆”"
    assert done.get_json()["nomination"]["approved"] is False
    after = city.get(f"/api/v1/awards/{round_id}").get_json()
    assert cell(after, "成都市科学技术协会", "association")["nominated"] == 1
    assert [n["name"] for n in after["nominations"]] == ["周晓岚"]
    listed = city.get(f"/api/v1/awards/{round_id}/ranking?kind=association").get_json()["candidates"]
    assert [(c["name"], c["listed"]) for c in listed] == [("周晓岚", "hundred"), ("郝晴川", None)]
    assert city.get(f"/api/v1/awards/{round_id}/ranking?kind=professional").get_json()["candidates"] == []
    assert city.get(f"/api/v1/awards/{round_id}/ranking?kind=boss").status_code == 422


def test_another_citys_concierge_and_the_top_ten_are_refused_and_change_nothing(api, world):
    round_id = _open(world)
    service_fixture(world["users"])
    city = api("cd_recommender")
    refused = city.post(f"/api/v1/awards/{round_id}/nominate",
                        json={"user_id": world["users"]["my_concierge"].id, "honour": "hundred"})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "属于绵阳市科学技术协会，只能由其所在单位推荐" in refused.get_json()["detail"]
    top = city.post(f"/api/v1/awards/{round_id}/nominate",
                    json={"user_id": world["users"]["cd_concierge"].id, "honour": "top_ten"})
    assert top.status_code == 403
    assert top.get_json()["detail"] == "十佳“科服保姆”由省科协创发部在全省范围内择优确定"
    bad = city.post(f"/api/v1/awards/{round_id}/nominate", json={"honour": "hundred"})
    assert bad.status_code == 422 and bad.get_json()["errors"]["user_id"] == ["「科服保姆」为必填项"]
    assert rows() == []


def test_the_innovation_department_decides(api, world):
    round_id = _open(world)
    service_fixture(world["users"])
    users = world["users"]
    api("cd_recommender").post(f"/api/v1/awards/{round_id}/nominate",
                               json={"user_id": users["cd_concierge"].id, "honour": "hundred"})
    decider = api("sel_innovation")
    ranking = decider.get(f"/api/v1/awards/{round_id}/ranking").get_json()["candidates"]
    assert [c["name"] for c in ranking] == ["周晓岚", "何雨霏", "吴承泽", "郝晴川"]
    assert [c["rank"] for c in ranking] == [1, 2, 3, 4]
    top = decider.post(f"/api/v1/awards/{round_id}/nominate",
                       json={"user_id": users["my_concierge"].id, "honour": "top_ten"})
    assert top.status_code == 201 and top.get_json()["nomination"]["approved"] is True
    nomination = next(n for n in decider.get(f"/api/v1/awards/{round_id}").get_json()["nominations"]
                      if n["honour"] == "hundred")
    assert api("cd_recommender").post(f"/api/v1/awards/nominations/{nomination['id']}/approve").status_code == 403
    approved = decider.post(f"/api/v1/awards/nominations/{nomination['id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["message"] == "已确定周晓岚为百优“科服保姆”"
    both = decider.post(f"/api/v1/awards/{round_id}/nominate",
                        json={"user_id": users["cd_concierge"].id, "honour": "top_ten"})
    assert both.status_code == 409 and "不重复推荐" in both.get_json()["detail"]
    withdrawn = api("cd_recommender").post(f"/api/v1/awards/nominations/{nomination['id']}/withdraw")
    assert withdrawn.status_code == 409 and "已由省科协创发部确定" in withdrawn.get_json()["detail"]
    assert sorted(rows()) == sorted([(users["cd_concierge"].id, "hundred", True),
                                     (users["my_concierge"].id, "top_ten", True)])


def test_a_city_withdraws_its_own_and_cannot_see_anothers(api, world):
    round_id = _open(world)
    service_fixture(world["users"])
    users = world["users"]
    mine = api("my_recommender").post(f"/api/v1/awards/{round_id}/nominate",
                                      json={"user_id": users["my_concierge"].id, "honour": "hundred"})
    ident = mine.get_json()["nomination"]["id"]
    chengdu = api("cd_recommender")
    assert chengdu.get(f"/api/v1/awards/{round_id}").get_json()["nominations"] == []
    assert chengdu.post(f"/api/v1/awards/nominations/{ident}/withdraw").status_code == 404
    assert len(rows()) == 1
    done = api("my_recommender").post(f"/api/v1/awards/nominations/{ident}/withdraw")
    assert done.status_code == 200 and rows() == []


def test_opening_and_who_sees_the_rounds(api, world):
    decider = api("sel_innovation")
    index = decider.get("/api/v1/awards").get_json()
    assert index["acting"]["decides"] is True and index["rounds"] == []
    edition = next(e for e in index["unopened_editions"] if e["name"] == world["edition"].name)
    opened = decider.post("/api/v1/awards/open", json={"edition_id": edition["id"]})
    assert opened.status_code == 201 and opened.get_json()["edition"]["id"] == edition["id"]
    again = decider.post("/api/v1/awards/open", json={"edition_id": edition["id"]})
    assert again.status_code == 409 and "评选已开启" in again.get_json()["detail"]
    assert api("cd_recommender").post("/api/v1/awards/open", json={"edition_id": edition["id"]}).status_code == 403
    city = api("cd_recommender").get("/api/v1/awards").get_json()
    assert city["acting"]["decides"] is False and city["unopened_editions"] == []
    assert [r["id"] for r in city["rounds"]] == [opened.get_json()["id"]]
    outsider = api("cd_applicant")
    for url in ("/api/v1/awards", f"/api/v1/awards/{opened.get_json()['id']}",
                f"/api/v1/awards/{opened.get_json()['id']}/ranking"):
        assert outsider.get(url).status_code == 403, url
    assert decider.get("/api/v1/awards/99999").status_code == 404


def test_the_answers_match_the_contract(api, ctx, world):
    from .board_contract import conforms
    round_id = _open(world)
    service_fixture(world["users"])
    users, city, decider = world["users"], api("cd_recommender"), api("sel_innovation")
    nominated = city.post(f"/api/v1/awards/{round_id}/nominate",
                          json={"user_id": users["cd_concierge"].id, "honour": "hundred"})
    conforms(ctx, nominated, "post", "/api/v1/awards/{round_id}/nominate")
    ident = nominated.get_json()["nomination"]["id"]
    conforms(ctx, city.post(f"/api/v1/awards/{round_id}/nominate",
                            json={"user_id": users["my_concierge"].id, "honour": "hundred"}),
             "post", "/api/v1/awards/{round_id}/nominate")
    for who in (city, decider):
        conforms(ctx, who.get("/api/v1/awards"), "get", "/api/v1/awards")
        conforms(ctx, who.get(f"/api/v1/awards/{round_id}"), "get", "/api/v1/awards/{round_id}")
        conforms(ctx, who.get(f"/api/v1/awards/{round_id}/ranking"), "get", "/api/v1/awards/{round_id}/ranking")
    conforms(ctx, decider.post(f"/api/v1/awards/nominations/{ident}/approve"), "post",
             "/api/v1/awards/nominations/{nomination_id}/approve")
    conforms(ctx, city.post(f"/api/v1/awards/nominations/{ident}/withdraw"), "post",
             "/api/v1/awards/nominations/{nomination_id}/withdraw")
    conforms(ctx, decider.post(f"/api/v1/awards/nominations/{ident}/withdraw"), "post",
             "/api/v1/awards/nominations/{nomination_id}/withdraw")
    conforms(ctx, decider.post("/api/v1/awards/open", json={"edition_id": world["edition"].id}), "post",
             "/api/v1/awards/open")
