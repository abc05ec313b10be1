"""The four lists of a 科创会 edition's 评选 (seed 000 §七（一）、（四）), as 省科协 issues them:
百优“科服保姆”名单 (by kind, then by unit), 十佳“科服保姆”名单, 优质科创项目名单, 突出贡献单位名单.
No database: ``app/services/awards/papers.py`` gathers the data —

    {"list": "hundred" | "top_ten" | "quality_projects" | "contribution_units",
     "edition": {"name", "year"}, "issuer": str, "issued_on": ISO date or None,
     "groups": [{"heading": str, "subgroups": [{"heading": str or None,
                                                "rows": [[cell, …], …]}]}]}

with the rows' cells in the order of the list's columns (COLUMNS)."""
from __future__ import annotations

from .filters import cn_date
from .render import Rendered, render_pdf

TEMPLATE = "award_list.html"
DEFAULT_ISSUER = "四川省科学技术协会"
ORDINALS = "一二三四五六七八九十"

TITLES = {"hundred": "百优“科服保姆”名单", "top_ten": "十佳“科服保姆”名单",
          "quality_projects": "优质科创项目名单", "contribution_units": "突出贡献单位名单"}
COLUMNS = {
    "hundred": ["序号", "姓名", "所在单位"],
    "top_ten": ["序号", "姓名", "所在单位"],
    "quality_projects": ["序号", "项目名称", "项目方", "所在市（州）", "评定理由"],
    "contribution_units": ["序号", "单位名称", "推荐项目", "入选项目", "签约项目", "评定理由"],
}
INTROS = {
    "hundred": "依据“保姆式”服务成效，经各市（州）科协、省科协学会部按分配名额等额推荐，省科协审定，"
               "以下{count}名同志为{edition}百优“科服保姆”，予以通报表扬。",
    "top_ten": "依据平台累计服务绩效数据，综合考虑服务评价、服务成效等因素，省科协在全省范围内择优"
               "确定以下{count}名同志为{edition}十佳“科服保姆”，予以通报表扬。",
    "quality_projects": "经大会专家委员会评定，以下{count}个项目在{edition}上效果较好，授予"
                        "“{edition}优质科创项目”证书。",
    "contribution_units": "以下{count}个单位在{edition}组织工作中成效突出，授予"
                          "“{edition}突出贡献单位”。",
}


def build_context(data: dict) -> dict:
    code = data["list"]
    edition = (data.get("edition") or {}).get("name") or ""
    groups = [{"heading": g.get("heading") or "", "ordinal": ORDINALS[i % len(ORDINALS)],
               "subgroups": _numbered(g.get("subgroups") or [])}
              for i, g in enumerate(data.get("groups") or [])]
    count = sum(len(s["rows"]) for g in groups for s in g["subgroups"])
    quoted = f"{edition}（科创会）" if edition else ""
    return {"title": TITLES[code], "edition": edition, "issuer": data.get("issuer") or DEFAULT_ISSUER,
            "intro": INTROS[code].format(count=count, edition=quoted or "本届科创会"),
            "columns": COLUMNS[code], "groups": groups, "count": count,
            "issued_on": cn_date(data.get("issued_on")), "list_code": code}


def _numbered(subgroups: list[dict]) -> list[dict]:
    """Each table numbers its rows from 1."""
    return [{"heading": s.get("heading"),
             "rows": [[index, *row] for index, row in enumerate(s.get("rows") or [], start=1)]}
            for s in subgroups]


def render_list(data: dict) -> Rendered:
    context = build_context(data)
    return render_pdf(TEMPLATE, context, title=context["title"])
