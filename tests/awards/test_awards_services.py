"""百优/十佳“科服保姆” through the services: the seed's allocation, ranking from service records,
等额 nominations with their refusals (over the places, after 12-22, another city's, already
十佳), 十佳 and 百优 exclusive both ways, and the round's settings as data."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AwardNomination, ConferenceEdition, User
from app.services.awards import concierges, nominations, rounds
from app.services.awards.records import ranking
from app.services.shared.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.conftest import SHANGHAI

from .records import person, service_fixture


@pytest.fixture
def award_round(world):
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    return rounds.open_round(edition.id, world["users"]["sel_innovation"])


def _users(world):
    return world["users"]


def _city_concierges(code: str, count: int, prefix: str):
    return [person(f"{prefix}{i}", f"{prefix}保姆{i}号", "concierge", code) for i in range(count)]


def test_the_seed_allocation_adds_up_to_its_totals(award_round):
    allocation = rounds.round_allocation(award_round)
    places = allocation.places
    assert places["association"]["province"] == 5 and places["association"]["city_chengdu"] == 5
    assert places["professional"]["province"] == 2 and places["professional"]["city_chengdu"] == 3
    assert places["association"]["city_mianyang"] == 2 and places["professional"]["city_liangshan"] == 2
    assert places["society"] == {"dept_societies": 15}
    # 21 市州: 成都 and 20 others — 5 + 5 + 20×2 = 50, 2 + 3 + 20×2 = 45
    assert len(places["association"]) == 22
    assert sum(places["association"].values()) == 50 and sum(places["professional"].values()) == 45
    assert allocation.remainder == {"association": 0, "professional": 0, "society": 0}
    assert (award_round.data_cutoff.isoformat(), award_round.nomination_deadline.isoformat()) == \
        ("2023-12-15", "2023-12-22")


def test_a_remainder_shows_when_the_numbers_do_not_add_up(award_round, world):
    raw = {name: value for name, _, value in rounds.settings_fields(award_round)}
    raw.update({"hundred.association.other_cities": "1", "data_cutoff": "2023-12-15",
                "nomination_deadline": "2023-12-22"})
    rounds.update_round(award_round.id, raw, _users(world)["sel_innovation"])
    allocation = rounds.round_allocation(award_round)
    assert allocation.places["association"]["city_mianyang"] == 1
    assert allocation.remainder["association"] == 50 - (5 + 5 + 20)


def test_refused_settings_change_nothing(award_round, world):
    raw = {name: value for name, _, value in rounds.settings_fields(award_round)}
    raw.update({"hundred.association.total": "五十", "weights.landed": "-1",
                "data_cutoff": "2023-12-15", "nomination_deadline": ""})
    with pytest.raises(InvalidInput) as refused:
        rounds.update_round(award_round.id, raw, _users(world)["sel_innovation"])
    assert set(refused.value.errors) == {"hundred.association.total", "weights.landed",
                                         "nomination_deadline"}
    db.session.expire_all()
    assert award_round.quotas["hundred"]["association"]["total"] == 50
    with pytest.raises(PermissionDenied):
        rounds.update_round(award_round.id, raw, _users(world)["cd_recommender"])


def test_ranking_from_service_records_up_to_the_cutoff(award_round, world):
    service_fixture(_users(world))
    pro = db.session.scalar(sa.select(User).filter_by(username="cd_pro_concierge"))
    concierges.set_kind(pro.id, "professional", _users(world)["admin"])
    rows = ranking(award_round)
    assert [(r.concierge.user.display_name, r.score) for r in rows] == [
        ("周晓岚", Decimal("17.50")), ("何雨霏", Decimal("4.00")), ("吴承泽", Decimal("1.50")),
        ("郝晴川", Decimal("0.00"))]
    first = rows[0].counts
    assert (first["followed"], first["follow_ups"], first["intents"], first["contracts"],
            first["contract_wan"], first["landed"]) == (2, 3, 2, 1, Decimal("200"), 1)
    assert rows[1].counts["grant_services"] == 2
    assert [(r.concierge.kind, r.kind_rank) for r in rows] == [
        ("association", 1), ("society", 1), ("association", 2), ("professional", 1)]
    assert rows[1].concierge.unit == "dept_societies"


def test_a_city_nominates_up_to_its_places_and_no_more(award_round, world):
    city = _users(world)["my_recommender"]
    extra = _city_concierges("city_mianyang", 2, "mypeople")
    nominations.nominate(award_round.id, _users(world)["my_concierge"].id, "hundred", city)
    nominations.nominate(award_round.id, extra[0].id, "hundred", city)
    with pytest.raises(Conflict, match="绵阳市科学技术协会的科协保姆名额为2名，已推荐2名"):
        nominations.nominate(award_round.id, extra[1].id, "hundred", city)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AwardNomination)) == 2


def test_a_city_may_not_nominate_another_citys_concierge(award_round, world):
    with pytest.raises(Conflict, match="属于成都市科学技术协会，只能由其所在单位推荐"):
        nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred",
                             _users(world)["my_recommender"])
    with pytest.raises(PermissionDenied, match="十佳“科服保姆”由省科协创发部在全省范围内择优确定"):
        nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "top_ten",
                             _users(world)["cd_recommender"])
    with pytest.raises(PermissionDenied):
        nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred",
                             _users(world)["cd_applicant"])


def test_nominations_close_at_the_end_of_the_deadline_day_in_shanghai(award_round, world, clock):
    city = _users(world)["cd_recommender"]
    late = person("cd_late", "晚报保姆", "concierge", "city_chengdu")
    clock.set(datetime(2023, 12, 22, 23, 59, 59, tzinfo=SHANGHAI))
    nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred", city)
    clock.set(datetime(2023, 12, 23, 0, 0, 1, tzinfo=SHANGHAI))
    with pytest.raises(Conflict, match="推荐报送已于2023年12月22日截止"):
        nominations.nominate(award_round.id, late.id, "hundred", city)
    # 创发部 decides after the date: it may still fill the list
    nominations.nominate(award_round.id, late.id, "hundred", _users(world)["sel_innovation"])


def test_top_ten_first_then_refused_from_the_hundred(award_round, world):
    picked = _users(world)["cd_concierge"]
    nominations.nominate(award_round.id, picked.id, "top_ten", _users(world)["sel_innovation"])
    with pytest.raises(Conflict, match="已在十佳“科服保姆”名单中，百优、十佳“科服保姆”不重复推荐"):
        nominations.nominate(award_round.id, picked.id, "hundred", _users(world)["cd_recommender"])


def test_hundred_first_then_refused_from_the_top_ten(award_round, world):
    picked = _users(world)["cd_concierge"]
    nominations.nominate(award_round.id, picked.id, "hundred", _users(world)["cd_recommender"])
    with pytest.raises(Conflict, match="已在百优“科服保姆”名单中，百优、十佳“科服保姆”不重复推荐"):
        nominations.nominate(award_round.id, picked.id, "top_ten", _users(world)["sel_innovation"])
    rows = db.session.scalars(sa.select(AwardNomination)).all()
    assert [(r.honour, r.approved) for r in rows] == [("hundred", False)]


def test_society_concierges_go_through_the_societies_department(award_round, world):
    society = person("soc_c1", "学会保姆甲", "concierge", "soc_smart_mfg")
    with pytest.raises(Conflict, match="属于省科协学会学术部（学会部），只能由其所在单位推荐"):
        nominations.nominate(award_round.id, society.id, "hundred", _users(world)["cd_recommender"])
    row = nominations.nominate(award_round.id, society.id, "hundred", _users(world)["sel_societies"])
    assert (row.kind, row.unit.code, row.approved) == ("society", "dept_societies", False)
    nominations.approve(row.id, _users(world)["sel_innovation"])
    assert row.approved


def test_top_ten_places_by_kind(award_round, world):
    decider = _users(world)["sel_innovation"]
    societies = [person(f"soc_t{i}", f"学会保姆{i}号", "concierge", "soc_agri_tech") for i in range(3)]
    nominations.nominate(award_round.id, societies[0].id, "top_ten", decider)
    nominations.nominate(award_round.id, societies[1].id, "top_ten", decider)
    with pytest.raises(Conflict, match="十佳学会保姆名额为2名，已推荐2名"):
        nominations.nominate(award_round.id, societies[2].id, "top_ten", decider)


def test_a_professional_concierge_counts_against_the_professional_places(award_round, world):
    pros = _city_concierges("city_mianyang", 3, "mypro")
    for pro in pros:
        concierges.set_kind(pro.id, "professional", _users(world)["sel_innovation"])
    city = _users(world)["my_recommender"]
    nominations.nominate(award_round.id, pros[0].id, "hundred", city)
    nominations.nominate(award_round.id, pros[1].id, "hundred", city)
    with pytest.raises(Conflict, match="专业保姆名额为2名"):
        nominations.nominate(award_round.id, pros[2].id, "hundred", city)
    with pytest.raises(PermissionDenied):
        concierges.set_kind(pros[0].id, "society", city)


def test_withdrawing_before_the_date_and_not_after_approval(award_round, world):
    city = _users(world)["cd_recommender"]
    row = nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred", city)
    nominations.withdraw(row.id, city)
    row = nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred", city)
    nominations.approve(row.id, _users(world)["sel_innovation"])
    with pytest.raises(Conflict, match="已由省科协创发部确定"):
        nominations.withdraw(row.id, city)
    with pytest.raises(NotFound):
        nominations.withdraw(row.id, _users(world)["my_recommender"])


def test_a_city_cannot_withdraw_after_the_deadline(award_round, world, clock):
    city = _users(world)["cd_recommender"]
    row = nominations.nominate(award_round.id, _users(world)["cd_concierge"].id, "hundred", city)
    clock.set(datetime(2023, 12, 23, 0, 0, 1, tzinfo=SHANGHAI))
    with pytest.raises(Conflict, match="推荐报送已于2023年12月22日截止，不能再撤回"):
        nominations.withdraw(row.id, city)
    assert db.session.get(AwardNomination, row.id) is not None


def test_the_innovation_department_fills_up_to_the_kinds_total(award_round, world):
    raw = {name: value for name, _, value in rounds.settings_fields(award_round)}
    raw.update({"hundred.society.total": "1", "data_cutoff": "2023-12-15",
                "nomination_deadline": "2023-12-22"})
    decider = _users(world)["sel_innovation"]
    rounds.update_round(award_round.id, raw, decider)
    first, second = (person(f"soc_f{i}", f"学会保姆填{i}", "concierge", "soc_energy") for i in range(2))
    assert nominations.nominate(award_round.id, first.id, "hundred", decider).approved
    with pytest.raises(Conflict, match="百优学会保姆名额为1名，已推荐1名"):
        nominations.nominate(award_round.id, second.id, "hundred", decider)
