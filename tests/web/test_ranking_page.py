"""排序与立项 through HTTP: preview, publish (and a second publish refused), per-field refusals,
the reserve list closed, and 评审得分构成 on the application's page — named for the officer,
专家1…N for the applying society."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from app.demo.samples import REVIEWERS
from app.extensions import db
from tests.conftest import SHANGHAI
from tests.factories import review
from tests.services.grant_steps import ACCEPT, apply
from tests.services.steps import complete

from .formdata import post_form, text

CRITERIA = ("measures", "goals", "conditions", "budget")  # maxima 30 · 30 · 20 · 20


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    call = world["grant_call"]
    call.awards_count, call.reserve_count = 1, 1
    return world


def scored(world, society, applicant, per_reviewer):
    """Applied, accepted and scored: ``per_reviewer`` holds each of the 3 reviewers' scores."""
    users = world["users"]
    application = apply(world, society, applicant)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [users[name].id for name in REVIEWERS]})
    for name, scores in zip(REVIEWERS, per_reviewer):
        complete(users[name], application.instance, "review_application",
                 review(dict(zip(CRITERIA, scores))))
    return application


@pytest.fixture
def two(grant_world):
    """A: totals 90 · 84 · 60 (mean 78); B: 84 · 84 · 84 (mean 84)."""
    a = scored(grant_world, "soc_smart_mfg", "soc_mfg_applicant",
               [(28, 27, 18, 17), (25, 26, 16, 17), (20, 20, 10, 10)])
    b = scored(grant_world, "soc_agri_tech", "soc_agri_applicant", [(25, 26, 16, 17)] * 3)
    return a, b


def url(world) -> str:
    return f"/calls/{world['grant_call'].id}/ranking"


def test_preview_explains_a_tie_at_the_cut_line_and_saves_nothing(client, grant_world, two):
    a, b = two
    officer = client("grant_officer")
    page = text(officer.get(url(grant_world)))
    assert "排序与立项" in page and "90分" in page and "78" in page
    # A: 78 × 0.7 + 90 × 0.3 = 81.60; B: 84 × 0.7 + 76 × 0.3 = 58.8 + 22.8 = 81.60 → B (专家评分高)
    response = post_form(officer, url(grant_world), {f"objective_scores.{a.id}": "90",
                                                     f"objective_scores.{b.id}": "76"},
                         action="preview")
    html = text(response)
    assert response.status_code == 200 and "排序预览（尚未发布）" in html
    mfg, agri = (grant_world["orgs"][code].name for code in ("soc_smart_mfg", "soc_agri_tech"))
    assert f"与「{mfg}」的申报综合得分相同，按“专家评分高者优先”排在其前。" in html
    assert f"与「{agri}」的申报综合得分相同，按“专家评分高者优先”排在其后。" in html
    preview = html[html.index("排序预览"):]
    funded = preview[preview.index('class="result-funded"'):preview.index("立项线")]
    reserve = preview[preview.index('class="result-reserve"'):]
    assert funded.index(agri) < funded.index("拟立项") and reserve.index(mfg) < reserve.index("候补")
    db.session.expire_all()
    assert a.rank is None and b.rank is None


def test_a_refused_score_names_its_application_and_changes_nothing(client, grant_world, two):
    a, b = two
    response = post_form(client("grant_officer"), url(grant_world),
                         {f"objective_scores.{a.id}": "abc", f"objective_scores.{b.id}": "120"},
                         action="publish")
    html = text(response)
    assert response.status_code == 422
    assert f"「{a.title}」的平台客观分值应为0到100之间的数字" in html
    assert f"「{b.title}」的平台客观分值应为0到100之间的数字" in html
    db.session.expire_all()
    assert a.rank is None and b.rank is None


def test_only_the_calls_grant_officer_sees_or_publishes(client, grant_world, two):
    a, b = two
    society = client("soc_mfg_applicant")
    assert society.get(url(grant_world)).status_code == 403
    assert "排序与立项" in text(client("grant_officer").get(url(grant_world)))


def test_publish_once_then_the_loser_gets_409_and_reserves_close(client, grant_world, two):
    a, b = two
    officer = client("grant_officer")
    fields = {f"objective_scores.{a.id}": "90", f"objective_scores.{b.id}": "60"}
    page_before = officer.get(url(grant_world))  # the loser opened the page before
    assert post_form(officer, url(grant_world), fields, action="publish").status_code == 302
    from .formdata import csrf_token
    loser = officer.post(url(grant_world), data={
        **fields, "_action": "publish", "csrf_token": csrf_token(text(page_before))})
    assert loser.status_code == 409 and "没有待排序的申报" in text(loser)
    db.session.expire_all()
    # A: 81.60 funded; B: 84 × 0.7 + 60 × 0.3 = 58.8 + 18 = 76.80 reserve
    assert (a.rank, a.ranking_result, a.combined_score) == (1, "funded", Decimal("81.60"))
    assert (b.rank, b.ranking_result, b.combined_score) == (2, "reserve", Decimal("76.80"))
    html = text(officer.get(url(grant_world)))
    assert "已发布的排序" in html and "候补名单" in html and "关闭候补名单" in html
    assert post_form(officer, url(grant_world), {}, action="release").status_code == 302
    db.session.expire_all()
    assert b.ranking_result == "not_funded"
    assert "没有候补申报" in text(officer.get(url(grant_world)))


def test_the_application_page_explains_its_score(client, grant_world, two):
    a, b = two
    grant_world["grant_call"].trim_from_reviewers = 3  # drop 90 and 60 of A's 90 · 84 · 60
    db.session.commit()
    post_form(client("grant_officer"), url(grant_world),
              {f"objective_scores.{a.id}": "90", f"objective_scores.{b.id}": "60"},
              action="publish")
    officer_view = text(client("grant_officer").get(f"/instances/{a.instance_id}"))
    applicant_view = text(client("soc_mfg_applicant").get(f"/instances/{a.instance_id}"))
    # A: 84 × 0.7 + 90 × 0.3 = 58.8 + 27 = 85.80
    for html in (officer_view, applicant_view):
        assert "评审得分构成" in html and "85.8" in html and "第1名" in html and "拟立项" in html
        assert "3名专家评分去掉一个最高分90和一个最低分60后，其余1名的平均分" in html
        assert "专家评分84×0.7 + 平台客观分90×0.3" in html
    names = [grant_world["users"][n].display_name for n in REVIEWERS]
    assert all(name in officer_view for name in names)
    assert "专家1：90分（去掉）" in applicant_view and "专家3：60分（去掉）" in applicant_view
    section = applicant_view[applicant_view.index("评审得分构成"):applicant_view.index("流程图")]
    assert not any(name in section for name in names)
    data = client("soc_mfg_applicant").get(f"/instances/{a.instance_id}/score.json").get_json()
    assert data["expert_score"] == "84" and data["combined_score"] == "85.8"
    assert [r["dropped"] for r in data["reviewers"]] == [True, False, True]


def test_the_officer_draws_reviewers_and_the_page_shows_the_seed(client, grant_world):
    from .test_grant_periods import task_url
    application = apply(grant_world)
    officer = client("grant_officer")
    complete(grant_world["users"]["grant_officer"], application.instance, "formal_review", ACCEPT)
    url = task_url(application.instance, "assign_reviewers")
    assert "随机抽取人数" in text(officer.get(url))
    refused = post_form(officer, url, {"draw_count": "2"})
    assert refused.status_code == 422 and "「随机抽取人数」不少于3名（当前2名）" in text(refused)
    assert post_form(officer, url, {"draw_count": "3"}).status_code == 302
    html = text(officer.get(f"/instances/{application.instance_id}"))
    assert "随机抽取3名" in html and "抽取种子" in html and "可复核：按抽取种子重新抽取，结果一致" in html
    assert grant_world["users"]["expert_d"].display_name not in html.split("随机抽取3名")[1][:200]


def test_the_officer_finds_the_calls_to_rank_from_the_navigation(client, grant_world):
    officer = text(client("grant_officer").get("/ranking"))
    assert grant_world["grant_call"].name in officer and url(grant_world) in officer
    assert 'href="/ranking"' in text(client("grant_officer").get("/"))
    assert 'href="/ranking"' not in text(client("soc_mfg_applicant").get("/"))
    assert "您不负责任何申报指南的排序" in text(client("soc_mfg_applicant").get("/ranking"))
