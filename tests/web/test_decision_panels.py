"""The task page shows the person deciding what the earlier steps decided: the recommender's
推介意向/理由/排序 at 遴选, every review with its scores and the average at 公示结果 — in words,
never codes — and nothing confidential to those who may not read it."""
from __future__ import annotations

from datetime import datetime

from app.demo.samples import REVIEWERS
from app.services.background.timers import fire_due_timers
from app.services.grant.ranking import publish_ranking
from tests.conftest import SHANGHAI
from tests.factories import recommendation
from tests.services.grant_steps import reviewed
from tests.services.steps import complete, task_of

from .test_instances import page
from .visible import identifiers, visible_text

EXCLUSION_OK = {"exclusion_outcome": "eligible", "violated_rules": []}


def test_selector_sees_the_recommendation_in_words(client, world, chengdu_project):
    users, instance = world["users"], chengdu_project.instance
    complete(users["cd_recommender"], instance, "check_exclusions", EXCLUSION_OK)
    complete(users["cd_recommender"], instance, "recommend_project",
             recommendation(users["cd_concierge"].id, reason="中试完成，需求方明确。", rank=2))
    html = page(client("sel_innovation"), f"/tasks/{task_of(instance, 'select_project').id}")
    for text in ("推荐意见（推介意向、理由、排序）", "重大科创项目专场推介会", "中试完成，需求方明确。",
                 "推荐排序", "电子信息和装备制造", users["cd_concierge"].display_name,
                 "资格审查意见", "符合条件", "项目申报信息", chengdu_project.title):
        assert text in html, text
    assert identifiers(html) == set()


def published(world, clock):
    """Reviewed by three experts, ranked, and through the publicity period."""
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    application = reviewed(world, totals=(25, 26, 16, 17))
    publish_ranking(world["grant_call"].id, {application.id: "80"}, world["users"]["grant_officer"])
    clock.set(datetime(2024, 4, 30, tzinfo=SHANGHAI))
    fire_due_timers()
    return application


def test_officer_sees_every_review_with_criteria_names_and_the_average(client, world, clock):
    users = world["users"]
    instance = published(world, clock).instance
    html = page(client("grant_officer"), f"/tasks/{task_of(instance, 'conclude_publicity').id}")
    assert "专家评审意见与得分" in html and "共3份评审，专家得分（平均分）84分" in html
    assert html.count("重点工作内容及具体举措 25分") == 3 and "合计 84分" in html
    for name in REVIEWERS:
        assert users[name].display_name in html
    assert identifiers(html) == set()


def test_reviews_stay_hidden_from_whoever_may_not_read_them(client, world, clock):
    users = world["users"]
    instance = published(world, clock).instance
    complete(users["grant_officer"], instance, "conclude_publicity",
             {"publicity_outcome": "no_objection", "objections": []})
    complete(users["finance_reviewer"], instance, "finance_confirm_award",
             {"finance_outcome": "agreed", "signed_on": "2024-04-19"})
    complete(users["grant_officer"], instance, "issue_approval",
             {"notice_number": "川科协〔2024〕1号", "issued_on": "2024-04-20", "amount_wan": "30"})
    # the society signs next: its task page and the instance page must not show the reviews
    society = client("soc_mfg_applicant")
    html = page(society, f"/tasks/{task_of(instance, 'sign_agreement').id}") + page(
        society, f"/instances/{instance.id}")
    assert "专家评审意见与得分" not in visible_text(html) and "合计" not in visible_text(html)
