"""MATRIX.md from the matrix's data: ``python -m tests.permissions.render`` writes it,
``--check`` exits 1 when the file on disk differs (tests/permissions/test_matrix_doc.py)."""
from __future__ import annotations

import sys
from pathlib import Path

from .matrix import (
    ACTORS,
    ALLOW,
    BOARD_ACTIONS,
    FORBIDDEN,
    HIDDEN,
    PROCESS_TITLES,
    STEPS,
    TASK_ACTIONS,
    rows,
)

PATH = Path(__file__).with_name("MATRIX.md")
WORDS = {ALLOW: "✓", HIDDEN: "404", FORBIDDEN: "403"}


def render() -> str:
    lines = [
        "# 权限矩阵（Permissions matrix）",
        "",
        "Generated from `tests/permissions/matrix.py` by `python -m tests.permissions.render`;",
        "`tests/permissions/test_matrix_doc.py` fails when this file is out of date. Every cell is",
        "tried over HTTP as that person, through the page and through `/api/v1`",
        "(`test_task_matrix.py`, `test_board_matrix.py`); a refused write must leave every table as",
        "it was.",
        "",
        "- **办理**: may handle the task — open it, 提交 (the server lets the person in and checks the",
        "  form), 暂存, 认领/释放, 转办 (转办 is 403 on a task assigned by name: 推介洽谈, 签约, 跟踪服务,",
        "  专家评审).",
        "- **查看**: may open the instance (page, diagram, API) and download its files, not the task",
        "  (the task is a 404).",
        "- **—**: the instance and its task are a 404: their existence is not revealed.",
        "- ✓ allowed · 404 hidden (out of scope) · 403 the role may never do it.",
        "",
        "Seeing is per organisation: once a task of an instance is offered in an organisation, every",
        "member of it sees the instance from then on (创发部's 项目管理员 the projects 创发部 selects,",
        "学会部's 遴选人 the applications 学会部 manages, 成都市科协's 科服保姆 成都's projects from",
        "资格审查 on, an assigned reviewer the application after the review). What a review says",
        "stays confidential to 项目管理员 and 系统管理员 (the Step's `confidential_to`; tested elsewhere, not a",
        "cell here).",
        "",
        "Found and fixed with this matrix: 绩效数据 (`/applications/<id>/kpis`, page and API) answered",
        "403 for any existing application and 404 for a missing id, so anyone could tell which",
        "application ids exist; an application the caller may not see is now the 404 of a missing",
        "one (`recordable_application`).",
        "",
        "## 人员（列）",
        "",
        "| 列 | 角色 | 范围 | 试用账号 |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a.key} | {a.role} | {a.scope} | {a.who} |" for a in ACTORS]
    header = "| 环节 | " + " | ".join(f"{a.role}<br>{a.scope}" for a in ACTORS) + " |"
    rule = "|---|" + "---|" * len(ACTORS)
    for process, title in PROCESS_TITLES.items():
        lines += ["", f"## {title}：每个环节（实例停在该环节时）", "", header, rule]
        for row in (r for r in STEPS if r.process == process):
            cells = ["办理" if a.key in row.doers else "查看" if row.may_view(a.key) else "—"
                     for a in ACTORS]
            name = f"{row.title} `{row.step}`" + ("（指定到人）" if row.by_name else "")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## 任务之外的操作", "", header.replace("环节", "操作"), rule]
    for action in BOARD_ACTIONS:
        cells = [WORDS[action.expected(a.key)] for a in ACTORS]
        lines.append(f"| {action.title} `{action.key}` | " + " | ".join(cells) + " |")
    tried = ", ".join(label for _key, label in TASK_ACTIONS)
    lines += ["", f"Task actions tried on every task: {tried}; on every instance: 查看, 下载附件.",
              f"Cells in all: {sum(1 for _ in rows())}.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        return 0 if PATH.exists() and PATH.read_text(encoding="utf-8") == text else 1
    PATH.write_text(text, encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
