"""绩效评估报告 of seed 001 calls: targets 抵减 lowered beside the call's, and rows met through
their group."""
from reports import evaluation_report

KPIS = [
    {"code": "transfers", "label": "完成技术转移转化", "unit": "项", "target": "3", "call_target": "5",
     "reduced": True, "actual": "3", "met": True, "fulfilled": True},
    {"code": "national_media", "label": "国家级媒体宣介", "unit": "家", "target": "1",
     "call_target": "1", "reduced": False, "actual": "0", "met": False, "fulfilled": True,
     "group": "media"},
    {"code": "local_media", "label": "地方媒体宣介", "unit": "家", "target": "10", "call_target": "10",
     "reduced": False, "actual": "12", "met": True, "fulfilled": True, "group": "media"},
]
DATA = {"call": {"name": "2023年“科创中国”产业科技服务团示范项目"},
        "kpis": KPIS, "passed": True,
        "evaluation": {"evaluated_on": "2024-01-10", "comment": "成效显著",
                       "reduction_reason": "专利作价投资3000万元"}}


def test_a_reduced_target_shows_the_calls_and_the_reason():
    context = evaluation_report.build_context(DATA)
    first = context["kpis"][0]
    assert (first["target"], first["original"]) == ("≥3", "≥5")
    assert context["reductions"] == [{"label": "完成技术转移转化", "unit": "项", "original": "≥5",
                                      "reduced": "≥3"}]
    assert context["reduction_reason"] == "专利作价投资3000万元"


def test_a_row_met_through_its_group_counts_as_met():
    context = evaluation_report.build_context(DATA)
    assert [row["verdict"] for row in context["kpis"]] == ["达标", "同组达标", "达标"]
    assert context["kpi_summary"] == "共3项指标，达标3项，未达标0项。"


def test_an_unreduced_evaluation_has_no_reduction_notice():
    rows = [{**KPIS[2], "group": None}]
    context = evaluation_report.build_context({**DATA, "kpis": rows, "evaluation": {}})
    assert context["reductions"] == [] and context["kpis"][0]["original"] == ""
