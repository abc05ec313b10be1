"""The seed 001 programs' KPI rows (app/demo/reference.py) as 附件1 sets them."""
from decimal import Decimal

from app.demo.reference import BRAND_EVENT_PROGRAMS, SERVICE_TEAM_PROGRAMS, kpi_rows
from forms.call_kinds import CALL_KINDS
from workflows.kpi import evaluate_kpis


def targets(program: str) -> dict[str, tuple]:
    """{label: (unit, target, group, min_words)} of a program's rows."""
    source = SERVICE_TEAM_PROGRAMS.get(program) or BRAND_EVENT_PROGRAMS[program][1:]
    return {row["label"]: (row["unit"], row["target"], row.get("group"), row.get("min_words"))
            for row in kpi_rows(source[-1])}


def test_the_regional_team_delivers_the_cross_province_summary():
    # 一（二）5: 搭建跨省合作对接平台……提交1份相关经验总结
    assert targets("regional_service_team")["跨省合作经验总结"] == ("份", "1", None, None)


def test_the_industry_team_delivers_the_summary_of_its_organisation():
    # 一（一）4: 提交组织常态化运营的……证明材料及工作成效总结1份
    rows = targets("industry_service_team")
    assert rows["协同创新组织工作成效总结"] == ("份", "1", None, None)
    assert rows["落地组建独立法人协同创新组织"] == ("个", "1", None, None)


def test_the_forum_needs_national_and_local_media_the_meeting_either():
    forum, meeting = targets("industry_forum"), targets("academia_meeting")
    assert forum["国家级媒体宣介"] == ("家", "1", None, None)            # 和
    assert forum["省市两级地方媒体宣介"] == ("家", "10", None, None)
    assert meeting["国家级媒体宣介"][2] == meeting["省市两级地方媒体宣介"][2] == "media"  # 或


def test_think_tank_reports_and_activities_as_the_seed_counts_them():
    forum, meeting = targets("industry_forum"), targets("academia_meeting")
    assert forum["高质量智库报告"] == meeting["高质量智库报告"] == ("篇", "1", None, 5000)
    assert forum["技术咨询、推广、成果对接活动"][1] == "4"
    assert meeting["技术咨询、推广、成果对接活动"][1] == "2"
    assert forum["平行论坛"][:2] == ("场", "3") and forum["论坛会期"][:2] == ("天", "2")


def test_brand_events_name_a_known_call_kind_and_unique_codes():
    for code, (name, kind, rows) in BRAND_EVENT_PROGRAMS.items():
        assert kind in CALL_KINDS and name
        codes = [row[0] for row in rows]
        assert len(codes) == len(set(codes)), code


def test_a_meeting_covered_by_local_media_alone_passes():
    rows = kpi_rows(BRAND_EVENT_PROGRAMS["academia_meeting"][2])
    actuals = {row["code"]: Decimal(row["target"]) for row in rows}
    actuals["national_media"] = Decimal(0)
    assert evaluate_kpis(rows, actuals)[0] is True
