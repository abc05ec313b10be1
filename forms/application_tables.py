"""The tables of the 申报书 (seed 003): 五 经费预算, 六 进度安排, 七 专家团成员, with their rules."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import validates_schema

from forms import choices as c
from forms import fields as f
from forms.base import FormSchema, error_on, raise_errors
from forms.validators import fmt_number


# 五、项目经费预算 ---------------------------------------------------------------------------

class BudgetLineSchema(FormSchema):
    """One row of 经费支出预算表 (单位：万元)."""
    item = f.text("支出内容明细", 200)
    amount_wan = f.money_wan("金额（万元）", positive=True)
    fund_type = f.choice("资金类别", c.FUND_TYPES)
    basis = f.text("测算依据", 500)


def _mismatch(stated_label: str, stated: Decimal, computed_label: str, computed: Decimal) -> str:
    gap = fmt_number(abs(stated - computed))
    return (f"「{stated_label}」{fmt_number(stated)}万元与{computed_label}"
            f"{fmt_number(computed)}万元不一致，相差{gap}万元")


class BudgetSchema(FormSchema):
    """五、项目经费预算: totals, then the expense table; all amounts must balance."""
    total_wan = f.money_wan("项目经费总预算（万元）")
    special_wan = f.money_wan("专项资金（万元）")
    self_wan = f.money_wan("自筹资金（万元）")
    lines = f.rows(BudgetLineSchema, "经费支出预算表", min_items=1)

    @validates_schema
    def amounts_balance(self, data, **kwargs):
        lines = data["lines"]
        by_type = {code: sum((row["amount_wan"] for row in lines if row["fund_type"] == code),
                             Decimal(0)) for code in c.codes_of(c.FUND_TYPES)}
        checks = (  # (where the error shows, the stated amount, what it must equal)
            ("total_wan", "total_wan", data["special_wan"] + data["self_wan"],
             "专项资金与自筹资金之和"),
            ("lines", "total_wan", sum(by_type.values(), Decimal(0)), "经费支出预算表合计"),
            ("special_wan", "special_wan", by_type["special"], "预算表中专项资金支出合计"),
            ("self_wan", "self_wan", by_type["self"], "预算表中自筹资金支出合计"),
        )
        raise_errors({
            path: [_mismatch(self.label(stated), data[stated], computed_label, computed)]
            for path, stated, computed, computed_label in checks if data[stated] != computed})


# 六、进度安排 -------------------------------------------------------------------------------

class PhaseSchema(FormSchema):
    """One 实施阶段 with its dates, work and 责任人."""
    name = f.text("实施阶段", 50, help="如：第一阶段")
    start = f.day("开始日期")
    end = f.day("结束日期")
    work = f.long_text("工作内容", 1000)
    owner = f.text("责任人", 50)

    @validates_schema
    def start_before_end(self, data, **kwargs):
        if data["end"] < data["start"]:
            raise error_on("end", f"「结束日期」{data['end']}不能早于「开始日期」{data['start']}")


class ScheduleSchema(FormSchema):
    """六、进度安排: phases in time order, none overlapping the one before."""
    phases = f.rows(PhaseSchema, "实施阶段", min_items=1)

    @validates_schema
    def phases_in_order(self, data, **kwargs):
        phases, errors = data["phases"], {}
        for index in range(1, len(phases)):
            before, phase = phases[index - 1], phases[index]
            if phase["start"] <= before["end"]:
                errors[index] = {"start": [
                    f"第{index + 1}阶段的「开始日期」{phase['start']}应晚于"
                    f"第{index}阶段的「结束日期」{before['end']}（各阶段按时间先后排列，不得重叠）"]}
        raise_errors({"phases": errors} if errors else {})


# 七、专家团成员组成及分工 ---------------------------------------------------------------------

class MemberSchema(FormSchema):
    """One member of the 专家团; the 领衔专家 is the first row."""
    name = f.text("姓名", 50)
    age = f.whole("年龄", low=18, high=100)
    title = f.text("职务职称", 100)
    title_level = f.choice("职称级别", c.TITLE_LEVELS)
    talent_title = f.text("人才称号", 100, required=False, help="属于高层次人才的，写明人才称号")
    employer = f.text("工作单位", 100)
    duty = f.text("承担的工作任务", 500)
    is_lead = f.flag("领衔专家", required=False)


def lead_rows(members: list[dict]) -> list[int]:
    """Indexes of the rows marked 领衔专家."""
    return [index for index, member in enumerate(members) if member["is_lead"]]


class TeamSchema(FormSchema):
    """七、专家团成员组成及分工: one 领衔专家, in the first row. The call's numbers (members,
    the lead's title, share of 副高及以上) are the rule team_as_required of forms/rules.py."""
    members = f.rows(MemberSchema, "专家团成员", min_items=1)

    @validates_schema
    def one_lead_in_first_row(self, data, **kwargs):
        leads = lead_rows(data["members"])
        if len(leads) != 1:
            raise error_on("members", f"须有且仅有1名领衔专家（当前{len(leads)}名）")
        row = leads[0]
        if row != 0:
            raise error_on("members", {row: {"is_lead": [
                f"领衔专家应填写在第1行（当前在第{row + 1}行）"]}})
