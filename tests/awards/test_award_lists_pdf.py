"""The four lists as printed: read back with pdftotext — title, issuer, edition, the people by
kind and unit, the projects with reasons, the units with their figures, the date."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ConferenceEdition
from app.services.awards import honours, nominations, papers, rounds
from app.services.shared.errors import Conflict, InvalidInput, PermissionDenied
from tests.reports import pdf

from .records import completed, at, person, project, recommended


@pytest.fixture
def award_round(world):
    edition = db.session.scalar(sa.select(ConferenceEdition).filter_by(number=3))
    award_round = rounds.open_round(edition.id, world["users"]["sel_innovation"])
    award_round.issued_on = date(2024, 1, 18)
    db.session.commit()
    return award_round


def _text(award_round, code: str, user) -> str:
    content, name, pages = papers.list_pdf(award_round.id, code, user)
    assert name == f"第三届科创中国·天府科技云服务大会{papers_title(code)}.pdf" and pages == 1
    return re.sub(r"\s+", "", pdf.raw_text(content))  # drawing order: each cell whole


def papers_title(code: str) -> str:
    from reports.award_lists import TITLES
    return TITLES[code]


def test_hundred_list_by_kind_and_unit(award_round, world):
    users = world["users"]
    society = person("soc_pdf", "学会保姆乙", "concierge", "soc_energy")
    for user, by in ((users["my_concierge"], users["my_recommender"]),
                     (users["cd_concierge"], users["cd_recommender"]),
                     (society, users["sel_societies"])):
        row = nominations.nominate(award_round.id, user.id, "hundred", by)
        nominations.approve(row.id, users["sel_innovation"])
    waiting = person("cd_waiting", "待定保姆", "concierge", "city_chengdu")
    nominations.nominate(award_round.id, waiting.id, "hundred", users["cd_recommender"])
    text = _text(award_round, "hundred", users["cd_recommender"])
    assert "四川省科学技术协会百优“科服保姆”名单第三届科创中国·天府科技云服务大会" in text
    assert "以下3名同志为第三届科创中国·天府科技云服务大会（科创会）百优“科服保姆”" in text
    # 科协保姆: 成都 before 绵阳 (the allocation's order), each table numbered from 1
    assert ("一、科协保姆（2名）成都市科学技术协会（1名）序号姓名所在单位1周晓岚成都市科学技术协会"
            "绵阳市科学技术协会（1名）序号姓名所在单位1吴承泽绵阳市科学技术协会") in text
    assert "二、专业保姆（0名）（无）" in text
    assert "三、学会保姆（1名）序号姓名所在单位1学会保姆乙四川省清洁能源协会" in text
    assert "待定保姆" not in text  # not yet approved by 创发部
    assert text.endswith("四川省科学技术协会2024年1月18日") or "四川省科学技术协会2024年1月18日" in text


def test_top_ten_list(award_round, world):
    users = world["users"]
    nominations.nominate(award_round.id, users["cd_concierge"].id, "top_ten", users["sel_innovation"])
    text = _text(award_round, "top_ten", users["sel_innovation"])
    assert "十佳“科服保姆”名单" in text
    assert "以下1名同志为第三届科创中国·天府科技云服务大会（科创会）十佳“科服保姆”" in text
    assert "一、科协保姆（1名）序号姓名所在单位1周晓岚成都市科学技术协会" in text
    assert "二、专业保姆（0名）" in text and "三、学会保姆（0名）" in text


def test_quality_projects_only_from_pitched_or_signed_projects(award_round, world):
    users = world["users"]
    pitched, signed = project("智能巡检机器人", "city_chengdu"), project("柑橘保鲜技术", "city_mianyang",
                                                                   sign_outcome="intent")
    quiet = project("未推介项目", "city_chengdu")
    completed(pitched.instance_id, "pitch_project", at("2024-01-18"), {})
    db.session.commit()
    assert [p.title for p in honours.eligible_projects(award_round)] == ["智能巡检机器人", "柑橘保鲜技术"]
    with pytest.raises(Conflict, match="只能从本届科创会上推介或达成合作意向的科创项目中评定"):
        honours.choose_project(award_round.id, quiet.id, "很好", users["expert_a"])
    with pytest.raises(InvalidInput, match="「评定理由」必填"):
        honours.choose_project(award_round.id, pitched.id, " ", users["expert_a"])
    with pytest.raises(PermissionDenied):
        honours.choose_project(award_round.id, pitched.id, "很好", users["sel_societies"])
    honours.choose_project(award_round.id, pitched.id, "现场签约意向多，转化前景好", users["expert_a"])
    honours.choose_project(award_round.id, signed.id, "解决柑橘储运损耗难题", users["sel_innovation"])
    text = _text(award_round, "quality_projects", users["expert_a"])
    assert "经大会专家委员会评定，以下2个项目" in text
    assert ("序号项目名称项目方所在市（州）评定理由1智能巡检机器人成都云智装备科技有限公司成都"
            "现场签约意向多，转化前景好2柑橘保鲜技术成都云智装备科技有限公司绵阳解决柑橘储运损耗难题") in text


def test_contribution_units_with_their_figures(award_round, world):
    users = world["users"]
    first = project("智能巡检机器人", "city_chengdu", bucket="showcase", sign_outcome="contract")
    second = project("高效节水灌溉", "city_chengdu", bucket="opening")
    project("未推荐项目", "city_chengdu")
    recommended(first, users["cd_concierge"], "2023-11-10")
    recommended(second, users["cd_concierge"], "2023-11-11")
    db.session.commit()
    chengdu = world["orgs"]["city_chengdu"]
    with pytest.raises(PermissionDenied):
        honours.choose_unit(award_round.id, chengdu.id, "组织有力", users["expert_a"])
    honours.choose_unit(award_round.id, chengdu.id, "组织有力，签约成效突出", users["sel_innovation"])
    with pytest.raises(Conflict, match="已评定为突出贡献单位"):
        honours.choose_unit(award_round.id, chengdu.id, "再次", users["sel_innovation"])
    text = _text(award_round, "contribution_units", users["cd_recommender"])
    assert "以下1个单位在第三届科创中国·天府科技云服务大会（科创会）组织工作中成效突出" in text
    # recommended 2, selected 2, signed 1
    assert "序号单位名称推荐项目入选项目签约项目评定理由1成都市科学技术协会221组织有力，签约成效突出" in text
