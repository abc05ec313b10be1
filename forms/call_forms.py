"""Calls as data, created by an admin: a 科创会 edition and a grant call (申报指南)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from marshmallow import fields, validates_schema

from forms.call_kinds import CALL_KIND_CHOICES
from forms import choices as c
from forms import fields as f
from forms.base import FormSchema, error_on, raise_errors
from forms.validators import MaxChars, repeated_items, repeated_message


def order_errors(schema: FormSchema, data: dict, names: tuple[str, ...],
                 strict: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Errors for dates of ``names`` out of order: each must not be before the one before it
    (and must be after it when it is in ``strict``)."""
    errors = {}
    for before, after in zip(names, names[1:]):
        first, second = data[before], data[after]
        if second < first or (after in strict and second == first):
            relation = "应晚于" if after in strict else "不能早于"
            errors[after] = [f"「{schema.label(after)}」{second}{relation}"
                             f"「{schema.label(before)}」{first}"]
    return errors


def unique_codes(rows: list[dict], label: str) -> list[str]:
    """Messages for codes repeated among ``rows``."""
    repeated = repeated_items([row["code"] for row in rows])
    return [repeated_message(label, repeated)] if repeated else []


class EditionQuotasSchema(FormSchema):
    """遴选名额 of an edition (3rd 科创会: ≥3000; opening 10 per type; roadshows 80–120)."""
    overall_min = f.whole("参会项目总数下限", low=0)
    opening_per_type = f.whole("开幕式发布每类项目数", low=0,
                               help="科技成果转化、高新技术推广、科技难题攻关各类")
    roadshow_min = f.whole("专场推介项目数下限", low=0)
    roadshow_max = f.whole("专场推介项目数上限", low=0)
    roadshow_sector_max = f.whole("每个领域专场推介项目数上限", low=1, required=False,
                                  help="不填则不限（本系统默认值）")
    showcase_max = f.whole("重点科创项目集中推介项目数上限", low=1, required=False,
                           help="不填则不限（本系统默认值）")
    directed_slots = fields.Dict(
        keys=fields.String(validate=MaxChars("定向名额", 50)),
        values=f.whole("定向名额", low=0), required=False, load_default=dict,
        metadata={"label": "兄弟省市科协定向名额",
                  "help": "每个兄弟省市科协推荐项目的入选名额；不填为0"})

    @validates_schema
    def min_not_above_max(self, data, **kwargs):
        if data["roadshow_min"] > data["roadshow_max"]:
            raise error_on("roadshow_max", "「专场推介项目数上限」不能小于「专场推介项目数下限」")


# 县（市、区）科协报送截止 when an edition sets none: this many days before the 市（州）科协's
# 推荐截止 (seed 004's 区科协 closed 11-02 for a mid-December province deadline; ours).
COUNTY_RECOMMEND_LEAD_DAYS = 7


def county_deadline(recommend_deadline, county_recommend_deadline=None):
    """The county 科协's 报送截止 of an edition: its own date, else the labelled default."""
    return county_recommend_deadline or recommend_deadline - timedelta(days=COUNTY_RECOMMEND_LEAD_DAYS)


# who selects: 入选 (admission) and each 推介意向 (forms/selection_rules.py: ADMISSION)
SELECTION_STAGES = (("admission", "参会项目入选"),) + tuple(c.INTENTS)


class ConferenceEditionSchema(FormSchema):
    """一届科创会: deadlines, conference dates, quotas, sectors and selecting departments."""
    number = f.whole("届次", low=1, help="如：3（第三届）")
    year = f.whole("年度", low=2000, high=2100)
    name = f.text("大会名称", 100)
    submit_deadline = f.day("项目征集截止日期")
    county_recommend_deadline = f.day(
        "县（市、区）科协报送截止日期", required=False,
        help=f"县（市、区）科协推荐的项目须在此前报送市（州）科协；不填时为本系统默认值："
             f"推荐截止日期前{COUNTY_RECOMMEND_LEAD_DAYS}天，可在此修改")
    recommend_deadline = f.day("推荐截止日期", help="市（州）科协、学会和省科协部门推荐至省科协的截止日期")
    select_deadline = f.day("遴选截止日期")
    conference_start = f.day("大会开始日期")
    conference_end = f.day("大会结束日期")
    follow_up_until = f.day("跟踪服务截止日期")
    quotas = f.section(EditionQuotasSchema, "遴选名额")
    sectors = f.choice_list("专场推介领域", c.SECTORS, min_items=1)
    selection_departments = f.code_map("遴选部门", SELECTION_STAGES,
                                       help="参会项目入选和每个推介意向由哪个省科协部门遴选")

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        names = ("submit_deadline", "recommend_deadline", "select_deadline",
                 "conference_start", "conference_end", "follow_up_until")
        raise_errors(order_errors(self, data, names, strict=("conference_start",)))

    @validates_schema
    def county_before_city(self, data, **kwargs):
        county = data.get("county_recommend_deadline")
        if county is not None and county > data["recommend_deadline"]:
            raise error_on("county_recommend_deadline",
                           f"「县（市、区）科协报送截止日期」{county}不能晚于「推荐截止日期」"
                           f"{data['recommend_deadline']}")

    @validates_schema
    def every_intent_has_a_department(self, data, **kwargs):
        missing = [label for code, label in c.INTENTS
                   if code not in data["selection_departments"]]
        if missing:
            raise error_on("selection_departments",
                           f"「遴选部门」须为每个推介意向指定部门，缺少：{'、'.join(missing)}")


class CriterionSchema(FormSchema):
    """One 评审标准 with its maximum score."""
    code = f.code("评审标准编号")
    label = f.text("评审标准名称", 100)
    max = f.number("满分", low=Decimal(0), low_exclusive=True)


class KpiTargetSchema(FormSchema):
    """One 绩效指标 with its target (e.g. 科技供需交易金额 ≥ 600 万元)."""
    code = f.code("指标编号")
    label = f.text("指标名称", 100)
    unit = f.text("计量单位", 20, help="如：项、万元、例")
    target = f.number("目标值", low=Decimal(0))


class TeamRulesSchema(FormSchema):
    """专家团组建要求 (seed 003: ≥10 members, lead 正高, ≥60% 副高及以上)."""
    min_members = f.whole("专家团成员人数下限", low=1)
    lead_title_level = f.choice("领衔专家职称要求", c.TITLE_LEVELS)
    senior_ratio = f.number("副高及以上职称比例下限", low=Decimal(0), high=Decimal(1),
                            help="0至1之间，如0.6")


SETTABLE_VALUES = (
    ("awards_count", "立项数量"), ("award_amount_wan", "每项资助金额"),
    ("apply_deadline", "申报截止日期"), ("formal_review_deadline", "形式审查截止日期"),
    ("review_deadline", "立项评审截止日期"), ("period_end", "项目周期截止日期"),
    ("evaluation_deadline", "绩效评估截止日期"), ("rectification_months", "限期整改期限"),
    ("kpi_targets", "绩效指标"), ("team_rules", "专家团组建要求"),
)


class GrantCallSchema(FormSchema):
    """一份申报指南 (grant call): amounts, deadlines, review and KPI targets."""
    program_code = f.code("项目类别代码", help="如：expert_team（专家团“深耕”赋能）")
    kind = f.choice("申报书类型", CALL_KIND_CHOICES,
                    help="决定申报单位填写的申报书及其规则")
    name = f.text("申报指南名称", 100)
    year = f.whole("年度", low=2000, high=2100)
    award_amount_wan = f.money_wan("每项资助金额（万元）", positive=True)
    awards_count = f.whole("立项数量", low=1)
    reserve_count = f.whole("候补数量", low=0)
    apply_deadline = f.day("申报截止日期")
    formal_review_deadline = f.day("形式审查截止日期")
    review_deadline = f.day("立项评审截止日期")
    midterm_at = f.day("中期督查日期")
    period_end = f.day("项目周期截止日期")
    evaluation_deadline = f.day("绩效评估截止日期")
    publicity_working_days = f.whole("公示期（工作日）", low=1)
    rectification_months = f.whole("限期整改期限（月）", low=1, high=24, required=False,
                                   help="绩效评估不合格项目自评估之日起的整改期限；默认1个月")
    correction_working_days = f.whole(
        "补正期限（工作日）", low=1, required=False,
        help="形式审查退回补正后，自退回之日起的工作日数；申报指南未规定，默认5个工作日")
    excellent_priority_points = f.number(
        "上年度优秀项目优先分", low=Decimal(0), high=Decimal(100), required=False,
        help="上一年度绩效评估为优秀的学会，排序时在综合得分上加计的分数，同分时优先；"
             "申报指南只规定“可优先申报”，分值默认1分")
    min_reviewers = f.whole("每项评审专家人数下限", low=1)
    trim_from_reviewers = f.whole(
        "去掉最高最低分的专家人数", low=3, required=False,
        help="评审专家达到该人数时，专家评分去掉一个最高分和一个最低分后取平均；"
             "本系统默认值5名，可在申报指南设置中修改")
    objective_weight = f.number("客观分权重", low=Decimal(0), high=Decimal(1),
                                help="平台创新能力和贡献分值在综合得分中的权重，0至1之间")
    review_criteria = f.rows(CriterionSchema, "评审标准", min_items=1)
    kpi_targets = f.rows(KpiTargetSchema, "绩效指标", min_items=1)
    team_rules = f.section(TeamRulesSchema, "专家团组建要求", required=False)
    reduction_allowed = f.flag("重大成效可适当抵减量化要求", required=False,
                               help="申报指南规定“若实现重大技术转移转化并取得重大成效，"
                                    "量化实施要求可适当抵减”时勾选")
    source_fixed = f.choice_list("由申报指南规定的数值", SETTABLE_VALUES,
                                 help="未勾选的数值在申报页面标明为“本次设定（申报指南未规定）”")

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        names = ("apply_deadline", "formal_review_deadline", "review_deadline", "midterm_at",
                 "period_end", "evaluation_deadline")
        raise_errors(order_errors(self, data, names))

    @validates_schema
    def codes_unique(self, data, **kwargs):
        errors = {name: unique_codes(data[name], f"{self.label(name)}编号")
                  for name in ("review_criteria", "kpi_targets")}
        raise_errors({name: messages for name, messages in errors.items() if messages})
