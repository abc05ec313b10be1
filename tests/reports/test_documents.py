"""The printed documents besides the 申报书, checked as a reviewer would: their text as pdftotext
reads it, A4 pages, embedded fonts, the one-page 推介表, charts present in the PDF."""
import re
import time
from copy import deepcopy

import pytest

from reports import approval_notice, conference_report, evaluation_report, project_sheet
from reports.documents import document_html, render_document

from . import doc_samples as samples
from .pdf import fonts, info, is_a4, page_texts, squeezed, text, write_artifact

SAMPLES = {
    "approval_notice": samples.APPROVAL,
    "evaluation_report": samples.EVALUATION_FAILED,
    "project_sheet": samples.PROJECT_SHEET,
    "conference_report": samples.CONFERENCE,
}


def table_rows(pdf: bytes) -> str:
    """pdftotext -layout with runs of spaces made one: a table row reads "成都 166 98 24 …"."""
    return re.sub(r"[ \t]+", " ", text(pdf, layout=True))


def render(code: str, data: dict, artifact: str | None = None):
    rendered = render_document(code, data)
    if artifact:
        write_artifact(artifact, rendered.pdf)
    return rendered


@pytest.mark.parametrize("code", SAMPLES)
def test_document_is_a4_with_its_title_and_embedded_fonts(code):
    rendered = render(code, SAMPLES[code], f"{code}.pdf")
    found = info(rendered.pdf)
    assert is_a4(found.page_size) and found.pages == rendered.pages
    assert found.title == {"approval_notice": "立项通知书", "evaluation_report": "绩效评估报告",
                           "project_sheet": "科创项目推介表",
                           "conference_report": "科创会成果统计报告"}[code]
    used = fonts(rendered.pdf)
    assert used and all(font.embedded for font in used)
    assert any("Grantflow" in font.name for font in used)


@pytest.mark.parametrize("code", SAMPLES)
def test_build_context_leaves_the_data_untouched(code):
    data = deepcopy(SAMPLES[code])
    module = {"approval_notice": approval_notice, "evaluation_report": evaluation_report,
              "project_sheet": project_sheet, "conference_report": conference_report}[code]
    context = module.build_context(data)
    assert data == SAMPLES[code] and context["title"]


def test_draft_carries_the_watermark():
    assert "草稿" in document_html("approval_notice", samples.APPROVAL, draft=True)
    assert "草稿" not in document_html("approval_notice", samples.APPROVAL)


def test_entered_text_is_escaped():
    data = deepcopy(samples.PROJECT_SHEET)
    data["title"] = "<b>边缘网关</b> & 平台"
    html = document_html("project_sheet", data)
    assert "&lt;b&gt;边缘网关&lt;/b&gt; &amp; 平台" in html and "<b>边缘网关" not in html


# 立项通知书 ---------------------------------------------------------------------------------

def test_approval_notice_states_approval_amount_and_obligations():
    rendered = render("approval_notice", samples.APPROVAL, "approval_notice.pdf")
    text = squeezed(rendered.pdf)
    assert rendered.pages == 1
    for expected in ("四川省科学技术协会", "川科协〔2024〕37号", "立项通知书",
                     "2024年度天府科技云专家团“深耕”赋能行动示范项目", "四川省智能制造学会：",
                     "工业互联网赋能中小企业数字化转型专家团服务项目", "领衔专家：林知远",
                     "公示无异议", "资助项目经费30万元", "实施协议", "项目实施期至2024年12月31日",
                     "于2025年1月31日前", "绩效评估", "限期一个月整改", "全额退还项目经费",
                     "取消下一年度项目申报资格", "特此通知", "（盖章）", "2024年4月30日",
                     "抄送：四川省财政厅"):
        assert expected in text, expected


def test_approval_notice_with_long_names_stays_one_page():
    data = deepcopy(samples.APPROVAL)
    data.update(project_name=("工业互联网赋能中小企业数字化转型" * 7)[:100],
                studio_name="四川省智能制造学会工业互联网与智能装备领域专家团")
    rendered = render_document("approval_notice", data)
    assert rendered.pages == 1 and data["project_name"] in squeezed(rendered.pdf)


def test_approval_amount_falls_back_to_the_calls_award():
    data = deepcopy(samples.APPROVAL)
    data["notice"]["amount_wan"] = None
    data["call"]["award_amount_wan"] = "25.5000"
    assert approval_notice.build_context(data)["amount_wan"] == "25.5"


# 绩效评估报告 -------------------------------------------------------------------------------

def test_failed_evaluation_lists_each_kpi_and_the_rectification_deadline():
    rendered = render("evaluation_report", samples.EVALUATION_FAILED, "evaluation_failed.pdf")
    text = squeezed(rendered.pdf)
    for expected in ("绩效评估报告", "四川省智能制造学会：", "资助金额30万元", "2025年1月20日",
                     "科技供需交易合作总金额万元≥600412.8×未达标", "典型成功案例例≥21×未达标",
                     "科创工作室发布“科技所能”项≥2026√达标", "共7项指标，达标5项，未达标2项",
                     "评估结论：不合格", "整改期限截至2025年2月20日",
                     "须全额退还项目经费30万元，并取消下一年度项目申报资格"):
        assert expected in text, expected
    assert text.count("未达标") == 3  # two rows and the tally
    assert "优秀" not in text and "整改复评" not in text


def test_passed_evaluation_is_excellent_with_its_bonus_and_no_rectification():
    rendered = render("evaluation_report", samples.EVALUATION_PASSED, "evaluation_passed.pdf")
    text = squeezed(rendered.pdf)
    for expected in ("评估结论：优秀", "共7项指标，达标7项，未达标0项", "612.5",
                     "加分事项：研制的产业技术规划获得省部级领导肯定性批示", "优先申报下一年度项目"):
        assert expected in text, expected
    assert "限期整改" not in text and "×未达标" not in text


def test_refunded_evaluation_shows_re_evaluation_and_refund():
    rendered = render("evaluation_report", samples.EVALUATION_REFUNDED, "evaluation_refunded.pdf")
    text = squeezed(rendered.pdf)
    for expected in ("五、整改复评情况", "复评结论：不合格", "科技供需交易合作总金额万元≥600523×未达标",
                     "共7项指标，达标6项，未达标1项", "整改期满，交易合作总金额仍未达到600万元",
                     "六、经费退还情况", "已于2025年3月14日全额退还项目经费30万元"):
        assert expected in text, expected
    context = evaluation_report.build_context(samples.EVALUATION_REFUNDED)
    assert context["issued_on"] == "2025年3月14日"  # signed off on the latest step reported


def test_passed_evaluation_not_excellent_is_qualified():
    data = deepcopy(samples.EVALUATION_PASSED)
    data["evaluation"].update(excellent=False, bonus_note="")
    context = evaluation_report.build_context(data)
    assert context["conclusion"] == "合格" and not context["excellent"]
    assert [row["target"] for row in context["kpis"]][:2] == ["≥20", "≥5"]


def test_rectification_deadline_is_the_shanghai_calendar_day():
    data = deepcopy(samples.EVALUATION_FAILED)
    data["rectification_due"] = "2025-02-20T16:30:00+00:00"  # 00:30 on the 21st in Shanghai
    assert evaluation_report.build_context(data)["rectification_due"] == "2025年2月21日"


# 科创项目推介表 -----------------------------------------------------------------------------

def test_project_sheet_prints_every_field_on_one_page():
    rendered = render("project_sheet", samples.PROJECT_SHEET, "project_sheet.pdf")
    text = squeezed(rendered.pdf)
    assert rendered.pages == 1
    for expected in ("第三届科创中国·天府科技云服务大会", "科创项目推介表", "TFKJY-2023-118406",
                     "面向中小制造企业的低成本工业互联网边缘网关", "科技成果转化", "电子信息和装备制造",
                     "重大科创项目专场推介会", "宜宾", "宜宾示例智能装备有限公司", "宜宾市科学技术协会",
                     "周晓岚", "500万元", "推介视频√", "成果证明材料√", "许明哲", "0831-85551234",
                     "已在12家企业试点", "拟融资500万元用于产线建设", "推荐单位（盖章）"):
        assert expected in text, expected
    assert "简介有删节" not in text


def test_long_project_sheet_is_shortened_to_one_page():
    data = samples.long_project_sheet()
    rendered = render("project_sheet", data, "project_sheet_long.pdf")
    text = squeezed(rendered.pdf)
    assert rendered.pages == 1
    assert data["title"] in text and "简介有删节，全文见天府科技云平台" in text and "……" in text


@pytest.mark.parametrize("length", [300, 700, 1100, 1500, 2000])
@pytest.mark.parametrize("paragraphs", [1, 10])
def test_project_sheet_stays_one_page_whatever_the_summary(length, paragraphs):
    data = samples.long_project_sheet()
    unit = "基于PLC与OPC UA的“边缘智能”网关，能耗下降5.2%；"
    body = (unit * (length // len(unit) + 1))[:length]
    step = length // paragraphs
    data["details"]["summary"] = "\n".join(body[i:i + step] for i in range(0, length, step))
    rendered = render_document("project_sheet", data)
    assert rendered.pages == 1
    assert "基于PLC与OPCUA的“边缘智能”网关" in squeezed(rendered.pdf)


@pytest.mark.parametrize("summary_length", [50, 2000])
def test_project_sheet_stays_one_page_with_every_field_at_its_maximum(summary_length):
    data = samples.long_project_sheet()
    data.update(title="研" * 100, owner="单" * 100, recommender="推荐单位" * 12 + "协会")
    data["details"].update(title="研" * 100, contact_name="联" * 50,
                           summary=("简介内容，" * 400)[:summary_length])
    assert render_document("project_sheet", data).pages == 1


def test_finance_product_sheet_asks_no_proof_and_has_no_sector():
    data = deepcopy(samples.PROJECT_SHEET)
    data.update(project_type="finance_product", sector=None, intent="showcase", concierge=None)
    data["details"].update(sector=None, proof_ref=None, financing_need_wan=None)
    text = squeezed(render_document("project_sheet", data).pdf)
    assert "科技金融创新产品" in text and "重点科创项目集中推介" in text
    assert "成果证明材料" not in text and "所属领域—" in text and "科服保姆—" in text


# 科创会成果统计报告 -------------------------------------------------------------------------

def test_conference_report_tables_and_charts_by_area_and_city():
    rendered = render("conference_report", samples.CONFERENCE, "conference_report.pdf")
    text = squeezed(rendered.pdf)
    for expected in ("第三届科创中国·天府科技云服务大会", "成果统计报告", "会期：2024年1月18日至1月19日",
                     "统计截至：2024年2月5日09:30", "征集科创项目3412项", "现场推介1894项",
                     "达成合作意向821项", "合同金额28961.25万元", "落地见效46项",
                     "一、总体情况", "二、各推介区成果", "三、各市（州）成果", "图1", "图2",
                     "2024年2月5日"):
        assert expected in text, expected
    rows = table_rows(rendered.pdf)
    for expected in ("重点科创项目集中推介 1761 779 106 18420.75 44.2%",
                     "合计 1894 821 127 28961.25 43.3%",          # 推介区 sums
                     "成都 166 98 24 1020 59.0%", "巴中 0 0 0 0 —",
                     "合计 1794 768 183 7777.5 42.8%"):          # 市（州） sums
        assert expected in rows, expected
    for city in samples.CITY_NAMES:
        assert text.count(city) >= 2, city  # its table row and its chart label (SVG text)
    assert text.count("开幕式发布") >= 2


def test_conference_report_charts_come_after_their_tables():
    pages = page_texts(render_document("conference_report", samples.CONFERENCE).pdf)
    chart_page = next(i for i, page in enumerate(pages) if "图2" in page)
    table_page = next(i for i, page in enumerate(pages) if "三、各市（州）成果" in page)
    assert chart_page >= table_page


def test_conference_report_without_outcomes_yet():
    data = deepcopy(samples.CONFERENCE)
    data.update(by_area=[], by_city=[], totals={})
    text = squeezed(render_document("conference_report", data).pdf)
    assert "暂无推介区数据" in text and "暂无市（州）数据" in text and "现场推介0项" in text


def test_rates_never_divide_by_zero():
    assert conference_report.rate(5, 0) == "—"
    assert conference_report.rate(821, 1894) == "43.3%"


# Timing ------------------------------------------------------------------------------------

def test_warm_render_times(capsys):
    cases = {**SAMPLES, "project_sheet(long)": samples.long_project_sheet()}
    lines = []
    for name, data in cases.items():
        code = name.split("(")[0]
        render_document(code, data)
        started = time.perf_counter()
        rendered = render_document(code, data)
        lines.append(f"{name}: {time.perf_counter() - started:.3f} s, {rendered.pages} page(s)")
    with capsys.disabled():
        print("\nwarm render times:\n  " + "\n  ".join(lines))
