"""Codes and their Chinese labels used by the forms (seeds 000, 003, 004); plain data."""
from __future__ import annotations

Choices = tuple[tuple[str, str], ...]

# 科创项目 -----------------------------------------------------------------------------------

PROJECT_TYPES: Choices = (
    ("tech_transfer", "科技成果转化"),
    ("tech_promotion", "高新技术推广"),
    ("tech_challenge", "科技难题攻关"),
    ("finance_product", "科技金融创新产品"),
)

INTENTS: Choices = (
    ("opening", "开幕式发布"),
    ("major_roadshow", "重大科创项目专场推介会"),
    ("showcase", "重点科创项目集中推介"),
)

# Positive criteria of seed 004 §二 (技术水平; 高新技术推广: 成熟度, 企业牵头产学研合同, 奖励/验收)
TECH_LEVELS: Choices = (("domestic_leading", "国内领先"), ("international_advanced", "国际先进"),
                        ("other", "其他"))
MATURITY_LEVELS: Choices = (("pilot_done", "中试完成"), ("early_industrialisation", "产业化初期"),
                            ("other", "其他"))
# Which type each criterion applies to (seed 004 §二.（一）5 and §二.（二）1–3)
CRITERIA_TYPES: dict[str, tuple[str, ...]] = {
    "tech_level": ("tech_transfer", "tech_promotion"),
    "maturity": ("tech_promotion",),
    "industry_university_contract": ("tech_promotion",),
    "provincial_award": ("tech_promotion",),
}
# … and which of them the applicant must declare (the flags are answered by ticking or not)
CRITERIA_REQUIRED: dict[str, tuple[str, ...]] = {
    "tech_level": ("tech_transfer", "tech_promotion"),
    "maturity": ("tech_promotion",),
}

# 遴选's buckets: the intents, and 集中推介洽谈 for an admitted project in no headline bucket
SELECTION_BUCKETS: Choices = INTENTS + (("pitch_sessions", "集中推介洽谈"),)

SECTORS: Choices = (
    ("electronics_equipment", "电子信息和装备制造"),
    ("food_textile_energy_chem", "食品轻纺和能源化工"),
    ("materials_health", "先进材料和医药健康"),
    ("modern_agriculture", "现代农业（乡村振兴）"),
)

# Exclusion rules of seed 004 §二 (①…⑦ per type) plus seed 000 §七.1.2 (landed_before).
EXCLUSION_RULES: Choices = (
    ("not_on_platform", "未在天府科技云平台发布"),
    ("widely_promoted", "已经大面积推广"),
    ("already_solved", "已攻克且取得成果"),
    ("unwilling_to_cooperate", "不愿合作开发或委托开发"),
    ("illegal_or_harmful", "违反法律法规或违背社会公德，可能危害社会公共利益或环境资源"),
    ("statutory_review_pending", "须经法定专门机构审查确认而尚未审查确认"),
    ("state_secret", "涉及国家秘密"),
    ("ip_dispute", "存在知识产权权属争议且尚未解决"),
    ("materials_missing", "不能提供征集所需完整材料（推介视频、项目介绍资料、成果证明材料）"),
    ("landed_before", "往届科创会已落地转化"),
)

_TECH_RULES = ("not_on_platform", "widely_promoted", "illegal_or_harmful",
               "statutory_review_pending", "state_secret", "ip_dispute", "materials_missing",
               "landed_before")

# Which rule applies to which type, in the seed's order. finance_product: seed 004 §二.（四）
# requires publication on the platform (item 1) and complete materials (item 3) only.
EXCLUSIONS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "tech_transfer": _TECH_RULES,
    "tech_promotion": _TECH_RULES,
    "tech_challenge": ("not_on_platform", "already_solved", "unwilling_to_cooperate",
                       "illegal_or_harmful", "state_secret", "materials_missing",
                       "landed_before"),
    "finance_product": ("not_on_platform", "materials_missing", "landed_before"),
}

# Materials the call asks for (seed 004: 推介视频、项目介绍资料、成果证明材料; no proof for
# 难题攻关 and 金融创新产品).
REQUIRED_MATERIALS: dict[str, tuple[str, ...]] = {
    "tech_transfer": ("video_ref", "introduction_ref", "proof_ref"),
    "tech_promotion": ("video_ref", "introduction_ref", "proof_ref"),
    "tech_challenge": ("video_ref", "introduction_ref"),
    "finance_product": ("video_ref", "introduction_ref"),
}

EXCLUSION_OUTCOMES: Choices = (
    ("eligible", "符合条件"),
    ("excluded", "不予推荐"),
    ("returned", "退回补充材料"),
)

RECOMMEND_OUTCOMES: Choices = (("recommended", "推荐"), ("not_recommended", "不推荐"))

SELECT_OUTCOMES: Choices = (("selected", "入选"), ("not_selected", "未入选"))

PARTY_TYPES: Choices = (
    ("demand_side", "需求方"),
    ("finance_institution", "金融创投机构"),
    ("other", "其他"),
)

SIGN_OUTCOMES: Choices = (
    ("intent", "达成合作意向"),
    ("contract", "签订合同"),
    ("none", "未签约"),
)

CONTRACT_KINDS: Choices = (
    ("transfer", "技术转让"),
    ("license", "技术许可"),
    ("joint_development", "合作开发"),
    ("equity_investment", "作价投资"),
)

FOLLOW_UP_OUTCOMES: Choices = (("landed", "落地见效"), ("closed", "终止跟踪"))

# 专家团 grant -------------------------------------------------------------------------------

# The values themselves are Chinese: the DMN grant_eligibility compares these strings.
INSPECTION_RESULTS: Choices = (("合格", "合格"), ("基本合格", "基本合格"), ("不合格", "不合格"))

TITLE_LEVELS: Choices = (
    ("正高", "正高"), ("副高", "副高"), ("中级", "中级"), ("初级", "初级"), ("其他", "其他"),
)
SENIOR_TITLE_LEVELS = ("正高", "副高")  # 副高及以上

FUND_TYPES: Choices = (("special", "专项资金"), ("self", "自筹资金"))

FORMAL_REVIEW_OUTCOMES: Choices = (
    ("accepted", "受理"),
    ("returned", "退回补正"),
    ("rejected", "不予受理"),
)

FINANCE_OUTCOMES: Choices = (
    ("agreed", "同意"),
    ("disagreed", "不同意"),
)

PUBLICITY_OUTCOMES: Choices = (
    ("no_objection", "无异议"),
    ("objection_dismissed", "异议不成立"),
    ("objection_upheld", "异议成立"),
)

MIDTERM_STATUSES: Choices = (("on_track", "进展正常"), ("warned", "预警"))


def label_of(choices: Choices, code: str) -> str:
    """The Chinese label of ``code`` (the code itself when unknown)."""
    return dict(choices).get(code, code)


def codes_of(choices: Choices) -> tuple[str, ...]:
    """The codes of ``choices`` in order."""
    return tuple(code for code, _ in choices)
