"""评选表扬 over HTTP, per role: a 市州科协 sees and nominates its own 科服保姆 only, 创发部
decides (十佳, 确定, settings, 类别), people outside the 评选 see nothing; the PDFs re-check."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AwardNomination, ConferenceEdition
from app.services.awards import rounds
from tests.web.login import csrf_token
from tests.web.visible import identifiers

from .records import service_fixture


def _open(world):
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    return rounds.open_round(edition.id, world["users"]["sel_innovation"]).id


def _post(client, page: str, url: str, data: dict):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def test_a_city_sees_and_nominates_its_own_only(client, world):
    round_id = _open(world)
    service_fixture(world["users"])
    city = client("cd_recommender")
    page = city.get(f"/awards/{round_id}/ranking").get_data(as_text=True)
    assert "周晓岚" in page and "郝晴川" in page
    assert "吴承泽" not in page and "何雨霏" not in page and "列入十佳" not in page
    done = _post(city, f"/awards/{round_id}/ranking", f"/awards/{round_id}/nominate",
                 {"user_id": world["users"]["cd_concierge"].id, "honour": "hundred"})
    assert "已推荐为百优“科服保姆”" in done.get_data(as_text=True)
    refused = _post(city, f"/awards/{round_id}/ranking", f"/awards/{round_id}/nominate",
                    {"user_id": world["users"]["my_concierge"].id, "honour": "hundred"})
    assert "属于绵阳市科学技术协会，只能由其所在单位推荐" in refused.get_data(as_text=True)
    overview = city.get(f"/awards/{round_id}").get_data(as_text=True)
    assert "成都市科学技术协会" in overview and "绵阳市科学技术协会" not in overview
    assert "1 / 5" in overview  # 成都's 科协保姆: 1 nominated of 5
    assert city.get(f"/awards/{round_id}/settings").status_code == 403
    rows = db.session.scalars(sa.select(AwardNomination)).all()
    assert [(r.user_id, r.approved) for r in rows] == [(world["users"]["cd_concierge"].id, False)]


def test_the_innovation_department_decides(client, world):
    round_id = _open(world)
    service_fixture(world["users"])
    _post(client("cd_recommender"), f"/awards/{round_id}/ranking", f"/awards/{round_id}/nominate",
          {"user_id": world["users"]["cd_concierge"].id, "honour": "hundred"})
    decider = client("sel_innovation")
    ranking = decider.get(f"/awards/{round_id}/ranking").get_data(as_text=True)
    assert all(name in ranking for name in ("周晓岚", "何雨霏", "吴承泽", "郝晴川"))
    assert identifiers(ranking, {"sel_innovation", "cd_concierge", "my_concierge",
                                 "soc_concierge", "cd_pro_concierge"}) == set()
    top = _post(decider, f"/awards/{round_id}/ranking", f"/awards/{round_id}/nominate",
                {"user_id": world["users"]["my_concierge"].id, "honour": "top_ten"})
    assert "已列入十佳“科服保姆”名单" in top.get_data(as_text=True)
    nomination = db.session.scalar(sa.select(AwardNomination).filter_by(honour="hundred"))
    approved = _post(decider, f"/awards/{round_id}", f"/awards/nominations/{nomination.id}/approve", {})
    assert "已确定周晓岚为百优“科服保姆”" in approved.get_data(as_text=True)
    both = _post(decider, f"/awards/{round_id}/ranking", f"/awards/{round_id}/nominate",
                 {"user_id": world["users"]["cd_concierge"].id, "honour": "top_ten"})
    assert "不重复推荐" in both.get_data(as_text=True)
    saved = _post(decider, f"/awards/{round_id}/settings", f"/awards/{round_id}/settings",
                  {**{name: value for name, _, value in
                      rounds.settings_fields(rounds.get_round(round_id, world["users"]["admin"]))},
                   "hundred.association.other_cities": "1", "data_cutoff": "2023-12-15",
                   "nomination_deadline": "2023-12-22", "issued_on": ""})
    assert "评选设置已保存" in saved.get_data(as_text=True)
    assert "比方案总数少20名，由省科协创发部在确定名单时补足" in saved.get_data(as_text=True)


def test_people_outside_the_round_see_nothing_and_pdfs_recheck(client, world):
    round_id = _open(world)
    applicant = client("cd_applicant")
    assert applicant.get("/awards").status_code == 403
    assert applicant.get(f"/awards/{round_id}/hundred.pdf").status_code == 403
    assert "评选表扬" not in applicant.get("/").get_data(as_text=True)
    city = client("my_recommender")
    assert "评选表扬" in city.get("/").get_data(as_text=True)
    response = city.get(f"/awards/{round_id}/top_ten.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert city.get(f"/awards/{round_id}/other.pdf").status_code == 404
    assert city.get("/awards/concierges").status_code == 403


def test_the_admin_sets_a_concierge_kind(client, world):
    service_fixture(world["users"])
    admin = client("admin")
    pro = world["users"]["cd_concierge"]
    done = _post(admin, "/awards/concierges", f"/awards/concierges/{pro.id}/kind", {"kind": "professional"})
    assert "周晓岚的保姆类别已设为专业保姆" in done.get_data(as_text=True)
    refused = _post(admin, "/awards/concierges", f"/awards/concierges/{pro.id}/kind", {"kind": "boss"})
    assert "「保姆类别」须为科协保姆、专业保姆或学会保姆" in refused.get_data(as_text=True)


def test_every_awards_page_reads_in_chinese_for_every_role(client, world):
    from app.demo.awards import load_awards
    service_fixture(world["users"])
    round_id = load_awards(world["users"]).id
    logins = set(world["users"]) | {"soc_concierge", "cd_pro_concierge"}
    pages = {"sel_innovation": ["", f"/{round_id}", f"/{round_id}/ranking", f"/{round_id}/honours",
                                f"/{round_id}/settings", "/concierges"],
             "cd_recommender": ["", f"/{round_id}", f"/{round_id}/ranking", f"/{round_id}/honours"],
             "sel_societies": ["", f"/{round_id}", f"/{round_id}/ranking"],
             "expert_a": ["", f"/{round_id}", f"/{round_id}/honours"]}
    for username, urls in pages.items():
        browser = client(username)
        for url in urls:
            response = browser.get(f"/awards{url}")
            assert response.status_code == 200, (username, url)
            assert identifiers(response.get_data(as_text=True), logins) == set(), (username, url)
