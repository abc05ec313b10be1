"""项目申报书 in Word: opened with python-docx, it has the PDF's sections, tables and values."""
from __future__ import annotations

from io import BytesIO

import docx

from reports import application as app_doc
from reports.application_docx import DRAFT_MARK, application_docx
from tests.reports.samples import (
    brand_event_document,
    document,
    service_targets,
    service_team_document,
)
from tests.reports.test_application_kinds_pdf import (
    EVENT_SECTIONS,
    FUNDING_PLEDGE,
    PLATFORM_PLEDGE,
    SERVICE_SECTIONS,
    latin_words,
)

HEADINGS = ["申报说明", "一、项目申报单位基本情况", *(title for _, title, _ in app_doc.NARRATIVES),
            "五、项目经费预算", "六、进度安排", "七、专家团成员组成及分工"]


def opened(data: dict, **options) -> docx.Document:
    return docx.Document(BytesIO(application_docx(data, **options)))


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_docx_has_every_section_in_order_with_the_calls_program():
    word = opened({**document(), "call": {"name": "2023年“科创中国”专业科技服务团示范项目", "year": 2023}})
    texts = [p.text for p in word.paragraphs]
    assert [t for t in texts if t in HEADINGS] == HEADINGS
    assert texts[:3] == ["“科创中国”专业科技服务团示范", "项目申报书", "（2023年度）"]
    assert any(t.startswith("1. 本申报书为“科创中国”专业科技服务团示范项目评审工作") for t in texts)
    assert "组建专家团，围绕先进材料产业开展科技服务。" in texts
    assert word.sections[0].header.paragraphs[0].text == ""


def test_the_docx_tables_carry_the_forms_values():
    cover, unit, budget, schedule, team, opinion = opened(document()).tables
    assert ["项目名称", "新材料产业科技赋能示范项目"] in cells(cover)
    assert ["申请日期", "2024年3月25日"] in cells(cover)
    assert ["法定代表人", "江望舒", "手机", "13800000001"] in cells(unit)
    assert cells(unit)[-1][-1] == "否" and cells(unit)[7][0] == "2022年度年检结论"
    assert cells(budget)[0] == ["序号", "支出内容明细", "金额", "资金类别", "测算依据"]
    assert cells(budget)[1][:4] == ["1", "专家咨询与技术服务费", "18", "专项资金"]
    assert cells(budget)[-1][:3] == ["合计", "", "40"]
    assert cells(schedule)[1][0] == "第一阶段\n5月1日至6月30日"
    lead = cells(team)[1]
    assert lead[1].endswith("（领衔专家）") and len(cells(team)) > 10
    assert cells(opinion)[0][0] == "申报单位意见"


def test_a_draft_docx_is_marked_and_a_blank_one_has_the_forms_empty_rows():
    word = opened({"form": {}, "call": {}}, draft=True)
    assert word.sections[0].header.paragraphs[0].text == DRAFT_MARK
    budget, schedule, team = word.tables[2:5]
    assert (len(budget.rows), len(schedule.rows), len(team.rows)) == (5, 4, 6)
    assert [p.text for p in word.paragraphs][:2] == ["天府科技云专家团“深耕”赋能行动示范", "项目申报书"]


def all_text(word) -> str:
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_a_service_team_docx_has_its_sections_targets_and_pledge():
    word = opened(service_team_document())
    texts = [p.text for p in word.paragraphs]
    assert [t for t in texts if t in SERVICE_SECTIONS] == SERVICE_SECTIONS[:-1]
    assert texts[:3] == ["“科创中国”专业科技服务团示范", "项目申报书", "（2023年度）"]
    assert "申报说明" not in texts
    _, unit, focus, targets, *_, opinion = word.tables
    assert cells(unit)[1][:2] == ["科技服务团名称", "四川省机械工程学会科技服务团"]
    assert ["服务的“科创中国”试点城市", "德阳市"] in cells(focus)
    assert cells(targets)[0] == ["序号", "指标", "申报指南要求", "承诺完成"]
    assert cells(targets)[1:] == [[str(n), row["label"], f"{row['target']}{row['unit']}",
                                   f"{int(row['target']) + 5}{row['unit']}"]
                                  for n, row in enumerate(service_targets(), 1)]
    assert PLATFORM_PLEDGE in cells(opinion)[0][1]
    assert latin_words(all_text(word)) == []


def test_a_brand_event_docx_has_its_plan_and_pledge():
    word = opened(brand_event_document("industry_forum"), draft=True)
    texts = [p.text for p in word.paragraphs]
    assert [t for t in texts if t in EVENT_SECTIONS] == EVENT_SECTIONS[:-1]
    _, unit, plan, _, _, opinion = word.tables
    assert "科创工作室名称" not in all_text(word) and len(cells(unit)) == 9
    assert ["举办日期", "2023年9月20日至9月21日（会期2天）"] in cells(plan)
    assert ["活动内容", "高端研讨、政产学研用对接、“揭榜挂帅”"] in cells(plan)
    assert FUNDING_PLEDGE in cells(opinion)[0][1]
    assert latin_words(all_text(word)) == []
    assert word.sections[0].header.paragraphs[0].text == DRAFT_MARK


def test_blank_docx_of_each_seed_001_kind_has_the_empty_rows():
    service = opened({"form": {}, "call": {"kind": "service_team"}}, draft=True)
    targets = service.tables[3]
    assert [row[0] for row in cells(targets)] == ["序号", "1", "2", "3"]
    meeting = opened({"form": {}, "call": {"kind": "academia_meeting"}}, draft=True)
    assert [p.text for p in meeting.paragraphs][:2] == ["“科创中国”产学融合会议", "项目申报书"]
    assert ["平行论坛（分会场）", ""] in cells(meeting.tables[2])
