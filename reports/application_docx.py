"""项目申报书 as Word (.docx, seed 003 asks for it beside the PDF): the same content as the PDF —
``reports.application.build_context`` — written with python-docx: cover, 申报说明 (专家团), then
the sections of the call kind's form with the printed form's tables, and the 申报单位意见."""
from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from . import application
from .filters import cn_date, cn_month_day, label, number, yes_no

BODY_FONT, HEADING_FONT = "宋体", "黑体"
DRAFT_MARK = "草稿 · 未提交"
NOTES = ("1. 本申报书为{program}评审工作的主要依据之一，申报学会必须保证其真实性和严肃性，填写内容须实事求是，"
         "表述应明确、严谨，相应栏目填写完整，缺项或格式不符的申报材料不予受理。",
         "2. 填写申报书前须认真核查申报资格条件，避免无效申报。",
         "3. 申报书（电子版和纸质版）须按申报通知要求提交，逾期视为放弃申报处理。",
         "4. 本申报书由四川省科协负责解释。")
PLEDGE = ("我会保证申报材料真实、合法、有效。我会承诺将按照法律、法规和政策的有关规定，接受监督和评估，"
          "并承担相应责任。")


def application_docx(data: dict, *, draft: bool = False) -> bytes:
    """The .docx bytes of the 申报书 whose data ``reports.documents`` describes (``application``);
    ``draft`` marks every page's header 草稿 · 未提交, as the PDF's watermark does."""
    context, document = application.build_context(data), Document()
    _fonts(document)
    if draft:
        document.sections[0].header.paragraphs[0].text = DRAFT_MARK
    _cover(document, context)
    if context["notes"]:
        _notes(document, context)
    for section in context["sections"]:
        document.add_heading(section["title"], level=2)
        PARTS[section["part"]](document, context, section)
    _opinion(document, context)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def _fonts(document) -> None:
    """宋体 body, 黑体 headings (the East Asian font is a separate attribute in Word)."""
    for style, font in (("Normal", BODY_FONT), ("Title", HEADING_FONT), ("Heading 1", HEADING_FONT),
                        ("Heading 2", HEADING_FONT)):
        document.styles[style].font.name = font
        document.styles[style].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    document.styles["Normal"].font.size = Pt(12)


def _centred(document, text: str, size: int, bold: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size, run.bold = Pt(size), bold


def _table(document, header: list[str] | None, rows: list[list]) -> None:
    table = document.add_table(rows=0, cols=len(header or rows[0]))
    table.style = "Table Grid"
    for values in ([header] if header else []) + rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = "" if value is None else str(value)


def _cover(document, context: dict) -> None:
    call, cover = context["call"], context["cover"]
    _centred(document, call["head"], 22, bold=True)
    _centred(document, call["tail"], 30, bold=True)
    _centred(document, f"（{call['year']}年度）", 16)
    _table(document, None, [["项目名称", cover["project_name"]],
                            ["申报单位", f"{cover['applicant_unit']}（盖章）"],
                            ["联系人", cover["contact_name"]], ["联系电话", cover["contact_phone"]],
                            ["电子信箱", cover["contact_email"]],
                            ["申请日期", cn_date(cover["application_date"])]])
    _centred(document, "四川省科学技术协会　制", 14)
    document.add_page_break()


def _notes(document, context: dict) -> None:
    document.add_heading("申报说明", level=1)
    for note in NOTES:
        document.add_paragraph(note.format(program=context["call"]["name"]))
    document.add_page_break()


def _unit(document, context: dict, section: dict) -> None:
    unit, call = context["unit"], context["call"]
    years = f"{call['previous_year']}年、{call['last_year']}年"
    name_row = [[section["name_row"][0], section["name_row"][1], "", ""]] if section["name_row"] else []
    _table(document, None, [
        ["学会名称", unit["society_name"], "", ""], *name_row,
        ["学会地址", unit["society_address"], "", ""],
        ["法定代表人", unit["legal_representative"], "手机", unit["legal_representative_mobile"]],
        ["项目负责人", unit["project_leader"], "职务职称", unit["project_leader_title"]],
        ["联系电话", unit["phone"], "手机", unit["mobile"]], ["电子邮箱", unit["email"], "传真", unit["fax"]],
        [f"{call['previous_year']}年度年检结论", unit["inspection_previous"],
         f"{call['last_year']}年度年检结论", unit["inspection_last"]],
        [f"{years}是否受到民政厅或相关行政主管部门行政处罚", "", "", yes_no(unit["penalized"])],
        [f"{years}是否受到四川省科协通报并限期整改", "", "", yes_no(unit["notified"])]])


def _narrative(document, context: dict, section: dict) -> None:
    document.add_paragraph(section["hint"])
    for paragraph in section["paragraphs"]:
        document.add_paragraph(paragraph)


def _fields(document, context: dict, section: dict) -> None:
    _table(document, None, [[row["label"], "\n".join(row["lines"])] for row in section["rows"]])


def _targets(document, context: dict, section: dict) -> None:
    rows = [[n, row["label"], row["required"], row["committed"]]
            for n, row in enumerate(section["rows"], 1)]
    rows += [[n, "", "", ""] for n in range(1, section["blank_rows"] + 1)]
    _table(document, ["序号", "指标", "申报指南要求", "承诺完成"], rows)


def _budget(document, context: dict, section: dict) -> None:
    budget = context["budget"]
    document.add_paragraph(f"项目经费总预算{number(budget['total_wan'], '　')}万元，其中：专项资金"
                           f"{number(budget['special_wan'], '　')}万元，自筹资金"
                           f"{number(budget['self_wan'], '　')}万元。")
    document.add_paragraph("经费支出预算表（单位：万元）")
    rows = [[n, line["item"], number(line["amount_wan"]), label(line["fund_type"], "FUND_TYPES"),
             line["basis"]] for n, line in enumerate(budget["lines"], 1)]
    rows += [[n, "", "", "", ""] for n in range(1, budget["blank_rows"] + 1)]
    by_type = "；".join(f"{fund} {number(amount)}" for fund, amount in budget["by_type"])
    _table(document, ["序号", "支出内容明细", "金额", "资金类别", "测算依据"],
           rows + [["合计", "", number(budget["sum_wan"]), by_type, ""]])


def _schedule(document, context: dict, section: dict) -> None:
    _table(document, ["实施阶段", "工作内容", "责任人"], [
        [f"{phase['name']}\n{cn_month_day(phase['start'], '　月　日')}至"
         f"{cn_month_day(phase['end'], '　月　日')}", "\n".join(phase["work"]), phase["owner"]]
        for phase in context["phases"]])


def _team(document, context: dict, section: dict) -> None:
    _table(document, ["序号", "姓名", "年龄", "职务职称（若属于高层次人才，请写明人才称号）", "工作单位",
                      "承担的工作任务"],
           [[n, member["name"] + ("（领衔专家）" if member["is_lead"] else ""), member["age"],
             "；".join(member["titles"]), member["employer"], member["duty"]]
            for n, member in enumerate(context["members"], 1)])


def _opinion(document, context: dict) -> None:
    pledges = "".join(f"\n我会承诺：{pledge}。" for pledge in context["pledges"])
    _table(document, None, [["申报单位意见", f"{PLEDGE}{pledges}\n法定代表人（签名）：\n单位盖章\n年　月　日"]])


PARTS = {"unit": _unit, "narrative": _narrative, "fields": _fields, "targets": _targets,
         "budget": _budget, "schedule": _schedule, "team": _team}
