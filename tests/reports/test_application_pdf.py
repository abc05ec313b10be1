"""项目申报书 PDF (seed 003): read back with poppler the way a reviewer checks a printed form."""
from __future__ import annotations

import html
import re
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest

from reports import application as app_doc
from reports.documents import render_document
from reports.filters import number as amount
from tests.forms.factories import application
from tests.reports import pdf
from tests.reports.samples import CALL, RARE_CHARS, document, long_application

MM = 72 / 25.4
MARGINS = {"top": 25 * MM, "right": 22 * MM, "bottom": 24 * MM, "left": 26 * MM}  # document.css
TOLERANCE = 2.0  # points: glyph boxes may reach a little past the line box

SECTION_TITLES = ["一、项目申报单位基本情况", "二、重点工作内容及具体举措", "三、项目目标及预期成效",
                  "四、项目实施条件及保障措施", "五、项目经费预算", "六、进度安排", "七、专家团成员组成及分工"]
FORM_TEXTS = [
    "天府科技云专家团“深耕”赋能行动示范项目申报书", "（2024年度）",
    "项目名称", "申报单位", "（盖章）", "联系人", "联系电话", "电子信箱", "申请日期", "四川省科学技术协会制",
    "申报说明",
    "1.本申报书为天府科技云专家团“深耕”赋能行动示范项目评审工作的主要依据之一，申报学会必须保证其真实性"
    "和严肃性，填写内容须实事求是，表述应明确、严谨，相应栏目填写完整，缺项或格式不符的申报材料不予受理。",
    "2.填写申报书前须认真核查申报资格条件，避免无效申报。",
    "3.申报书（电子版和纸质版）须按申报通知要求提交，逾期视为放弃申报处理。",
    "4.本申报书由四川省科协负责解释。",
    "学会名称", "科创工作室名称", "学会地址", "法定代表人", "手机", "项目负责人", "职务职称", "电子邮箱", "传真",
    "2022年度年检结论", "2023年度年检结论",
    "2022年、2023年是否受到民政厅或相关行政主管部门行政处罚",
    "2022年、2023年是否受到四川省科协通报并限期整改",
    *(hint for _, _, hint in app_doc.NARRATIVES),
    "经费支出预算表", "单位：万元", "序号", "支出内容明细", "金额", "资金类别", "测算依据", "合计",
    "实施阶段", "工作内容", "责任人",
    "姓名", "年龄", "职务职称（若属于高层次人才，请写明人才称号）", "工作单位", "承担的工作任务", "（领衔专家）",
    "申报单位意见",
    "我会保证申报材料真实、合法、有效。我会承诺将按照法律、法规和政策的有关规定，接受监督和评估，"
    "并承担相应责任。",
    "法定代表人（签名）：", "单位盖章", "年月日",
]


def flat(text: str) -> str:
    """No whitespace, no hyphens (pdftotext joins a line ending in "-" to the next without it)."""
    return re.sub(r"[\s\-]+", "", text)


def raw_pages(document_pdf: bytes) -> list[str]:
    """The text of each page in drawing order (pdftotext -raw): WeasyPrint draws in document
    order, so a cell's or a paragraph's text comes out whole, where the default layout analysis
    may interleave the lines of neighbouring cells or of the watermark."""
    return pdf.raw_text(document_pdf).split("\f")[:-1]


def text_of(document_pdf: bytes) -> str:
    """All the text, flat (see ``flat``)."""
    return "".join(flat(page) for page in raw_pages(document_pdf))


def without_page_numbers(pages: list[str]) -> str:
    """The pages' text run together, their "— n —" footers taken out."""
    return "".join(re.sub(r"—\d+—", "", flat(page)) for page in pages)


@dataclass
class Box:
    """A word, or a block of words (pdftotext puts each table cell in a block of its own)."""
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    words: list[Box]
    blocks: list[Box]


_NUMBER = r'"(-?[\d.]+)"'
_PAGE = re.compile(rf'<page width={_NUMBER} height={_NUMBER}>(.*?)</page>', re.S)
_BOX = rf'xMin={_NUMBER} yMin={_NUMBER} xMax={_NUMBER} yMax={_NUMBER}>'
_BLOCK = re.compile(rf'<block {_BOX}(.*?)</block>', re.S)
_WORD = re.compile(rf'<word {_BOX}(.*?)</word>')


def layout(document_pdf: bytes) -> list[Page]:
    """Every word and block with its box (points from the page's top left), page by page."""
    xhtml = pdf.bbox_layout(document_pdf)
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(xhtml), start=1):
        blocks, words = [], []
        for *box, content in _BLOCK.findall(body):
            inside = [Box(html.unescape(text), number, *map(float, edges))
                      for *edges, text in _WORD.findall(content)]
            words += inside
            blocks.append(Box("".join(word.text for word in inside), number, *map(float, box)))
        pages.append(Page(float(width), float(height), words, blocks))
    return pages


def render(data: dict, *, draft: bool = False, artifact: str | None = None) -> bytes:
    rendered = render_document("application", data, draft=draft)
    if artifact:
        pdf.write_artifact(artifact, rendered.pdf)
    return rendered.pdf


@pytest.fixture(scope="module")
def typical() -> bytes:
    return render(document(), artifact="application-typical.pdf")


@pytest.fixture(scope="module")
def drafted() -> bytes:
    return render(document(), draft=True, artifact="application-draft.pdf")


@pytest.fixture(scope="module")
def long_form() -> dict:
    return long_application()


@pytest.fixture(scope="module")
def long_pdf(long_form) -> bytes:
    return render(document(long_form), artifact="application-long.pdf")


# The typical application ------------------------------------------------------------------

def test_every_title_label_and_form_text_is_printed(typical):
    text = text_of(typical)
    missing = [wanted for wanted in SECTION_TITLES + FORM_TEXTS if flat(wanted) not in text]
    assert missing == []


def test_entered_values_are_printed(typical):
    form, text = application(), text_of(typical)
    cover, unit = form["cover"], form["unit_info"]
    values = [cover[key] for key in ("project_name", "applicant_unit", "contact_name",
                                     "contact_phone", "contact_email")]
    values += ["2024年3月25日", form["studio_name"], form["key_measures"],
               form["goals_and_outcomes"], form["conditions_and_safeguards"]]
    values += [value for key, value in unit.items() if isinstance(value, str) and value]
    values += ["项目经费总预算40万元，其中：专项资金30万元，自筹资金10万元。"]
    for line in form["budget"]["lines"]:
        values += [line["item"], line["amount_wan"], line["basis"]]
    values += ["第一阶段5月1日至6月30日", "第二阶段7月1日至10月31日", "第三阶段11月1日至12月31日"]
    for phase in form["schedule"]["phases"]:
        values += [phase["work"], phase["owner"]]
    for member in form["team"]["members"]:
        values += [member["name"], str(member["age"]), member["title"], member["employer"],
                   member["duty"]]
    missing = [value for value in values if flat(value) not in text]
    assert missing == []


def test_budget_total_row_sums_the_lines(typical):
    """合计 40 and 专项资金 30 / 自筹资金 10 on the row of 合计 (same baseline band)."""
    words = [word for page in layout(typical) for word in page.words]
    total = next(word for word in words if word.text == "合计")
    row = [word.text for word in words
           if word.page == total.page and word.y0 < total.y1 + 12 and word.y1 > total.y0 - 12]
    assert "40" in row
    assert flat("".join(row)).count("专项资金30") == 1 and "自筹资金10" in flat("".join(row))


def test_a4_title_and_fonts(typical):
    info = pdf.info(typical)
    assert pdf.is_a4(info.page_size)
    assert all(pdf.is_a4((page.width, page.height)) for page in layout(typical))
    assert info.title == "新材料产业科技赋能示范项目 申报书"
    assert 3 <= info.pages <= 5
    fonts = pdf.fonts(typical)
    assert fonts and all(font.embedded for font in fonts)
    used = {font.name.split("+")[-1] for font in fonts}
    assert {"Grantflow-Serif", "Grantflow-Sans-Bold"} <= used


def test_cover_has_no_page_number_and_the_next_page_is_one(typical):
    pages = raw_pages(typical)
    assert not re.search(r"—\s*\d+\s*—", pages[0])
    assert re.search(r"—\s*1\s*—", pages[1]) and "申报说明" in flat(pages[1])
    assert "一、项目申报单位基本情况" in flat(pages[2])  # the sections start on a new page


def test_lead_expert_is_the_first_row(typical):
    text = text_of(typical)
    assert text.index("1林知远（领衔专家）40研究员") < text.index("2周若溪41研究员")


def test_nothing_outside_the_margins(typical):
    assert_inside_margins(layout(typical))


# Draft watermark, blank and partial forms --------------------------------------------------

def test_draft_watermark_on_every_page(drafted, typical):
    pages = raw_pages(drafted)
    assert len(pages) == pdf.info(drafted).pages
    assert all("草稿·未提交" in flat(page) for page in pages)
    assert "草稿" not in pdf.text(typical)


def test_blank_form_renders_with_the_printed_blanks():
    blank = render({"form": {}, "call": {}, "submitted_at": None}, draft=True,
                   artifact="application-blank.pdf")
    text = text_of(blank)
    assert [title for title in SECTION_TITLES if title not in text] == []
    for wanted in ("天府科技云专家团“深耕”赋能行动示范项目申报书", "（盖章）", "申报单位意见",
                   "第一阶段月日至月日", "第三阶段月日至月日", "（领衔专家）牵头负责专家团全面工作。",
                   "项目经费总预算万元，其中：专项资金万元，自筹资金万元。"):
        assert wanted in text
    assert pdf.info(blank).title == "项目申报书"
    render({}, draft=True)  # no data at all


def test_partial_draft_renders_what_is_entered():
    form = {"cover": {"project_name": "草稿中的示范项目", "application_date": "三月"},
            "unit_info": {"society_name": "四川省示例学会", "penalized": False},
            "key_measures": "第一段。\n\n第二段。",
            "budget": {"lines": [{"item": "专家咨询费", "amount_wan": "2.5", "fund_type": "special"},
                                 {"item": "金额未填的支出", "amount_wan": "", "fund_type": "self"},
                                 {"item": "金额写错的支出", "amount_wan": "三万", "fund_type": "self"}]},
            "schedule": {"phases": [{"start": "2024-05-01", "end": "2024-02-30"}]},
            "team": {"members": [{"name": "甘若谷"}, None, {"name": "奚知秋", "age": 51}]}}
    drafted = render({"form": form, "call": CALL, "submitted_at": None}, draft=True,
                     artifact="application-partial.pdf")
    text = text_of(drafted)
    for wanted in ("草稿中的示范项目", "四川省示例学会", "第一段。", "第二段。", "专家咨询费", "2.5",
                   "金额写错的支出", "三万", "第一阶段5月1日至月日", "甘若谷（领衔专家）", "奚知秋",
                   "草稿·未提交"):
        assert wanted in text


# The long application: grows, never overflows, never cuts ---------------------------------

def test_long_application_grows_and_prints_everything(long_pdf, long_form, typical):
    assert pdf.info(long_pdf).pages > pdf.info(typical).pages + 8
    text = text_of(long_pdf)
    running = without_page_numbers(raw_pages(long_pdf))
    narrative = long_form["key_measures"]
    assert len(flat(narrative)) == 2000
    assert all(flat(paragraph) in running for paragraph in narrative.splitlines())
    for key in ("goals_and_outcomes", "conditions_and_safeguards"):
        assert all(flat(paragraph) in running for paragraph in long_form[key].splitlines())
    members = long_form["team"]["members"]
    assert len(members) == 40
    missing = [member["name"] for member in members
               if flat(member["name"]) not in text or flat(member["duty"]) not in text]
    assert missing == []
    for value in (long_form["unit_info"]["society_address"], long_form["unit_info"]["email"],
                  long_form["cover"]["contact_email"], long_form["cover"]["project_name"]):
        assert flat(value) in text
    total = amount(long_form["budget"]["total_wan"])
    assert f"合计{total}" in text and f"项目经费总预算{total}万元" in text


def test_long_application_keeps_rare_characters(long_pdf):
    text = pdf.text(long_pdf)
    assert "\ufffd" not in text
    for name in ("欧阳堃", "司马喆", "诸葛𠮷安"):
        assert name in text
    assert all(char in text for char in RARE_CHARS)
    fonts = pdf.fonts(long_pdf)
    assert all(font.embedded for font in fonts)


def test_long_application_stays_inside_the_margins(long_pdf):
    pages = layout(long_pdf)
    assert all(pdf.is_a4((page.width, page.height)) for page in pages)
    assert_inside_margins(pages)


def test_team_rows_never_split_and_the_header_repeats(long_pdf, long_form):
    """Each member's cells are whole, on one page, side by side in one row band; every page the
    table runs over starts with its header row."""
    pages = layout(long_pdf)
    blocks = [block for page in pages for block in page.blocks]
    team_pages = set()
    for member in long_form["team"]["members"]:
        task = [block for block in blocks if flat(block.text) == flat(member["duty"])]
        assert len(task) == 1, f"{member['name']}: the task cell is split or missing"
        cell = task[0]
        names = {flat(member["name"]), flat(member["name"]) + "（领衔专家）"}
        beside = [block for block in pages[cell.page - 1].blocks
                  if flat(block.text) in names | {flat(member["employer"])}
                  and cell.y0 <= (block.y0 + block.y1) / 2 <= cell.y1 and block.x1 <= cell.x0]
        assert len(beside) == 2, f"{member['name']}: name and 工作单位 not on the task's row"
        team_pages.add(cell.page)
    assert len(team_pages) >= 4
    texts = [flat(text) for text in raw_pages(long_pdf)]
    for number in sorted(team_pages):
        page = pages[number - 1]
        header = [block for block in page.blocks if block.text == "承担的工作任务"]
        assert len(header) == 1, f"page {number}: the header row is not repeated"
        rows = [block for block in page.blocks if block.text.startswith("负责第")]
        assert all(header[0].y1 <= block.y0 for block in rows)
        assert "职务职称（若属于高层次人才，请写明人才称号）" in texts[number - 1]


# Helpers ----------------------------------------------------------------------------------

def assert_inside_margins(pages: list[Page]) -> None:
    outside = []
    for page in pages:
        left, right = MARGINS["left"] - TOLERANCE, page.width - MARGINS["right"] + TOLERANCE
        top, bottom = MARGINS["top"] - TOLERANCE, page.height - MARGINS["bottom"] + TOLERANCE
        for word in page.words:
            if not (0 <= word.x0 and word.x1 <= page.width and 0 <= word.y0
                    and word.y1 <= page.height):
                outside.append(word)
            elif re.fullmatch(r"[—\d]+", word.text) and word.y0 >= bottom - TOLERANCE:
                continue  # the page number, in the bottom margin
            elif word.x0 < left or word.x1 > right or word.y0 < top or word.y1 > bottom:
                outside.append(word)
    assert outside == []


# build_context (pure) ---------------------------------------------------------------------

def test_context_sums_the_budget_and_orders_the_team():
    form = application()
    form["team"]["members"].reverse()  # the 领衔专家 last
    context = app_doc.build_context({"form": form, "call": CALL, "submitted_at": None})
    assert context["title"] == "新材料产业科技赋能示范项目 申报书"
    assert context["budget"]["sum_wan"] == Decimal("40")
    assert context["budget"]["by_type"] == [("专项资金", Decimal("30")), ("自筹资金", Decimal("10"))]
    assert context["members"][0]["name"] == "林知远" and context["members"][0]["is_lead"]
    assert [row["is_lead"] for row in context["members"][1:]] == [False] * 9
    assert context["call"]["previous_year"] == 2022 and context["call"]["last_year"] == 2023
    assert [row["name"] for row in context["phases"]] == ["第一阶段", "第二阶段", "第三阶段"]


def test_context_of_nothing_is_the_blank_form():
    for data in ({}, {"form": None, "call": None}, {"form": {"budget": "x", "team": []}}):
        context = app_doc.build_context(data)
        assert context["title"] == "项目申报书"
        assert context["budget"]["lines"] == [] and context["budget"]["blank_rows"] == 3
        assert context["budget"]["sum_wan"] == "" and context["budget"]["by_type"] == []
        assert [row["name"] for row in context["phases"]] == ["第一阶段", "第二阶段", "第三阶段"]
        assert len(context["members"]) == 5 and context["members"][0]["duty"] == "牵头负责专家团全面工作。"
        assert context["cover"]["project_name"] == "" and context["unit"]["penalized"] == ""


def test_context_numbers_phases_past_ten():
    phases = [{"start": "2024-01-01"} for _ in range(12)]
    context = app_doc.build_context({"form": {"schedule": {"phases": phases}}})
    assert [row["name"] for row in context["phases"]][9:] == ["第十阶段", "第十一阶段", "第十二阶段"]


# Speed (measured and printed, not asserted: the machine is shared) ------------------------

def test_warm_render_time_is_reported(capsys, long_form):
    timings = {}
    for label, data in (("typical", document()), ("long", document(long_form))):
        render_document("application", data)  # warm
        runs = 5 if label == "typical" else 2
        seconds, pages = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            pages = render_document("application", data).pages
            seconds.append(time.perf_counter() - started)
        timings[label] = (pages, min(seconds) * 1000, statistics.median(seconds) * 1000)
    with capsys.disabled():
        for label, (pages, best, median) in timings.items():
            print(f"\n申报书 {label}: {pages} pages, warm render best {best:.0f} ms, "
                  f"median {median:.0f} ms")


# The call's own program, and a cover title that breaks cleanly -------------------------------

LONG_TITLES = ["2024年度天府科技云专家团“深耕”赋能行动示范项目",
               "2023年“科创中国”产业科技服务团示范项目",
               "四川省科学技术协会2024年度“科创中国”区域科技服务团暨天府科技云专家团“深耕”赋能行动示范项目"]


def cover_title_lines(document_pdf: bytes) -> list[str]:
    """The cover's title lines as pdftotext -layout sets them (everything above 项目名称)."""
    cover = pdf.text(document_pdf, layout=True).split("\f")[0]
    return [line.strip() for line in cover.split("项目名称")[0].splitlines() if line.strip()]


@pytest.mark.parametrize("name", LONG_TITLES)
def test_a_long_cover_title_breaks_between_its_words(name):
    """No 示范 (nor any 1–2 characters) alone on a line of the cover title."""
    data = {**document(), "call": {"name": name, "year": 2024}}
    lines = cover_title_lines(render_document("application", data).pdf)
    assert all(len(line.replace(" ", "")) > 2 for line in lines), lines
    assert "示范" not in lines and flat("".join(lines)).endswith("示范项目申报书（2024年度）")


def test_the_title_pieces_keep_words_together():
    assert app_doc.title_parts("“科创中国”产业科技服务团示范") == ["“科创中国”", "产业科技服务团示范"]
    assert app_doc.title_parts("天府科技云专家团“深耕”赋能行动示范") == [
        "天府科技云专家团", "“深耕”", "赋能行动示范"]


def test_the_notes_name_the_calls_own_program():
    """A 科技服务团 call's 申报书 names its program, not the 专家团's; the year goes on the cover."""
    data = {**document(), "call": {"name": "2023年“科创中国”专业科技服务团示范项目", "year": 2023}}
    text = flat(pdf.text(render_document("application", data).pdf))
    assert "本申报书为“科创中国”专业科技服务团示范项目评审工作的主要依据之一" in text
    assert "专家团“深耕”" not in text and "（2023年度）" in text
