"""Forms of the 科创项目 process (kechuang_project): one schema per user task, plus follow-up rows."""
from __future__ import annotations

from marshmallow import validates_schema

from forms import choices as c
from forms import fields as f
from forms.base import FormSchema, error_on, raise_errors


class ProjectSubmissionSchema(FormSchema):
    """提交科创项目 (submit_project)."""
    title = f.text("项目名称", 100)
    project_type = f.choice("项目类型", c.PROJECT_TYPES)
    summary = f.long_text("项目简介", 2000, help="技术水平、成熟度、应用前景、合作需求等")
    owner_unit = f.text("项目单位", 100)
    sector = f.choice("所属领域", c.SECTORS, required=False,
                      help="拟参加重大科创项目专场推介会的，选择对应专场领域")
    platform_listing_id = f.text("天府科技云发布编号", 64,
                                 help="项目须已在天府科技云平台发布，填写平台上的发布编号")
    video_ref = f.material_ref("大会推介视频", help="各类项目均须提供（资格审查时据此判定）")
    introduction_ref = f.material_ref("项目介绍资料", help="各类项目均须提供")
    proof_ref = f.material_ref("成果证明材料", help="科技成果转化、高新技术推广项目须提供；"
                                                  "科技难题攻关、科技金融创新产品无需提供")
    tech_level = f.choice("技术水平", c.TECH_LEVELS, required=False,
                          help="科技成果转化、高新技术推广项目填写（征集标准：国内领先或国际先进）")
    maturity = f.choice("成熟度", c.MATURITY_LEVELS, required=False,
                        help="高新技术推广项目填写（征集标准：已完成中试或进入产业化初期）")
    industry_university_contract = f.flag("企业牵头、产学研联合并签订合同或协议", required=False,
                                          help="高新技术推广项目填写")
    contract_ref = f.material_ref("产学研合同或协议", help="已签订合同或协议的，上传合同或协议")
    provincial_award = f.flag("获省部级及以上科技奖励或省级及以上科技计划验收", required=False,
                              help="高新技术推广项目优先支持")
    financing_need_wan = f.money_wan("融资需求（万元）", required=False)
    contact_name = f.text("联系人", 50)
    contact_phone = f.phone("联系电话")
    commitment = f.must_be_true("承诺所填信息真实有效")


class ExclusionCheckSchema(FormSchema):
    """资格审查 (check_exclusions): the exclusion rules of seed 004 checked one by one."""
    exclusion_outcome = f.choice("资格审查结论", c.EXCLUSION_OUTCOMES)
    violated_rules = f.choice_list("违反的排除条款", c.EXCLUSION_RULES)
    comment = f.text("审查意见", 500, required=False,
                     help="退回时写明需补充的材料")

    @validates_schema
    def outcome_matches_rules(self, data, **kwargs):
        outcome, violated = data["exclusion_outcome"], data["violated_rules"]
        if outcome == "excluded" and not violated:
            raise error_on("violated_rules", "审查结论为“不予推荐”时，须至少选择一项「违反的排除条款」")
        if outcome == "eligible" and violated:
            raise error_on("violated_rules", "审查结论为“符合条件”时，不能选择「违反的排除条款」")
        if outcome == "returned" and not data["comment"]:
            raise error_on("comment", "审查结论为“退回补充材料”时，须在「审查意见」中写明需补充的材料")


class RecommendationSchema(FormSchema):
    """推荐 (recommend_project): 推介意向, reason and rank in the recommender's list."""
    recommend_outcome = f.choice("推荐结论", c.RECOMMEND_OUTCOMES)
    intent = f.choice("推介意向", c.INTENTS, required=False)
    sector = f.choice("专场领域", c.SECTORS, required=False,
                      help="推介意向为重大科创项目专场推介会时必填")
    reason = f.text("推荐理由", 500, help="不推荐时写明理由")
    rank = f.whole("推荐排序", low=1, required=False, help="在本单位推荐名单中的位次，1为最优先")
    concierge_user_id = f.whole("科服保姆", low=1, required=False, help="负责本项目的科服保姆")

    @validates_schema
    def recommended_needs_details(self, data, **kwargs):
        errors = {}
        if data["recommend_outcome"] == "recommended":
            errors = self.require(data, ("intent", "rank", "concierge_user_id"), "推荐时")
        if data["intent"] == "major_roadshow":
            errors |= self.require(data, ("sector",), "推介意向为重大科创项目专场推介会时")
        raise_errors(errors)


class SelectionSchema(FormSchema):
    """遴选 (select_project): the bucket, within the edition's quotas (checked in rules)."""
    select_outcome = f.choice("遴选结论", c.SELECT_OUTCOMES)
    bucket = f.choice("入选推介类别", c.SELECTION_BUCKETS, required=False,
                      help="已遴选参会、未入选开幕式/专场/集中展推的项目，选“集中推介洽谈”")
    sector = f.choice("专场领域", c.SECTORS, required=False,
                      help="入选重大科创项目专场推介会时必填")
    comment = f.text("遴选意见", 500, required=False)

    @validates_schema
    def selected_needs_bucket(self, data, **kwargs):
        errors = {}
        if data["select_outcome"] == "selected":
            errors = self.require(data, ("bucket",), "入选时")
        if data["bucket"] == "major_roadshow":
            errors |= self.require(data, ("sector",), "入选重大科创项目专场推介会时")
        raise_errors(errors)


class NegotiationPartySchema(FormSchema):
    """One party of 对接洽谈."""
    name = f.text("洽谈方名称", 100)
    party_type = f.choice("洽谈方类型", c.PARTY_TYPES)
    contact = f.text("联系方式", 100, required=False)


class PitchSchema(FormSchema):
    """推介洽谈 (pitch_project): session, expert comment and the parties met."""
    session = f.text("推介场次", 100, help="如：电子信息和装备制造专场、第3推介洽谈区")
    pitched_at = f.moment("推介时间")
    expert_name = f.text("点评专家", 50)
    expert_comment = f.long_text("专家点评意见", 500)
    negotiation_parties = f.rows(NegotiationPartySchema, "对接洽谈方",
                                 help="需求方、金融创投机构等")


class SigningSchema(FormSchema):
    """签约 (sign_project): 合作意向, contract (counterparty, 万元, kind) or none."""
    sign_outcome = f.choice("签约结果", c.SIGN_OUTCOMES)
    counterparty = f.text("合作方", 100, required=False)
    amount_wan = f.money_wan("合同金额（万元）", required=False)
    contract_kind = f.choice("合同类型", c.CONTRACT_KINDS, required=False)
    signed_on = f.day("签约日期", required=False)
    note = f.text("备注", 500, required=False)

    @validates_schema
    def outcome_needs_details(self, data, **kwargs):
        errors, outcome = {}, data["sign_outcome"]
        if outcome != "none":
            errors = self.require(data, ("counterparty", "signed_on"), "达成合作意向或签订合同时")
        if outcome == "contract":
            errors |= self.require(data, ("contract_kind",), "签订合同时")
            if not data["amount_wan"]:
                errors["amount_wan"] = ["签订合同时「合同金额（万元）」须大于0"]
        raise_errors(errors)


class FollowUpClosingSchema(FormSchema):
    """跟踪服务 (follow_up_project): closes the follow-up as landed or ended."""
    follow_up_outcome = f.choice("跟踪结论", c.FOLLOW_UP_OUTCOMES)
    landed_on = f.day("落地日期", required=False)
    landing_evidence = f.long_text("落地见效情况", 2000, required=False,
                                   help="合同履行、产业化、经济社会效益等佐证")
    close_reason = f.text("终止跟踪原因", 500, required=False)

    @validates_schema
    def outcome_needs_details(self, data, **kwargs):
        if data["follow_up_outcome"] == "landed":
            raise_errors(self.require(data, ("landed_on", "landing_evidence"), "落地见效时"))
        else:
            raise_errors(self.require(data, ("close_reason",), "终止跟踪时"))


class FollowUpRecordSchema(FormSchema):
    """One follow-up visit (一单一策 record), stored as a row, not a task."""
    occurred_on = f.day("日期", help="开展跟踪服务的日期，不早于项目提交、不晚于今天")
    action = f.long_text("采取措施", 500)
    result = f.long_text("结果", 500)
