"""Which decisions the applicant is told about (消息), as data: a completed user task (a
message the instance receives, a task that opens) with a given outcome → the kind of notice
and its text.

``text`` is formatted with ``title`` (the project or application), ``org`` (the organisation
that decided: the completed task's) and the decision's own fields (form and process data, or
the message payload). ``detail``: a field whose value, when given, is added with its label
(the 退回 comment, the reason). Who is told: the instance's applicant organisation
(app/services/steps/notices.py)."""
from __future__ import annotations

from dataclasses import dataclass

from .processes import EXPERT_TEAM_GRANT, KECHUANG

# kind → what a person reads (the 消息 page's tag, the e-mail's subject)
EVENT_KINDS = {
    "returned": "退回",
    "rejected": "不予受理",
    "recommended": "已推荐",
    "not_recommended": "未获推荐",
    "selected": "遴选入选",
    "not_selected": "遴选未入选",
    "ranking": "评审结果",
    "funded": "立项资助",
    "evaluated": "绩效评价结果",
    "rectification": "整改",
    "refund": "退款",
    "new_task": "新待办",
    "delegated": "转办",
}


@dataclass(frozen=True)
class NoticeEvent:
    process: str
    source: str  # a completed user task's id, "message:<name>" received, "ready:<task id>" opened
    when: tuple | None  # (field, value), or several such pairs, the decision's data holds
    kind: str                            # EVENT_KINDS
    text: str
    detail: tuple[str, str] | None = None  # (field, label) appended when given


K, G = KECHUANG.key, EXPERT_TEAM_GRANT.key
_RETURN_COMMENT = ("comment", "退回意见")

EVENTS: tuple[NoticeEvent, ...] = (
    # 科创项目 --------------------------------------------------------------------------------
    NoticeEvent(K, "check_exclusions", ("exclusion_outcome", "returned"), "returned",
                "您的项目「{title}」被{org}退回补充材料，请按退回意见修改后再次提交。", _RETURN_COMMENT),
    NoticeEvent(K, "check_exclusions", ("exclusion_outcome", "excluded"), "not_recommended",
                "您的项目「{title}」经{org}资格审查，不予推荐。", ("comment", "审查意见")),
    *(NoticeEvent(K, task, ("recommend_outcome", "recommended"), "recommended",
                  "您的项目「{title}」已获{org}推荐。")
      for task in ("recommend_project", "city_recommend_project")),
    *(NoticeEvent(K, task, ("recommend_outcome", "not_recommended"), "not_recommended",
                  "您的项目「{title}」未获{org}推荐。", ("reason", "理由"))
      for task in ("recommend_project", "city_recommend_project")),
    NoticeEvent(K, "select_project", ("select_outcome", "selected"), "selected",
                "您的项目「{title}」在科创会遴选中入选。", ("comment", "遴选意见")),
    NoticeEvent(K, "select_project", ("select_outcome", "not_selected"), "not_selected",
                "您的项目「{title}」在科创会遴选中未入选。", ("comment", "遴选意见")),
    # 专家团赋能项目 --------------------------------------------------------------------------
    NoticeEvent(G, "formal_review", ("formal_review_outcome", "returned"), "returned",
                "您的申报「{title}」经形式审查退回补正，请按退回意见修改后再次提交。", _RETURN_COMMENT),
    NoticeEvent(G, "formal_review", ("formal_review_outcome", "rejected"), "rejected",
                "您的申报「{title}」经形式审查不予受理。", ("comment", "审查意见")),
    NoticeEvent(G, "message:ranking_published", ("result", "funded"), "ranking",
                "您的申报「{title}」评审排序第{rank}名，拟立项，现进入公示。"),
    NoticeEvent(G, "message:ranking_published", ("result", "reserve"), "ranking",
                "您的申报「{title}」评审排序第{rank}名，列为候补。"),
    NoticeEvent(G, "message:ranking_published", ("result", "not_funded"), "ranking",
                "您的申报「{title}」评审排序第{rank}名，未获立项。"),
    NoticeEvent(G, "message:reserve_promoted", None, "ranking",
                "您的申报「{title}」由候补递补为拟立项，现进入公示。"),
    NoticeEvent(G, "message:reserve_released", None, "ranking",
                "您的申报「{title}」候补未获递补，未获立项。"),
    NoticeEvent(G, "issue_approval", None, "funded",
                "您的申报「{title}」已立项，资助金额{amount_wan}万元（立项通知书{notice_number}）。"),
    NoticeEvent(G, "disburse_funds", None, "funded",
                "您的项目「{title}」资助经费{amount_wan}万元已拨付。"),
    NoticeEvent(G, "evaluate_performance", ("evaluation_passed", True), "evaluated",
                "您的项目「{title}」绩效评估合格。", ("comment", "评估意见")),
    NoticeEvent(G, "evaluate_performance", ("evaluation_passed", False), "evaluated",
                "您的项目「{title}」绩效评估不合格。", ("comment", "评估意见")),
    NoticeEvent(G, "ready:rectify", None, "rectification",
                "您的项目「{title}」须在整改期限内完成整改并提交整改报告。"),
    NoticeEvent(G, "re_evaluate", ("re_evaluation_passed", True), "rectification",
                "您的项目「{title}」整改复评合格。", ("comment", "复评意见")),
    NoticeEvent(G, "re_evaluate", (("re_evaluation_passed", False), ("rectification_open", True)),
                "rectification", "您的项目「{title}」整改复评未达标，请在整改期限内继续整改。",
                ("comment", "复评意见")),
    NoticeEvent(G, "ready:refund", None, "refund",
                "您的项目「{title}」整改期满仍未达到绩效目标，须全额退还资助经费。"),
)

NEW_TASK_TEXT = "您有新的待办：「{task}」（{title}）。"
# Tasks nobody is told of one by one: every project of an edition reaches 遴选 (hundreds), and
# the departments decide them together on the 遴选工作台, not from one notice per project.
QUIET_NEW_TASKS = frozenset({(K, "select_project")})
DELEGATED_TEXT = "{by}将待办「{task}」（{title}）转办给您。转办原因：{reason}"


def events_for(process: str, source: str, data: dict) -> list[NoticeEvent]:
    """The events this decision (its data) raises."""
    return [event for event in _BY_SOURCE.get((process, source), ())
            if all(data.get(name) == value for name, value in _pairs(event.when))]


def _pairs(when) -> tuple:
    if when is None:
        return ()
    return when if isinstance(when[0], tuple) else (when,)


_BY_SOURCE: dict[tuple[str, str], list[NoticeEvent]] = {}
for _event in EVENTS:
    _BY_SOURCE.setdefault((_event.process, _event.source), []).append(_event)
