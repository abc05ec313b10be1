"""科创项目推介表: one A4 page per project, handed out at the conference. The 项目简介 (up to
2000 字) is set smaller as it grows and, past what one page holds, shortened with a pointer to
the full text on the platform — estimated from character widths, since a render is one pass."""
from __future__ import annotations

import math

from forms import choices

from .charts import text_width
from .filters import label, number

TEMPLATE = "project_sheet.html"
PT_MM = 25.4 / 72
SUMMARY_WIDTH_MM = 127     # the 项目简介 cell's text width (see project_sheet.html), less ~1 字
SUMMARY_HEIGHT_MM = 108    # what is left of the page for it when every other field is one line
LINE_COST_MM = 6.2         # one more line of a wrapped name elsewhere in the table
TIERS = ((11.0, 1.6), (10.0, 1.5), (9.0, 1.45))  # (font size pt, line height) tried in turn
MATERIALS = {"video_ref": "推介视频", "introduction_ref": "项目介绍资料", "proof_ref": "成果证明材料"}


def build_context(data: dict) -> dict:
    details = data.get("details") or {}
    title = data.get("title") or details.get("title") or ""
    owner = data.get("owner") or details.get("owner_unit") or ""
    listing = details.get("platform_listing_id") or ""
    return {
        "title": "科创项目推介表",
        "edition_name": (data.get("edition") or {}).get("name") or "",
        "project_title": title, "listing_id": listing,
        "project_type": label(data.get("project_type"), "PROJECT_TYPES"),
        "sector": label(data.get("sector") or details.get("sector"), "SECTORS", "—"),
        "intent": label(data.get("intent"), "INTENTS", "—"),
        "city": data.get("city") or "—",
        "owner": owner, "recommender": data.get("recommender") or "",
        "concierge": data.get("concierge") or "—",
        "financing": f"{number(details['financing_need_wan'])}万元"
                     if details.get("financing_need_wan") not in (None, "") else "—",
        "materials": materials(data.get("project_type"), details),
        "summary": fit_summary(details.get("summary"), listing,
                               summary_height(title, owner, data.get("recommender"),
                                              details.get("contact_name"))),
        "contact_name": details.get("contact_name") or "",
        "contact_phone": details.get("contact_phone") or "",
    }


def summary_height(title, owner, recommender, contact) -> float:
    """The 项目简介's height: what is left once the names around it have wrapped."""
    # characters per line of each cell, one less than fits (避头尾 pushes characters down)
    lines = (extra_lines(title, 28) + extra_lines(owner, 32) + extra_lines(recommender, 10)
             + extra_lines(contact, 10))
    return SUMMARY_HEIGHT_MM - lines * LINE_COST_MM


def extra_lines(text, per_line: int) -> int:
    """Lines beyond the first that ``text`` takes in a cell of ``per_line`` CJK characters."""
    return max(0, math.ceil(text_width(str(text or ""), 1) / per_line) - 1)


def materials(project_type, details: dict) -> list[dict]:
    """The materials the type requires (no proof for 难题攻关 and 金融创新产品), each provided or not."""
    keys = choices.REQUIRED_MATERIALS.get(project_type, tuple(MATERIALS))
    return [{"name": MATERIALS[key], "provided": bool(details.get(key))} for key in keys]


def fit_summary(text, listing_id: str, height_mm: float) -> dict:
    """The summary's paragraphs at the largest size that fits ``height_mm``; at the smallest,
    cut to fit and ended with "……" plus where the full text is."""
    paragraphs = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    for size, leading in TIERS:
        per_line, lines = _capacity(size, leading, height_mm)
        if sum(_lines(p, per_line) for p in paragraphs) <= lines:
            return {"paragraphs": paragraphs, "size": size, "leading": leading, "note": "",
                    "height_mm": round(height_mm, 1)}
    size, leading = TIERS[-1]
    per_line, lines = _capacity(size, leading, height_mm)
    where = f"（发布编号{listing_id}）" if listing_id else ""
    return {"paragraphs": shorten(paragraphs, per_line, lines - 1), "size": size,
            "leading": leading, "note": f"（简介有删节，全文见天府科技云平台{where}）",
            "height_mm": round(height_mm, 1)}


def _capacity(size: float, leading: float, height_mm: float) -> tuple[int, int]:
    """(characters per line, lines) of the summary cell at this size."""
    # one character less per line: 避头尾 (no "，" at a line's start) pushes characters down
    return (int(SUMMARY_WIDTH_MM / (size * PT_MM)) - 1,
            max(3, int(height_mm / (size * PT_MM * leading))))


def _lines(paragraph: str, per_line: int) -> int:
    """Lines of one paragraph, its 2-字 first-line indent included."""
    return max(1, math.ceil((2 + text_width(paragraph, 1)) / per_line))


def shorten(paragraphs: list[str], per_line: int, lines: int) -> list[str]:
    """Whole paragraphs while they fit, then the next one cut to the lines left; "……" ends it."""
    kept = []
    for paragraph in paragraphs:
        needed = _lines(paragraph, per_line)
        if needed > lines:
            cut = prefix(paragraph, lines * per_line - 4).rstrip("，。；、,.; ")
            if cut:
                kept.append(cut)
            break
        kept.append(paragraph)
        lines -= needed
    if kept:
        kept[-1] += "……"
    return kept


def prefix(text: str, width_em: float) -> str:
    """The longest start of ``text`` at most ``width_em`` wide."""
    used = 0.0
    for index, ch in enumerate(text):
        used += text_width(ch, 1)
        if used > width_em:
            return text[:index]
    return text
