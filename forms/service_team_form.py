"""The 申报书 of a 2023“科创中国”科技服务团示范项目 (seed 001 一): 产业、区域、专业科技服务团.

Seed 001 fixes what a team must achieve (its 实施要求, the call's KPI targets), not a form: this
one follows the house form of seed 003 (封面, 一 申报单位, narratives, budget, schedule, team)
and adds what seed 001 asks of every service team — the pilot city and industry it serves, its
协同工作机制 with the local 科协, a commitment per KPI target at least as high as the call's, and
the acknowledgement that results count only once confirmed on the 科创中国 platform. Its rules
that need the call (targets, amount, period) are in forms/rules.py.
"""
from __future__ import annotations

from decimal import Decimal

from forms import fields as f
from forms.application_form import CoverSchema, UnitInfoSchema
from forms.application_tables import BudgetSchema, ScheduleSchema, TeamSchema
from forms.base import FormSchema

PLATFORM_CONFIRMATION = "以上所述任务完成情况须经“科创中国”平台确认"


class ServiceFocusSchema(FormSchema):
    """服务对象: the 科创中国 pilot city, its key industry, and how the team works with them."""
    pilot_city = f.text("服务的“科创中国”试点城市", 50)
    key_industry = f.text("服务的重点产业", 100)
    cooperation = f.long_text(
        "协同工作机制", 1000,
        help="与相关地方科协（区域服务团：与产业团、专业团以及省级、市级服务团）建立协同工作机制的安排")


def narrative(title: str, help: str) -> object:
    return f.long_text(title, 2000, help=f"{help}不超过2000字。")


class ServiceTeamApplicationSchema(FormSchema):
    """“科创中国”科技服务团示范项目申报书 (submit_application of a service_team call)."""
    cover = f.section(CoverSchema, "封面")
    unit_info = f.section(UnitInfoSchema, "一、项目申报单位基本情况")
    team_name = f.text("科技服务团名称", 100, help="如“四川省机械工程学会智能制造产业科技服务团”")
    focus = f.section(ServiceFocusSchema, "二、服务对象与协同工作机制")
    key_measures = narrative("三、重点工作内容及具体举措",
                             "对照申报指南的实施要求，逐项阐明工作思路、重点工作内容和具体举措。")
    commitments = f.number_map("四、绩效目标（承诺完成数量）", low=Decimal(0),
                               help="逐项填写承诺完成的数量，不得低于申报指南的量化实施要求")
    platform_confirmation = f.must_be_true(
        "承诺：任务完成情况经“科创中国”平台确认", help=PLATFORM_CONFIRMATION)
    conditions_and_safeguards = narrative("五、实施条件及保障措施",
                                          "阐明服务团的优势条件及组织、人力、制度等保障措施。")
    budget = f.section(BudgetSchema, "六、项目经费预算")
    schedule = f.section(ScheduleSchema, "七、进度安排")
    team = f.section(TeamSchema, "八、服务团成员组成及分工")
    stamped_pdf_ref = f.material_ref("盖章申报书（PDF）",
                                     help="加盖公章后扫描上传，须与线上填报内容一致")
