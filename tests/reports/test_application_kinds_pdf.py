"""The 申报书 of seed 001's calls — 科技服务团示范项目, 产业创新论坛, 产学融合会议 — read back with
poppler: each prints its own form's sections in order with their Chinese labels, the KPI targets by
name beside the commitments, never a code; blank and half-filled forms print blank cells."""
from __future__ import annotations

import re

import pytest

from forms.brand_event_form import EVENT_CONTENTS, INVITEES
from forms.call_kinds import CALL_KINDS
from forms.choices import FUND_TYPES
from reports import application as app_doc
from reports.application_kinds import PAPERS
from reports.documents import render_document
from tests.reports import pdf
from tests.reports.samples import (
    SOCIETY,
    brand_event_document,
    service_targets,
    service_team_document,
)
from tests.reports.test_application_pdf import (
    assert_inside_margins,
    flat,
    layout,
    raw_pages,
    text_of,
    without_page_numbers,
)

SERVICE_SECTIONS = ["一、项目申报单位基本情况", "二、服务对象与协同工作机制", "三、重点工作内容及具体举措",
                    "四、绩效目标（承诺完成数量）", "五、实施条件及保障措施", "六、项目经费预算",
                    "七、进度安排", "八、服务团成员组成及分工", "申报单位意见"]
EVENT_SECTIONS = ["一、项目申报单位基本情况", "二、活动方案", "三、组织实施举措", "四、项目经费预算",
                  "五、进度安排", "申报单位意见"]
PLATFORM_PLEDGE = "我会承诺：以上所述任务完成情况须经“科创中国”平台确认。"
FUNDING_PLEDGE = "我会承诺：该项目成果不得作为其他财政经费支持的项目成果。"
EXPERT_TEAM_ONLY = ["申报说明", "专家团“深耕”", "科创工作室名称", "本申报书由四川省科协负责解释"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def render(data: dict, *, draft: bool = False, artifact: str | None = None) -> bytes:
    rendered = render_document("application", data, draft=draft)
    if artifact:
        pdf.write_artifact(artifact, rendered.pdf)
    return rendered.pdf


def running(document: bytes) -> str:
    """The text flat, as one run: no page numbers, no watermark (a table or a paragraph may
    go on over a page break)."""
    return without_page_numbers(raw_pages(document)).replace("草稿·未提交", "")


def in_order(text: str, titles: list[str]) -> bool:
    positions = [text.find(flat(title)) for title in titles]
    return -1 not in positions and positions == sorted(positions)


def latin_words(text: str) -> list[str]:
    """Every run of ASCII letters or underscores left once the e-mail addresses are taken out:
    a code printed instead of its label (achievements_gathered, seminar, special …)."""
    return re.findall(r"[A-Za-z_]+", EMAIL.sub("", text))


@pytest.fixture(scope="module")
def service_pdf() -> bytes:
    return render(service_team_document(), artifact="application-service-team.pdf")


@pytest.fixture(scope="module", params=["industry_forum", "academia_meeting"])
def event(request) -> tuple[str, bytes]:
    kind = request.param
    return kind, render(brand_event_document(kind), artifact=f"application-{kind}.pdf")


def test_every_kind_of_call_has_its_paper():
    assert set(PAPERS) == set(CALL_KINDS)
    assert [name for name in PAPERS["service_team"].sections()] == [
        "unit_info", "focus", "key_measures", "commitments", "conditions_and_safeguards",
        "budget", "schedule", "team"]


# 科技服务团示范项目 -------------------------------------------------------------------------

def test_service_team_prints_its_sections_in_the_forms_order(service_pdf):
    text = text_of(service_pdf)
    assert in_order(text, SERVICE_SECTIONS)
    assert flat("“科创中国”专业科技服务团示范项目申报书（2023年度）") in text
    assert [phrase for phrase in EXPERT_TEAM_ONLY if flat(phrase) in text] == []
    assert "一、项目申报单位基本情况" in flat(raw_pages(service_pdf)[1])  # right after the cover


def test_service_team_prints_its_entered_values(service_pdf):
    text, form = running(service_pdf), service_team_document()["form"]
    values = [f"科技服务团名称{form['team_name']}", "服务的“科创中国”试点城市德阳市",
              "服务的重点产业高端装备制造", f"协同工作机制{form['focus']['cooperation']}",
              form["key_measures"], form["conditions_and_safeguards"],
              "项目经费总预算40万元，其中：专项资金30万元，自筹资金10万元。",
              "第一阶段4月15日至6月30日", "专家01（领衔专家）45正高职称", PLATFORM_PLEDGE]
    assert [value for value in values if flat(value) not in text] == []


def test_service_team_targets_print_by_name_with_required_and_committed(service_pdf):
    """Each row: 序号, the KPI's Chinese name, the call's figure, the commitment (5 more)."""
    text = text_of(service_pdf)
    assert "序号指标申报指南要求承诺完成" in text
    rows = [f"{n}{row['label']}{row['target']}{row['unit']}{int(row['target']) + 5}{row['unit']}"
            for n, row in enumerate(service_targets(), 1)]
    assert [row for row in rows if flat(row) not in text] == []
    assert flat("1技术问题初步解决方案50项55项") in text


def test_service_team_prints_no_code(service_pdf):
    text = pdf.text(service_pdf)
    codes = [row["code"] for row in service_targets()] + [code for code, _ in FUND_TYPES]
    assert [code for code in codes if code in text] == []
    assert latin_words(text) == []


def test_service_team_stays_inside_the_margins(service_pdf):
    assert_inside_margins(layout(service_pdf))


def test_blank_service_team_form_prints_the_blank_tables():
    text = text_of(render({"form": {}, "call": {"kind": "service_team"}}, draft=True,
                          artifact="application-service-team-blank.pdf"))
    assert in_order(text, SERVICE_SECTIONS)
    for wanted in ("“科创中国”科技服务团示范项目申报书", "科技服务团名称",
                   "序号指标申报指南要求承诺完成123五、实施条件及保障措施", "（领衔专家）牵头负责服务团全面工作。",
                   "项目经费总预算万元，其中：专项资金万元，自筹资金万元。", "草稿·未提交"):
        assert flat(wanted) in text, wanted


def test_blank_service_team_form_of_a_call_lists_its_targets():
    """Before anything is committed, the call's targets with an empty 承诺完成."""
    text = running(render(service_team_document({}), draft=True))
    rows = "".join(f"{n}{row['label']}{row['target']}{row['unit']}"
                   for n, row in enumerate(service_targets(), 1))
    assert flat(f"承诺完成{rows}五、实施条件及保障措施") in text


def test_partial_service_team_draft_prints_what_is_entered():
    form = {"team_name": "半成品服务团", "focus": {"pilot_city": "绵阳市"},
            "commitments": {"solutions_proposed": "60", "typical_cases": "三个",
                            "not_a_target_of_the_call": "9"},
            "team": {"members": [{"name": "滕照野"}]}}
    text = text_of(render(service_team_document(form), draft=True,
                          artifact="application-service-team-partial.pdf"))
    for wanted in ("科技服务团名称半成品服务团", "服务的“科创中国”试点城市绵阳市", "服务的重点产业",
                   "1技术问题初步解决方案50项60项", "2解决技术问题（签署合同）5项3", "5技术转移转化典型案例2个三个",
                   "滕照野（领衔专家）", PLATFORM_PLEDGE):
        assert flat(wanted) in text, wanted
    assert "not_a_target" not in text and latin_words(text) == []


# 品牌活动: 产业创新论坛, 产学融合会议 ------------------------------------------------------------

def test_brand_event_prints_its_sections_in_the_forms_order(event):
    kind, document = event
    text = text_of(document)
    assert in_order(text, EVENT_SECTIONS)
    name = "产业创新论坛申报书" if kind == "industry_forum" else "产学融合会议项目申报书"
    assert flat(f"“科创中国”{name}（2023年度）") in text
    assert [phrase for phrase in EXPERT_TEAM_ONLY + ["成员组成及分工"] if flat(phrase) in text] == []
    assert FUNDING_PLEDGE in text


def test_brand_event_plan_prints_its_labels_and_values(event):
    kind, document = event
    text = text_of(document)
    forum = kind == "industry_forum"
    name = "产业创新论坛" if forum else "产学融合会议"
    values = [f"活动主标题“科创中国”智能装备{name}", "举办地（“科创中国”试点城市）德阳市",
              "聚焦的重点产业智能装备",
              "举办日期2023年9月20日至9月21日（会期2天）" if forum
              else "举办日期2023年9月20日至9月20日（会期1天）",
              "论坛安排主论坛1场，平行论坛（分会场）3场" if forum else "平行论坛（分会场）0场",
              "活动内容高端研讨、政产学研用对接、“揭榜挂帅”",
              "邀请参会地方党委政府领导、产业部门专家、“双创”示范基地代表、当地重点园区和企业代表",
              "国家级媒体科技日报（共1家）", "地方媒体01、地方媒体02", "地方媒体10（共10家）",
              "对接“科创中国”平台专人周明远", "专人手机13900000011",
              f"联动科技服务团专家开展技术咨询、技术推广、成果对接等活动（次）{4 if forum else 2}",
              "拟提交的智库报告题目智能装备产业链关键环节短板与对策",
              "第二阶段7月1日至12月31日"]
    assert [value for value in values if flat(value) not in text] == []
    assert ("论坛安排" in text) == forum


def test_brand_event_prints_no_code(event):
    _, document = event
    text = pdf.text(document)
    codes = [code for code, _ in EVENT_CONTENTS + INVITEES + FUND_TYPES]
    assert [code for code in codes if code in text] == []
    assert latin_words(text) == []


def test_blank_and_partial_brand_event_forms_render():
    blank = text_of(render({"form": {}, "call": {"kind": "industry_forum"}}, draft=True,
                           artifact="application-industry-forum-blank.pdf"))
    assert in_order(blank, EVENT_SECTIONS)
    assert flat("“科创中国”产业创新论坛项目申报书") in blank and "活动主标题" in blank
    assert "123合计" in blank and "草稿·未提交" in blank
    form = {"plan": {"title": "“科创中国”半成品产业创新论坛", "start": "2023-09-20", "end": "九月",
                     "contents": ["seminar", "no_such_content"], "media": {"local": "四川日报"}}}
    partial = text_of(render(brand_event_document("industry_forum", form), draft=True))
    for wanted in ("活动主标题“科创中国”半成品产业创新论坛", "举办日期2023年9月20日至月日",
                   "活动内容高端研讨邀请参会", "省市两级地方媒体四川日报（共1家）", FUNDING_PLEDGE):
        assert flat(wanted) in partial, wanted
    assert latin_words(partial) == []


# build_context (pure) ---------------------------------------------------------------------

def test_context_routes_by_the_calls_kind():
    service = app_doc.build_context(service_team_document())
    assert service["kind"] == "service_team" and not service["notes"]
    assert [section["part"] for section in service["sections"]] == [
        "unit", "fields", "narrative", "targets", "narrative", "budget", "schedule", "team"]
    assert service["sections"][0]["name_row"] == ("科技服务团名称", f"{SOCIETY}科技服务团")
    forum = app_doc.build_context(brand_event_document("industry_forum"))
    assert [section["part"] for section in forum["sections"]] == [
        "unit", "fields", "narrative", "budget", "schedule"]
    assert forum["sections"][0]["name_row"] is None
    expert = app_doc.build_context({"form": {}, "call": {"kind": "no_such_kind"}})
    assert expert["kind"] == "expert_team" and expert["notes"]
