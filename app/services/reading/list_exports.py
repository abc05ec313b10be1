"""导出Excel: the lists of the pages as .xlsx — 我的待办, 项目与申报, the 遴选 board, the export's
清单 — every row the page's filters match (not one page), checked like the page itself."""
from __future__ import annotations

from dataclasses import dataclass

from workflows.processes import OUTCOME_LABELS

from ...models import User
from ..kechuang import selection_board
from .figure_tables import Column
from .figures_xlsx import list_workbook
from . import inbox as inbox_service
from . import instance_views

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    content: bytes
    filename: str  # the download's name, without a date
    rows: int


def _sheet(name: str, columns: tuple[Column, ...], rows: list[dict]) -> Sheet:
    return Sheet(list_workbook(name, columns, rows), f"{name}.xlsx", len(rows))


INBOX_COLUMNS = (
    Column("task", "事项", "text"), Column("subject", "项目 / 申报", "text"),
    Column("business_key", "业务编号", "text"), Column("process", "流程", "text"),
    Column("arrived", "到达时间", "datetime"), Column("due", "截止时间", "datetime"),
    Column("state", "期限", "text"), Column("holder", "办理人", "text"))


def inbox_sheet(user: User, wanted: inbox_service.InboxFilter) -> Sheet:
    rows = [{"task": row.task.title, "subject": row.instance.title,
             "business_key": row.instance.business_key, "process": row.instance.definition.name,
             "arrived": row.task.created_at, "due": row.task.due_at,
             "state": "已逾期" if row.overdue else ("即将到期" if row.due_soon else ""),
             "holder": _holder(row, user)}
            for row in inbox_service.inbox(user, wanted)]
    return _sheet("我的待办", INBOX_COLUMNS, rows)


def _holder(row, user: User) -> str:
    """As the page says it (办理人)."""
    if row.task.claimed_by_id:
        return "我" if row.task.claimed_by_id == user.id else "同事已认领"
    if row.task.candidate_user_id:
        return "指派给我"
    return "待认领" if row.shared else "我"


INSTANCE_COLUMNS = (
    Column("business_key", "业务编号", "text"), Column("title", "名称", "text"),
    Column("process", "流程", "text"), Column("owner", "所属单位", "text"),
    Column("status", "状态", "text"), Column("where", "当前环节 / 结果", "text"),
    Column("started", "发起时间", "datetime"), Column("updated", "更新时间", "datetime"),
    Column("completed", "结束时间", "datetime"))


def instances_sheet(user: User, wanted: instance_views.InstanceFilter) -> Sheet:
    rows = [{"business_key": instance.business_key, "title": instance.title,
             "process": instance.definition.name, "owner": owner,
             "status": instance_views.STATUS_LABELS.get(instance.status, ""),
             "where": OUTCOME_LABELS.get(instance.outcome, instance.outcome or "已结束")
             if instance.status == "completed" else (instance.current_step or ""),
             "started": instance.created_at, "updated": instance.updated_at,
             "completed": instance.completed_at}
            for instance, owner in instance_views.all_instances(user, wanted)]
    return _sheet("项目与申报", INSTANCE_COLUMNS, rows)


SELECTION_COLUMNS = (
    Column("title", "项目名称", "text"), Column("city", "市州", "text"),
    Column("recommender", "推荐单位", "text"), Column("type", "项目类型", "text"),
    Column("intent", "推介意向", "text"), Column("sector", "所属领域", "text"),
    Column("reason", "推荐理由", "text"), Column("rank", "排序", "text"),
    Column("recommended_at", "推荐时间", "datetime"), Column("state", "遴选状态", "text"))


def selection_sheet(edition_id: int, department_org_id: int, user: User, filters: dict) -> Sheet:
    rows = [row | {"state": _selection_state(row), "rank": str(row["rank"])}
            for row in selection_board.board_rows(edition_id, department_org_id, user, filters)]
    return _sheet("遴选项目", SELECTION_COLUMNS, rows)


def _selection_state(row: dict) -> str:
    if row["placed"]:
        return row["placed"] + (f"·{row['placed_sector']}" if row["placed_sector"] else "")
    return "已遴选参会" if row["admitted"] else "未标记"
