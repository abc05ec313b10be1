"""The permissions matrix as data: who may do what, on which instance, through the pages and
the API. tests/permissions/test_*.py try every cell as that person over HTTP; MATRIX.md beside
it is rendered from this module (``python -m tests.permissions.render``) and a test fails when
it is out of date.

Rules the cells follow (the app's, docs/web.md): an instance or task outside the caller's scope
is a 404 — its existence is not revealed; a 403 only where the caller's role may never do the
thing (a board or admin page); a task assigned by name may not be 转办.
"""
from __future__ import annotations

from dataclasses import dataclass

KECHUANG = "kechuang"
GRANT = "grant"
PROCESS_TITLES = {KECHUANG: "科创项目", GRANT: "专家团“深耕”赋能"}


@dataclass(frozen=True)
class Actor:
    key: str
    role: str    # 中文角色
    scope: str   # own / other organisation, assigned / not assigned, in words
    who: str     # the demo person (or how the person is chosen) the column is tried as


ACTORS = (
    Actor("admin", "系统管理员", "全省", "admin"),
    Actor("owner", "项目方 / 申报学会", "本单位", "成都云智（cd_applicant）；申报该项目的学会的申报人"),
    Actor("owner_other", "项目方 / 申报学会", "他单位", "绵阳绿野（my_applicant）；未申报的学会（perm_soc_applicant）"),
    Actor("city", "市（州）科协推荐人", "本市（成都）", "cd_recommender"),
    Actor("city_other", "市（州）科协推荐人", "他市（绵阳）", "my_recommender"),
    Actor("concierge", "科服保姆", "已分派", "cd_concierge；签订实施协议为该学会开设的科服保姆"),
    Actor("concierge_other", "科服保姆", "未分派", "my_concierge；另一学会的科服保姆"),
    Actor("sel_innovation", "遴选人", "创发部", "sel_innovation"),
    Actor("sel_societies", "遴选人", "学会部", "sel_societies"),
    Actor("sel_popularisation", "遴选人", "科普部", "sel_popularisation"),
    Actor("officer", "项目管理员", "学会部（本部门）", "grant_officer"),
    Actor("officer_other", "项目管理员", "创发部（他部门）", "perm_officer"),
    Actor("expert", "评审专家", "已分派", "expert_a"),
    Actor("expert_other", "评审专家", "未分派", "perm_expert"),
    Actor("finance_officer", "财政经办人", "财政厅", "finance_officer"),
    Actor("finance_reviewer", "财政厅审核人", "财政厅", "finance_reviewer"),
)
ACTOR_KEYS = tuple(actor.key for actor in ACTORS)
ACTOR = {actor.key: actor for actor in ACTORS}


@dataclass(frozen=True)
class StepRow:
    """An instance standing at ``step``: who may handle its task, and who else may see it."""
    process: str
    step: str            # BPMN user task id ("end": the instance has ended; "ranking": waits for 发布排序)
    title: str           # 中文环节名
    doers: tuple[str, ...]
    viewers: tuple[str, ...]  # besides the doers
    by_name: bool = False     # offered to one person by name: 转办 refused (403)

    @property
    def is_task(self) -> bool:
        return self.step not in ("end", "ranking")

    def may_view(self, actor: str) -> bool:
        return actor in self.doers or actor in self.viewers


_K_EARLY = ("admin", "owner", "concierge")  # 成都市科协's 科服保姆 sees its city's projects
_K_SELECTED = ("admin", "owner", "city", "sel_innovation", "officer_other")  # 创发部's members
_G_OFFICERS = ("admin", "owner", "sel_societies")  # 学会部's members see its applications
_G_FUNDED = ("admin", "owner", "sel_societies", "officer", "expert", "finance_officer",
             "finance_reviewer")

STEPS = (
    StepRow(KECHUANG, "submit_project", "提交科创项目", ("owner",), ("admin",)),
    StepRow(KECHUANG, "check_exclusions", "资格审查", ("city",), _K_EARLY),
    StepRow(KECHUANG, "recommend_project", "推荐", ("city",), _K_EARLY),
    StepRow(KECHUANG, "city_recommend_project", "市（州）科协遴选推荐", ("city",), _K_EARLY),
    StepRow(KECHUANG, "select_project", "遴选", ("sel_innovation",), _K_SELECTED[:3] + ("concierge", "officer_other")),
    StepRow(KECHUANG, "pitch_project", "推介洽谈", ("concierge",), _K_SELECTED, by_name=True),
    StepRow(KECHUANG, "sign_project", "签约", ("concierge",), _K_SELECTED, by_name=True),
    StepRow(KECHUANG, "follow_up_project", "跟踪服务", ("concierge",), _K_SELECTED, by_name=True),
    StepRow(KECHUANG, "end", "已落地（流程结束）", (), _K_SELECTED + ("concierge",)),
    StepRow(GRANT, "declare_eligibility", "申报资格自查", ("owner",), ("admin",)),
    StepRow(GRANT, "submit_application", "填报申报书", ("owner",), ("admin",)),
    StepRow(GRANT, "formal_review", "形式审查", ("officer",), _G_OFFICERS),
    StepRow(GRANT, "assign_reviewers", "分配评审专家", ("officer",), _G_OFFICERS),
    StepRow(GRANT, "review_application", "专家评审", ("expert",), _G_OFFICERS + ("officer",), by_name=True),
    StepRow(GRANT, "ranking", "待发布排序", (), _G_OFFICERS + ("officer", "expert")),
    StepRow(GRANT, "conclude_publicity", "公示结果", ("officer",), _G_OFFICERS + ("expert",)),
    StepRow(GRANT, "finance_confirm_award", "财政厅会签立项", ("finance_reviewer",),
            _G_OFFICERS + ("officer", "expert", "finance_officer")),
    StepRow(GRANT, "issue_approval", "下达立项通知书", ("officer",), _G_FUNDED),
    StepRow(GRANT, "sign_agreement", "签订实施协议", ("owner",), _G_FUNDED),
    StepRow(GRANT, "disburse_funds", "拨付经费", ("finance_officer",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "concierge_service", "科服保姆服务", ("concierge",), _G_FUNDED),
    StepRow(GRANT, "midterm_check", "中期督查", ("officer",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "evaluate_performance", "绩效评估", ("officer",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "finance_confirm_evaluation", "财政厅会签绩效评估", ("finance_reviewer",),
            _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "rectify", "限期整改", ("owner",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "re_evaluate", "整改复评", ("officer",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "refund", "全额退还", ("finance_officer",), _G_FUNDED + ("concierge",)),
    StepRow(GRANT, "end", "已结项（流程结束）", (), _G_FUNDED + ("concierge",)),
)

# what is tried on a task, through the page and through /api/v1 (both, each time)
TASK_ACTIONS = (
    ("view", "打开事项"),
    ("complete", "提交"),
    ("draft", "暂存"),
    ("claim", "认领 / 释放"),
    ("delegate", "转办"),
)
INSTANCE_ACTIONS = (
    ("instance", "查看项目（详情、流程图）"),
    ("attachments", "下载附件"),
)

ALLOW, HIDDEN, FORBIDDEN = "allow", "404", "403"


def task_expectation(row: StepRow, action: str, actor: str) -> str:
    """allow / 404 / 403 for one task action of one person on the instance at ``row``."""
    if actor not in row.doers:
        return HIDDEN
    if action == "delegate" and row.by_name:
        return FORBIDDEN
    return ALLOW


def instance_expectation(row: StepRow, actor: str) -> str:
    return ALLOW if row.may_view(actor) else HIDDEN


def rows():
    """Every cell as (action, role, scope, expected): the matrix as one flat table."""
    for row in STEPS:
        for actor in ACTORS:
            for action, _label in INSTANCE_ACTIONS:
                yield (f"{row.process}.{row.step}.{action}", actor.role, actor.scope,
                       instance_expectation(row, actor.key))
            if row.is_task:
                for action, _label in TASK_ACTIONS:
                    yield (f"{row.process}.{row.step}.{action}", actor.role, actor.scope,
                           task_expectation(row, action, actor.key))
    for board in BOARD_ACTIONS:
        for actor in ACTORS:
            yield (board.key, actor.role, actor.scope, board.expected(actor.key))


@dataclass(frozen=True)
class BoardAction:
    """An action outside a task (a board, a download, an admin page): allowed to some, a 403 to
    the roles that may never do it, a 404 to those it is hidden from (out of scope). Its
    own/other columns are the people of the instance standing at (process, step)."""
    key: str
    title: str
    process: str
    step: str
    allowed: tuple[str, ...]
    hidden: tuple[str, ...] = ()   # the rest: 403
    people: tuple[tuple[str, str], ...] = ()  # columns tried as someone else for this action

    def expected(self, actor: str) -> str:
        if actor in self.allowed:
            return ALLOW
        if actor in self.hidden:
            return HIDDEN
        return FORBIDDEN


def _all_but(*keys: str) -> tuple[str, ...]:
    return tuple(key for key in ACTOR_KEYS if key not in keys)


_SELECTORS = ("sel_innovation", "sel_societies", "sel_popularisation")
_ENDED_GRANT_VIEWERS = next(r for r in STEPS if r.process == GRANT and r.step == "end").viewers
_NOT_FUNDED_VIEWERS = _all_but(*next(r for r in STEPS if r.step == "midterm_check").viewers, "owner")
# 申报 in the name of a society that has not applied: its applicant, and another society's
_GRANT_STARTERS = (("owner", "perm_soc_applicant"), ("owner_other", "soc_mfg_applicant"))

BOARD_ACTIONS = (
    BoardAction("start.kechuang", "发起科创项目（以成都云智名义）", KECHUANG, "submit_project", ("owner",)),
    BoardAction("start.grant", "发起专家团申报（以未申报学会名义）", GRANT, "declare_eligibility", ("owner",),
                people=_GRANT_STARTERS),
    BoardAction("selection.board", "科创会遴选工作台", KECHUANG, "select_project", _SELECTORS),
    BoardAction("selection.admit", "遴选参会（创发部）", KECHUANG, "select_project", ("sel_innovation",)),
    BoardAction("selection.place", "选入重大专场推介（学会部）", KECHUANG, "select_project", ("sel_societies",)),
    BoardAction("selection.publish", "发布遴选结果（创发部）", KECHUANG, "select_project", ("sel_innovation",)),
    BoardAction("ranking.board", "排序与立项", GRANT, "ranking", ("officer",)),
    BoardAction("ranking.publish", "发布排序", GRANT, "ranking", ("officer",)),
    # those who see the application may not record for the society (403); the rest: 404
    BoardAction("kpi.view", "绩效数据填报页", GRANT, "midterm_check", ("owner",), hidden=_NOT_FUNDED_VIEWERS),
    BoardAction("kpi.record", "登记绩效数据", GRANT, "midterm_check", ("owner",), hidden=_NOT_FUNDED_VIEWERS),
    BoardAction("follow_up.list", "查看跟踪记录", KECHUANG, "follow_up_project", ("concierge",),
                hidden=_all_but("concierge")),
    BoardAction("follow_up.record", "登记跟踪记录", KECHUANG, "follow_up_project", ("concierge",),
                hidden=_all_but("concierge")),
    BoardAction("documents.application", "下载冻结的项目申报书（PDF，当前与按版本）", GRANT, "end",
                _ENDED_GRANT_VIEWERS, hidden=_all_but(*_ENDED_GRANT_VIEWERS)),
    BoardAction("documents.publicity", "下载公示名单（PDF）", GRANT, "end", ("admin", "officer"),
                hidden=_all_but("admin", "officer")),
    BoardAction("awards.index", "评选表扬", KECHUANG, "end",
                ("admin", "city", "city_other", "sel_innovation", "sel_societies", "officer",
                 "expert", "expert_other")),
    BoardAction("awards.open", "开启评选（创发部）", KECHUANG, "end", ("admin", "sel_innovation")),
    BoardAction("admin.users", "系统管理：用户", KECHUANG, "end", ("admin",)),
    BoardAction("admin.create_user", "系统管理：新建用户", KECHUANG, "end", ("admin",)),
    BoardAction("admin.deploy", "系统管理：部署流程模型", KECHUANG, "end", ("admin",)),
)
