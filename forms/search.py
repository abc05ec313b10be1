"""Search terms and the other arguments of a query string (lists' filters, pages, ``next``).

A search term is what a person types into a list's search box: at most SEARCH_MAX_CHARS
characters (a name or a business key is far shorter; a long LIKE pattern is slow everywhere
and SQLite refuses one of ~50 KB), plain text. Every other query argument is a code, an id, a
page number or a path: plain text of at most QUERY_MAX_CHARS. ``query_problems`` checks a
whole query string at once, for the pages and the API alike, before any of it is used.
"""
from __future__ import annotations

from collections.abc import Iterable

from marshmallow import fields

from forms.validators import MaxChars, PlainText, text_problem

SEARCH_MAX_CHARS = 100
QUERY_MAX_CHARS = 1_000

# the search boxes and filters of the pages and the API, by argument name
SEARCH_LABELS = {"q": "关键词", "owner": "所属单位", "text": "项目名称包含", "search": "搜索"}
QUERY_LABELS = {**SEARCH_LABELS, "process": "流程", "task": "事项", "sector": "所属领域",
                "city": "市州", "due": "到期", "status": "状态", "outcome": "结果",
                "type": "项目类型", "intent": "推介意向", "marked": "标记", "stage": "标记阶段",
                "sort": "排序", "page": "页码", "per_page": "每页条数", "next": "返回地址",
                "kind": "类别", "dept": "遴选部门", "edition_id": "科创会届次",
                "owner_org_id": "申报单位", "call_id": "申报项目", "unread": "仅未读",
                "org_type": "机构类型"}


# a return path is checked where it is followed (app/views/auth.py: only same-site paths); a
# bad one is dropped there — the login goes on — so here it is only held to the length cap
RETURN_PATHS = frozenset({"next"})


def search_term(label: str, **kwargs) -> fields.String:
    """An optional search box: plain text of at most SEARCH_MAX_CHARS characters."""
    return fields.String(load_default=None, validate=[PlainText(label),
                                                      MaxChars(label, SEARCH_MAX_CHARS)],
                         metadata={"label": label, "max_chars": SEARCH_MAX_CHARS, **kwargs})


def query_problems(arguments: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """{argument name: [Chinese messages]} for a query string's (name, value) pairs: control
    characters anywhere, a search term over SEARCH_MAX_CHARS, any other value over
    QUERY_MAX_CHARS. Empty when the query string may be used."""
    problems: dict[str, list[str]] = {}
    for name, value in arguments:
        if text_problem("参数名", name) or len(name) > 100:
            problems.setdefault("_schema", ["查询参数名无效"])
            continue
        label = QUERY_LABELS.get(name, name)
        limit = SEARCH_MAX_CHARS if name in SEARCH_LABELS else QUERY_MAX_CHARS
        problem = None if name in RETURN_PATHS else text_problem(label, value)
        if problem is None and len(value.strip()) > limit:
            problem = f"「{label}」不超过{limit}字（当前{len(value.strip())}字）"
        if problem and problem not in problems.get(name, []):
            problems.setdefault(name, []).append(problem)
    return problems
