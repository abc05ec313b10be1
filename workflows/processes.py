"""What grantflow knows about each process as a whole beyond its BPMN: roles of lanes, whose
org scope a role's tasks belong to, the outcome each end event means, and the events it waits
for in words. What is known about one user task (its form, due rule, assignee, confidentiality…)
is its Step (app/services/<process>/steps.py).

Plain data and one-line functions over process data. docs/processes.md lists the ids and
variables used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

Data = dict

# Lane names (as drawn in the BPMN, Chinese) → role codes (DOMAIN.md).
LANE_ROLES = {
    "项目方": "applicant",
    "申报单位": "applicant",
    "推荐单位": "recommender",
    "市（州）科协": "recommender",  # a county's recommendation, at its city (task_scope)
    "遴选部门": "selector",
    "科服保姆": "concierge",
    "项目管理员": "grant_officer",
    "评审专家": "expert",
    "财政经办人": "finance_officer",
    "财政厅": "finance_reviewer",
}

ROLE_LABELS = {
    "applicant": "项目方/申报单位经办人",
    "recommender": "推荐单位审核人",
    "selector": "遴选人",
    "expert": "评审专家",
    "concierge": "科服保姆",
    "grant_officer": "项目管理员",
    "finance_officer": "财政经办人",
    "finance_reviewer": "财政厅会签人",
    "admin": "系统管理员",
}

OUTCOME_LABELS = {
    "not_submitted": "逾期未提交",
    "excluded": "不予推荐",
    "not_recommended": "未推荐",
    "not_selected": "未入选",
    "landed": "落地见效",
    "closed": "跟踪终止",
    "returned_to_service": "未落地，转常年服务",
    "ineligible": "不符合申报条件",
    "late": "逾期未申报",
    "correction_overdue": "逾期未补正",
    "rejected": "形式审查未通过",
    "not_funded": "未立项",
    "objection_upheld": "公示异议成立",
    "completed": "绩效合格",
    "refunded": "全额退还",
}


@dataclass(frozen=True)
class ProcessRules:
    """Scope, outcomes and events of one process."""
    key: str
    title: str
    org_scope: dict[str, Callable[[Data], int]]            # role → org id the task is offered in
    end_outcomes: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)  # message name → the event in words
    # process data an ended instance's pages show (why it ended so), kept when it ends
    result_keys: tuple[str, ...] = ()
    # task → org id, for a task offered in another org than its role's scope (a county's
    # recommendation decided again by its city's recommender)
    task_scope: dict[str, Callable[[Data], int]] = field(default_factory=dict)
    # the 科创会 edition an instance belongs to (its tasks carry it: the inbox groups 遴选 by it)
    edition_of: Callable[[Data], int] | None = None

    def scope(self, task: str, role: str, data: Data) -> int:
        """The org a ready ``task`` of ``role`` is offered in."""
        chosen = self.task_scope.get(task) or self.org_scope[role]
        return chosen(data)


KECHUANG = ProcessRules(
    key="kechuang_project",
    title="科创项目",
    org_scope={
        "applicant": lambda d: d["owner_org_id"],
        "recommender": lambda d: d["recommender_org_id"],
        # 遴选: the admitting department (创发部) when the edition names one, else by intent
        "selector": lambda d: d["selection_departments"].get("admission",
                                                             d["selection_departments"][d["intent"]]),
        "concierge": lambda d: d["recommender_org_id"],
    },
    end_outcomes={
        "end_not_submitted": "not_submitted", "end_excluded": "excluded",
        "end_not_recommended": "not_recommended", "end_not_selected": "not_selected",
        "end_city_not_recommended": "not_recommended", "end_landed": "landed", "end_closed": "closed",
        "end_returned_to_service": "returned_to_service",
    },
    # 区 → 市 → 省 (seed 004): a county's project is recommended on by the county's city
    task_scope={"city_recommend_project": lambda d: d["city_recommender_org_id"]},
    edition_of=lambda d: d["edition_id"],
)

EXPERT_TEAM_GRANT = ProcessRules(
    key="expert_team_grant",
    title="专家团“深耕”赋能项目",
    org_scope={
        "applicant": lambda d: d["society_org_id"],
        "grant_officer": lambda d: d["officer_org_id"],
        "finance_officer": lambda d: d["finance_org_id"],
        "finance_reviewer": lambda d: d["finance_org_id"],
        "concierge": lambda d: d["society_org_id"],  # the society's 科服保姆 accounts
        "expert": lambda d: d["officer_org_id"],
    },
    end_outcomes={
        "end_ineligible": "ineligible", "end_late": "late", "end_rejected": "rejected",
        "end_correction_overdue": "correction_overdue",
        "end_not_funded": "not_funded", "end_objection_upheld": "objection_upheld",
        "end_completed": "completed", "end_completed_after_rectification": "completed",
        "end_refunded": "refunded",
    },
    result_keys=("ineligible_reasons",),
    messages={
        "ranking_published": "评审排序结果发布",
        "reserve_promoted": "候补递补立项",
        "reserve_released": "候补名单关闭",
    },
)

PROCESSES = {rules.key: rules for rules in (KECHUANG, EXPERT_TEAM_GRANT)}


def rules_for(process_key: str) -> ProcessRules:
    return PROCESSES[process_key]


def end_outcome(process_key: str, end_event: str) -> str:
    return PROCESSES[process_key].end_outcomes[end_event]


# 逾期督办: who supervises an overdue task, by the task's role and the type of the org it is
# offered in. ``supervisor`` is an org code, or "@city" (the 市州科协 the org belongs to) or
# "@same" (the task's own org, e.g. the 项目管理员's department for a late expert review).
# ``roles``: only these roles in the supervisor org are told and may see it (None: everyone
# holding a role there). A task no rule matches (财政经办人) is not escalated.
@dataclass(frozen=True)
class EscalationRule:
    role: str
    org_types: frozenset[str]
    supervisor: str
    roles: frozenset[str] | None = None


ESCALATION_RULES = (
    # 市州/县区科协's 资格审查、推荐 and the 科服保姆's work → 省科协创发部 (科创会 organiser)
    EscalationRule("recommender", frozenset({"city_association", "county_association"}), "dept_innovation"),
    EscalationRule("concierge", frozenset({"city_association", "county_association"}), "dept_innovation"),
    # a 项目方 (member unit) late with its 项目资料 → the 市州科协 that recommends it
    EscalationRule("applicant", frozenset({"member_unit"}), "@city", frozenset({"recommender"})),
    # a 学会 late with its 申报/整改 → 省科协学会部
    EscalationRule("applicant", frozenset({"society"}), "dept_societies"),
    # a late expert review → the 项目管理员 of the department running the call
    EscalationRule("expert", frozenset({"department"}), "@same", frozenset({"grant_officer"})),
    # a department's own 遴选 or 项目管理 work → the province 科协 (its administrators)
    EscalationRule("selector", frozenset({"department"}), "province", frozenset({"admin"})),
    EscalationRule("grant_officer", frozenset({"department"}), "province", frozenset({"admin"})),
)


def escalation_rule(role: str, org_type: str) -> EscalationRule | None:
    return next((rule for rule in ESCALATION_RULES
                 if rule.role == role and org_type in rule.org_types), None)
