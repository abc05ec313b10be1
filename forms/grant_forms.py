"""Forms of the 专家团“深耕” grant process (expert_team_grant), except the 申报书 itself."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import post_load, pre_load, validates_schema

from forms import choices as c
from forms import fields as f
from forms.application_form import society_standing_fields
from forms.base import FormSchema, error_on, raise_errors


PLATFORM_REF_LABEL = "“科创中国”平台确认编号"
WORD_COUNT_LABEL = "字数"


class EligibilityDeclarationSchema(FormSchema):
    """申报资格自查 (declare_eligibility): the inputs of the DMN grant_eligibility."""
    inspection_previous, inspection_last, penalized, notified = society_standing_fields()


class FormalChecklistSchema(FormSchema):
    """形式审查要点: every item must hold to accept an application."""
    materials_complete = f.flag("材料齐全", required=False)
    format_ok = f.flag("格式符合要求", required=False)
    stamped = f.flag("已加盖公章", required=False)
    consistent = f.flag("线上线下内容一致", required=False)
    eligibility_ok = f.flag("申报资格符合", required=False)


class FormalReviewSchema(FormSchema):
    """形式审查 (formal_review): checklist and outcome; returned at most once (rules)."""
    formal_review_outcome = f.choice("形式审查结论", c.FORMAL_REVIEW_OUTCOMES)
    checklist = f.section(FormalChecklistSchema, "形式审查要点")
    comment = f.text("审查意见", 500, required=False, help="退回补正或不予受理时写明理由")

    @validates_schema
    def outcome_matches_checklist(self, data, **kwargs):
        if data["formal_review_outcome"] != "accepted":
            raise_errors(self.require(data, ("comment",), "退回补正或不予受理时"))
            return
        unmet = {name: [f"受理须满足「{field.metadata['label']}」"]
                 for name, field in self.fields["checklist"].schema.fields.items()
                 if not data["checklist"][name]}
        raise_errors({"checklist": unmet} if unmet else {})


class ReviewerAssignmentSchema(FormSchema):
    """分配评审专家 (assign_reviewers): user ids of experts without conflict of interest, chosen
    by hand or drawn at random (随机抽取 N: the server draws from the conflict-free pool)."""
    reviewers = f.id_list("评审专家", min_items=0, required=False,
                          help="逐一勾选评审专家；随机抽取时不勾选")
    draw_count = f.whole("随机抽取人数", low=1, required=False,
                         help="填写人数并提交，系统从无利益冲突的专家中随机抽取，抽取种子留档可复核")


class ReviewScoreSchema(FormSchema):
    """专家评审 (review_application): a score per criterion of the call; adds ``total``."""
    scores = f.number_map("评分", low=Decimal(0),
                          help="按评审标准逐项打分，每项不超过其满分")
    comment = f.long_text("评审意见", 1000)

    @post_load
    def add_total(self, data, **kwargs):
        total = sum(data["scores"].values(), Decimal(0))
        return {**data, "total": total.quantize(Decimal("0.01"))}


class ObjectionSchema(FormSchema):
    """One objection received during 公示."""
    received_on = f.day("收到日期")
    summary = f.long_text("异议内容", 500)
    handling = f.long_text("处理情况", 500)


class PublicityConclusionSchema(FormSchema):
    """公示结果 (conclude_publicity)."""
    publicity_outcome = f.choice("公示结果", c.PUBLICITY_OUTCOMES)
    objections = f.rows(ObjectionSchema, "异议情况")

    @validates_schema
    def outcome_matches_objections(self, data, **kwargs):
        outcome, count = data["publicity_outcome"], len(data["objections"])
        if outcome == "no_objection" and count:
            raise error_on("objections", "公示结果为“无异议”时不应填写「异议情况」")
        if outcome != "no_objection" and not count:
            raise error_on("objections", "公示结果为异议成立或不成立时，须至少填写一项「异议情况」")


class FinanceConcurrenceSchema(FormSchema):
    """财政厅会签 (finance_confirm_award, finance_confirm_evaluation): seed 003 has 省科协 and
    财政厅 run 立项评审 and 绩效评估 jointly."""
    finance_outcome = f.choice("会签结论", c.FINANCE_OUTCOMES)
    signed_on = f.day("会签日期")
    opinion = f.text("会签意见", 500, required=False, help="不同意时写明理由")

    @validates_schema
    def reason_when_disagreed(self, data, **kwargs):
        if data["finance_outcome"] == "disagreed":
            raise_errors(self.require(data, ("opinion",), "不同意时"))


class ApprovalNoticeSchema(FormSchema):
    """下达立项通知书 (issue_approval)."""
    notice_number = f.text("立项通知书文号", 50)
    issued_on = f.day("下达日期")
    amount_wan = f.money_wan("立项资助金额（万元）", positive=True)


class ConciergeSchema(FormSchema):
    """One 科服保姆 named by the society."""
    name = f.text("姓名", 50)
    phone = f.phone("联系电话")
    organisation = f.text("所在单位", 100)


class PlainAgreementSchema(FormSchema):
    """签订实施协议 (sign_agreement) of a call without 科服保姆 (seed 001's programs)."""
    agreement_number = f.text("协议编号", 50)
    signed_on = f.day("签订日期")


class AgreementSchema(PlainAgreementSchema):
    """签订实施协议 (sign_agreement), with the society's 科服保姆 (seed 003: 至少3名)."""
    concierges = f.rows(ConciergeSchema, "科服保姆", min_items=3, message="科服保姆不少于3名（当前{count}名）")


class ConciergeServiceSchema(FormSchema):
    """科服保姆服务 (concierge_service): seed 003's 保姆式 service on the platform."""
    studio_opened = f.flag("已协助开设专家团科创工作室", required=False)
    capabilities_published = f.whole("已协助发布“科技所能”（项）", low=0)
    services = f.long_text("服务记录", 2000, help="科创工作室开设、“科技所能”发布、科技供需交易等服务情况")
    served_on = f.day("登记日期")


class FundingSchema(FormSchema):
    """拨付经费 (disburse_funds)."""
    amount_wan = f.money_wan("拨付金额（万元）", positive=True)
    paid_on = f.day("拨付日期")
    voucher_number = f.text("拨款凭证号", 50)


class MidtermCheckSchema(FormSchema):
    """中期督查 (midterm_check)."""
    checked_on = f.day("督查日期")
    status = f.choice("督查结论", c.MIDTERM_STATUSES)
    findings = f.long_text("督查意见", 2000, help="指标完成进度与目标对比、存在问题")


class _EvaluationFields(FormSchema):
    """What every 绩效评估 records; pass/fail comes from the KPI figures (context)."""
    evaluated_on = f.day("评估日期")
    excellent = f.flag("评为优秀", required=False)
    bonus_note = f.text("加分事项", 500, required=False,
                        help="重大技术转移转化成效、省部级及以上领导肯定性批示等")
    comment = f.long_text("评估意见", 2000)


REDUCTION_FIELDS = ("kpi_reductions", "reduction_reason", "reduction_evidence")
NO_REDUCTION = "本项目申报指南未规定“可适当抵减”，不能抵减绩效目标"


class EvaluationSchema(_EvaluationFields):
    """绩效评估 (evaluate_performance) of a call whose targets may not be reduced: a posted
    reduction is refused as such (not as an unknown field)."""

    @pre_load
    def no_reduction(self, data, **kwargs):
        if isinstance(data, dict):
            posted = [name for name in REDUCTION_FIELDS if _given(data.get(name))]
            raise_errors({name: [NO_REDUCTION] for name in posted})
        return data


def _given(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, {}, [])


class ReducibleEvaluationSchema(_EvaluationFields):
    """绩效评估 of a call whose targets may be reduced (seed 001 一（一）6、一（三）5: 若实现重大
    技术转移转化并取得重大成效，上述量化实施要求可适当抵减): a lower target per KPI, with the
    reason and its evidence; the rules check them against the call's targets."""
    kpi_reductions = f.number_map("抵减后的绩效目标", low=Decimal(0), required=False,
                                  help="实现重大技术转移转化并取得重大成效的，可适当抵减；"
                                       "不抵减的指标保持申报指南的目标值")
    reduction_reason = f.long_text("重大技术转移转化情况（抵减理由）", 2000, required=False,
                                   help="抵减任一指标时必填：转移转化的成果、合同、成效")
    reduction_evidence = f.material_ref("抵减佐证材料")


class RectificationSchema(FormSchema):
    """限期整改 (rectify)."""
    report = f.long_text("整改报告", 2000)
    submitted_on = f.day("提交日期")


class ReEvaluationSchema(FormSchema):
    """整改复评 (re_evaluate); pass/fail comes from the KPI figures (context)."""
    comment = f.long_text("复评意见", 2000)


class RefundSchema(FormSchema):
    """全额退还 (refund)."""
    amount_wan = f.money_wan("退还金额（万元）", positive=True)
    paid_on = f.day("退还日期")
    voucher_number = f.text("退款凭证号", 50)


class KpiEntrySchema(FormSchema):
    """One KPI actual recorded during implementation (not a task). ``platform_ref`` and
    ``word_count`` apply where the rules say (“科创中国” calls; written deliverables)."""
    kpi_code = f.text("绩效指标", 50)
    quantity = f.number("数量", low=Decimal(0), low_exclusive=True)
    occurred_on = f.day("发生日期")
    description = f.long_text("情况说明", 500)
    evidence_ref = f.material_ref("佐证材料")
    platform_ref = f.text(PLATFORM_REF_LABEL, 100, required=False,
                          help="任务完成情况须经“科创中国”平台确认，填写平台给出的确认编号")
    word_count = f.whole(WORD_COUNT_LABEL, low=1, required=False,
                         help="智库报告等书面成果：每篇一条，填写其字数")


def kpi_entry_fields(platform_confirmation: bool, kpi_targets: list[dict]) -> tuple[str, ...]:
    """The KpiEntrySchema fields a call's entries use: the 平台确认编号 only where the
    “科创中国”平台 confirms the work, the 字数 only where a KPI is a written deliverable."""
    unused = set()
    if not platform_confirmation:
        unused.add("platform_ref")
    if not any(row.get("min_words") for row in kpi_targets):
        unused.add("word_count")
    return tuple(name for name in KpiEntrySchema._declared_fields if name not in unused)
