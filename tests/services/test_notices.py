"""消息 of decisions and new tasks (workflows/notices.py): the applicant is told of 退回 (with
the comment), 推荐, 遴选, 评审结果, 立项资助, 绩效评价, 整改 and 退款; whoever is offered a new
task is told; a refused or rolled-back completion tells nobody; e-mail when configured."""
from __future__ import annotations

import email
from datetime import datetime
from email import policy

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, User
from app.services.kechuang.projects import start_project
from app.services.reading.inbox import delegate_task
from app.services.shared.errors import InvalidInput
from app.services.shared.unit_of_work import transaction
from app.services.steps.instances import complete_in_transaction
from tests.conftest import SHANGHAI
from tests.factories import recommendation, selection, submission
from tests.jobs import run_jobs
from tests.smtp_sink import SmtpSink

from .grant_steps import ACCEPT, apply, reviewed
from .steps import complete, select, task_of
from .test_grant_paths import (ALL_TARGETS, RECTIFIED, evaluate, fund,
                               to_evaluation)
from .test_inbox import _second_recommender
from .test_reminders import mail_server


def told(user, kind=None) -> list[Notification]:
    query = sa.select(Notification).filter_by(user_id=user.id).order_by(Notification.id)
    if kind:
        query = query.filter_by(kind=kind)
    return list(db.session.scalars(query))


def count_all() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification))


def test_return_tells_the_applicant_with_the_comment_and_links_the_new_task(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充中试检测报告"})
    [returned] = told(people["cd_applicant"], "returned")
    assert "视觉引导柔性装配" in returned.message and "退回意见：请补充中试检测报告" in returned.message
    assert returned.kind_label == "退回" and returned.read_at is None
    assert returned.task_id == task_of(project.instance, "submit_project").id  # leads to the task
    # told once: the return names the task, so no second "新待办" for the same task
    assert [n for n in told(people["cd_applicant"], "new_task") if n.task_id == returned.task_id] == []


def test_new_task_tells_the_people_it_is_offered_to(project, people):
    assert told(people["cd_recommender"]) == []  # a draft: nothing offered to the city yet
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    [new] = told(people["cd_recommender"], "new_task")
    check = task_of(project.instance, "check_exclusions")
    assert new.task_id == check.id and new.message.startswith("您有新的待办：")
    assert check.title in new.message and "视觉引导柔性装配" in new.message
    assert told(people["my_recommender"]) == []  # another city's recommender: not offered
    assert told(people["cd_applicant"], "new_task") == []  # who acted is not told of their doing


def test_recommended_and_selected(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(people["cd_recommender"], project.instance, "recommend_project",
             recommendation(people["cd_concierge"].id))
    [recommended] = told(people["cd_applicant"], "recommended")
    assert "已获" in recommended.message and "推荐" in recommended.message
    # 遴选 is decided for the whole edition on the 遴选工作台: 创发部 is not told of each project
    assert told(people["sel_innovation"], "new_task") == []
    select(people, project.instance, selection())
    [selected] = told(people["cd_applicant"], "selected")
    assert selected.kind_label == "遴选入选" and "入选" in selected.message
    assert told(people["cd_concierge"], "new_task")  # the 科服保姆 named is offered the 推介


def test_not_recommended_and_not_selected_with_reasons(world, project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    complete(people["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(people["cd_recommender"], project.instance, "recommend_project",
             {"recommend_outcome": "not_recommended", "reason": "本年度名额已满"})
    [declined] = told(people["cd_applicant"], "not_recommended")
    assert "理由：本年度名额已满" in declined.message
    other = start_project(world["edition"].id, world["orgs"]["ent_cloudwise"].id,
                          world["orgs"]["city_chengdu"].id, "第二个项目", "tech_transfer",
                          people["cd_applicant"])
    complete(people["cd_applicant"], other.instance, "submit_project", submission())
    complete(people["cd_recommender"], other.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(people["cd_recommender"], other.instance, "recommend_project",
             recommendation(people["cd_concierge"].id))
    select(people, other.instance, {"select_outcome": "not_selected", "comment": "与专场主题不符"})
    [not_selected] = told(people["cd_applicant"], "not_selected")
    assert not_selected.instance_id == other.instance.id
    assert "未入选" in not_selected.message and "遴选意见：与专场主题不符" in not_selected.message


def test_refused_completion_tells_nobody(project, people):
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    before = count_all()
    task_id = task_of(project.instance, "check_exclusions").id
    with pytest.raises(InvalidInput):  # 退回 without saying what to add
        complete(people["cd_recommender"], project.instance, "check_exclusions",
                 {"exclusion_outcome": "returned", "violated_rules": []})
    assert count_all() == before
    # refused after the completion was saved (a later step of the same use case failed):
    # the notices it raised go with the rollback
    with pytest.raises(RuntimeError), transaction():
        complete_in_transaction(task_id, {"exclusion_outcome": "returned", "violated_rules": [],
                                          "comment": "请补充"}, people["cd_recommender"])
        raise RuntimeError("the use case fails after the completion")
    with transaction():
        pass  # a later commit writes nothing left over
    assert count_all() == before and told(people["cd_applicant"], "returned") == []


def grant_people(world):
    return world["users"]


@pytest.fixture
def grant_world(world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    return world


def test_grant_return(grant_world):
    u = grant_people(grant_world)
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "returned", "comment": "缺少盖章页"})
    [returned] = told(u["soc_mfg_applicant"], "returned")
    assert "退回意见：缺少盖章页" in returned.message
    assert returned.task_id == task_of(application.instance, "submit_application").id


def test_grant_rejection(grant_world):
    u = grant_people(grant_world)
    application = apply(grant_world)
    complete(u["grant_officer"], application.instance, "formal_review",
             {**ACCEPT, "formal_review_outcome": "rejected", "comment": "申报主体不符"})
    [rejected] = told(u["soc_mfg_applicant"], "rejected")
    assert rejected.kind_label == "不予受理" and "申报主体不符" in rejected.message


def test_ranking_and_funding(grant_world, clock):
    u = grant_people(grant_world)
    application = reviewed(grant_world)
    fund(grant_world, clock, application)
    ranking = told(u["soc_mfg_applicant"], "ranking")
    assert len(ranking) == 1 and "拟立项" in ranking[0].message
    approval, paid = told(u["soc_mfg_applicant"], "funded")
    assert "已立项" in approval.message and "30万元" in approval.message
    assert "川科协立项〔2024〕1号" in approval.message
    assert "资助经费30万元已拨付" in paid.message
    # 立项 leads to the applicant's own next task (签订实施协议), told once; 拨付 to no task
    assert approval.task_id is not None and paid.task_id is None
    assert [n for n in told(u["soc_mfg_applicant"], "new_task") if n.task_id == approval.task_id] == []


def test_evaluation_rectification_and_refund(grant_world, clock):
    u = grant_people(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application)  # nothing achieved: fails
    evaluate(grant_world, application)
    evaluated = told(u["soc_mfg_applicant"], "evaluated")
    assert len(evaluated) == 1 and "绩效评估不合格" in evaluated[0].message
    assert "评估意见：评估意见" in evaluated[0].message
    [rectify] = told(u["soc_mfg_applicant"], "rectification")
    assert rectify.task_id == task_of(application.instance, "rectify").id
    complete(u["soc_mfg_applicant"], application.instance, "rectify", RECTIFIED)
    clock.set(datetime(2025, 2, 12, 10, 0, tzinfo=SHANGHAI))
    complete(u["grant_officer"], application.instance, "re_evaluate", {"comment": "仍未达标"})
    [refund] = told(u["soc_mfg_applicant"], "refund")
    assert refund.kind_label == "退款" and "全额退还" in refund.message
    assert refund.task_id is None  # 财政厅 handles the refund task
    assert any(n.task_id == task_of(application.instance, "refund").id
               for n in told(u["finance_officer"], "new_task"))


def test_passed_evaluation(grant_world, clock):
    u = grant_people(grant_world)
    application = reviewed(grant_world)
    to_evaluation(grant_world, clock, application, **ALL_TARGETS)
    evaluate(grant_world, application)
    [evaluated] = told(u["soc_mfg_applicant"], "evaluated")
    assert "绩效评估合格" in evaluated.message


def test_notices_are_emailed_when_configured(project, people, clock):
    people["cd_applicant"].email = "applicant@example.org"
    db.session.commit()
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    with SmtpSink() as sink, mail_server(sink.host, sink.port):
        complete(people["cd_recommender"], project.instance, "check_exclusions",
                 {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充检测报告"})
        assert sink.messages == []  # the worker sends
        run_jobs()
    [received] = sink.messages
    assert received.recipients == ["applicant@example.org"]
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert "退回" in message["Subject"] and "请补充检测报告" in message.get_content()
    assert told(people["cd_applicant"], "returned")[0].emailed_at is not None


def test_no_email_for_people_without_an_address(project, people, clock):
    assert not db.session.get(User, people["cd_recommender"].id).email
    with SmtpSink() as sink, mail_server(sink.host, sink.port):
        complete(people["cd_applicant"], project.instance, "submit_project", submission())
        run_jobs()
    assert told(people["cd_recommender"], "new_task") and sink.messages == []


def test_delegated_task_tells_the_colleague(world, project, people):
    second = _second_recommender(world)
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    task = task_of(project.instance, "check_exclusions")
    assert [n.task_id for n in told(second, "new_task")] == [task.id]  # offered to the role
    with pytest.raises(InvalidInput):  # refused: nobody told
        delegate_task(task.id, people["cd_recommender"], second.id, "  ")
    assert told(second, "delegated") == []
    delegate_task(task.id, people["cd_recommender"], second.id, "本周出差，请代为审核")
    [delegated] = told(second, "delegated")
    assert delegated.task_id == task.id and "转办原因：本周出差，请代为审核" in delegated.message
    assert people["cd_recommender"].display_name in delegated.message
