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


def test_quality_projects_by_the_experts_with_refusals(api, world):
    from tests.awards.records import at, completed, project
    round_id = _open(world)
    pitched, quiet = project("智能巡检机器人", "city_chengdu"), project("未推介项目", "city_chengdu")
    completed(pitched.instance_id, "pitch_project", at("2024-01-18"), {})
    db.session.commit()
    expert, url = api("expert_a"), f"/api/v1/awards/{round_id}/quality-projects"
    board = expert.get(f"/api/v1/awards/{round_id}/honours").get_json()
    assert [p["title"] for p in board["eligible_projects"]] == ["智能巡检机器人"]
    refused = expert.post(url, json={"project_id": quiet.id, "reason": "很好"})
    assert refused.status_code == 409 and "只能从本届科创会上推介或达成合作意向的科创项目中评定" in refused.get_json()["detail"]
    empty = expert.post(url, json={"project_id": pitched.id, "reason": " "})
    assert empty.status_code == 422 and empty.get_json()["errors"]["reason"] == ["「评定理由」必填"]
    assert api("sel_societies").post(url, json={"project_id": pitched.id, "reason": "很好"}).status_code == 403
    assert expert.get(f"/api/v1/awards/{round_id}/honours").get_json()["quality_projects"] == []
    done = expert.post(url, json={"project_id": pitched.id, "reason": "转化前景好"})
    assert done.status_code == 201
    [chosen] = expert.get(f"/api/v1/awards/{round_id}/honours").get_json()["quality_projects"]
    assert (chosen["project"]["title"], chosen["reason"]) == ("智能巡检机器人", "转化前景好")
    assert expert.delete(f"{url}/{chosen['id']}").status_code == 204
    assert expert.delete(f"{url}/{chosen['id']}").status_code == 404


def test_contribution_units_settings_and_kinds_are_the_deciders(api, world):
    round_id = _open(world)
    service_fixture(world["users"])
    decider, city = api("sel_innovation"), api("cd_recommender")
    chengdu = world["orgs"]["city_chengdu"]
    url = f"/api/v1/awards/{round_id}/contribution-units"
    assert city.post(url, json={"org_id": chengdu.id, "reason": "组织有力"}).status_code == 403
    assert decider.post(url, json={"org_id": chengdu.id, "reason": "组织有力"}).status_code == 201
    again = decider.post(url, json={"org_id": chengdu.id, "reason": "组织有力"})
    assert again.status_code == 409 and again.get_json()["detail"] == f"{chengdu.name}已评定为突出贡献单位"
    [unit] = decider.get(f"/api/v1/awards/{round_id}/honours").get_json()["contribution_units"]
    assert unit["unit"]["name"] == chengdu.name
    assert decider.delete(f"{url}/{unit['id']}").status_code == 204

    assert city.get(f"/api/v1/awards/{round_id}/settings").status_code == 403
    settings = decider.get(f"/api/v1/awards/{round_id}/settings").get_json()
    values = {f["name"]: f["value"] for f in settings["fields"]}
    assert values["hundred.association.total"] == "50"
    body = {**values, "data_cutoff": "2023-12-15", "nomination_deadline": "2023-12-22", "issued_on": ""}
    bad = decider.put(f"/api/v1/awards/{round_id}/settings", json={**body, "hundred.association.total": "x"})
    assert bad.status_code == 422 and bad.get_json()["errors"]["hundred.association.total"] == [
        "「百优科协保姆总数」须为不小于0的整数"]
    assert decider.get(f"/api/v1/awards/{round_id}/settings").get_json() == settings
    saved = decider.put(f"/api/v1/awards/{round_id}/settings", json={**body, "hundred.association.total": "40"})
    assert saved.status_code == 200
    assert {f["name"]: f["value"] for f in saved.get_json()["fields"]}["hundred.association.total"] == "40"

    assert city.get("/api/v1/awards/concierges").status_code == 403
    people = {p["name"]: p for p in decider.get("/api/v1/awards/concierges").get_json()}
    assert people["郝晴川"]["kind"] == "association" and people["郝晴川"]["inferred"] is True
    pro = world["users"]["cd_concierge"]
    refused = decider.put(f"/api/v1/awards/concierges/{pro.id}/kind", json={"kind": "boss"})
    assert refused.status_code == 422 and refused.get_json()["errors"]["kind"] == [
        "「保姆类别」须为科协保姆、专业保姆或学会保姆"]
    done = decider.put(f"/api/v1/awards/concierges/{pro.id}/kind", json={"kind": "professional"})
    assert done.status_code == 200 and done.get_json()["kind_label"] == "专业保姆"


def test_the_lists_as_pdf_recheck_the_reader(api, world):
    round_id = _open(world)
    answer = api("my_recommender").get(f"/api/v1/awards/{round_id}/lists/top_ten.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "private, no-store" and answer.data.startswith(b"%PDF")
    assert api("my_recommender").get(f"/api/v1/awards/{round_id}/lists/other.pdf").status_code == 404
    assert api("cd_applicant").get(f"/api/v1/awards/{round_id}/lists/hundred.pdf").status_code == 403


def test_the_honours_settings_and_kinds_answers_match_the_contract(api, ctx, world):
    from .board_contract import conforms
    round_id = _open(world)
    service_fixture(world["users"])
    decider, chengdu = api("sel_innovation"), world["orgs"]["city_chengdu"]
    base = "/api/v1/awards/{round_id}"
    conforms(ctx, decider.get(f"/api/v1/awards/{round_id}/honours"), "get", f"{base}/honours")
    for body in ({"org_id": chengdu.id, "reason": "组织有力"}, {"org_id": chengdu.id, "reason": ""}):
        conforms(ctx, decider.post(f"/api/v1/awards/{round_id}/contribution-units", json=body), "post",
                 f"{base}/contribution-units")
    conforms(ctx, decider.post(f"/api/v1/awards/{round_id}/quality-projects", json={"project_id": 1, "reason": "好"}),
             "post", f"{base}/quality-projects")
    conforms(ctx, decider.get(f"/api/v1/awards/{round_id}/settings"), "get", f"{base}/settings")
    conforms(ctx, decider.put(f"/api/v1/awards/{round_id}/settings", json={}), "put", f"{base}/settings")
    conforms(ctx, decider.get("/api/v1/awards/concierges"), "get", "/api/v1/awards/concierges")
    pro = world["users"]["cd_concierge"]
    conforms(ctx, decider.put(f"/api/v1/awards/concierges/{pro.id}/kind", json={"kind": "professional"}),
             "put", "/api/v1/awards/concierges/{user_id}/kind")
