"""Valid raw inputs (as a browser or API client sends them) for the form tests; invented names."""
from __future__ import annotations

import copy

import pytest

from forms import FormValidationError, load_form

SOCIETY = "四川省示例材料学会"
KPI_TARGETS = [{"code": "deals", "label": "科技供需交易合作总金额", "unit": "万元", "target": "600"}]

_LEVELS = ["正高", "正高", "副高", "副高", "副高", "副高", "中级", "中级", "中级", "初级"]
_NAMES = ["林知远", "周若溪", "宋清禾", "陶以宁", "许观澜", "程砚秋", "方致和", "顾南星",
          "沈听松", "叶书白", "江望舒", "温予安"]


def member(index: int, title_level: str = "副高", *, is_lead: bool = False) -> dict:
    return {
        "name": _NAMES[index % len(_NAMES)],
        "age": 40 + index,
        "title": "研究员" if title_level == "正高" else "工程师",
        "title_level": title_level,
        "talent_title": "",
        "employer": "示例材料研究院",
        "duty": "牵头负责专家团全面工作。" if is_lead else "开展技术服务与成果转化。",
        "is_lead": is_lead,
    }


def team(levels: list[str] | None = None) -> dict:
    levels = levels or _LEVELS
    return {"members": [member(i, level, is_lead=(i == 0)) for i, level in enumerate(levels)]}


def budget() -> dict:
    return {
        "total_wan": "40",
        "special_wan": "30",
        "self_wan": "10",
        "lines": [
            {"item": "专家咨询与技术服务费", "amount_wan": "18", "fund_type": "special",
             "basis": "12人次×1.5万元"},
            {"item": "科技成果推介与对接活动", "amount_wan": "12", "fund_type": "special",
             "basis": "4场×3万元"},
            {"item": "科服保姆工作经费", "amount_wan": "10", "fund_type": "self",
             "basis": "学会自筹"},
        ],
    }


def schedule() -> dict:
    return {"phases": [
        {"name": "第一阶段", "start": "2024-05-01", "end": "2024-06-30",
         "work": "组建专家团，开设科创工作室，发布科技所能。", "owner": "林知远"},
        {"name": "第二阶段", "start": "2024-07-01", "end": "2024-10-31",
         "work": "开展科技服务活动，推动成果转化。", "owner": "周若溪"},
        {"name": "第三阶段", "start": "2024-11-01", "end": "2024-12-31",
         "work": "总结成效，形成典型案例。", "owner": "宋清禾"},
    ]}


def application() -> dict:
    """A complete, valid 申报书."""
    return copy.deepcopy({
        "cover": {
            "project_name": "新材料产业科技赋能示范项目",
            "applicant_unit": SOCIETY,
            "contact_name": "温予安",
            "contact_phone": "028-85550000",
            "contact_email": "contact@example.org",
            "application_date": "2024-03-25",
        },
        "unit_info": {
            "society_name": SOCIETY,
            "society_address": "成都市示例区示例路1号",
            "legal_representative": "江望舒",
            "legal_representative_mobile": "13800000001",
            "project_leader": "林知远",
            "project_leader_title": "理事长、研究员",
            "phone": "028-85550001",
            "mobile": "13800000002",
            "email": "office@example.org",
            "fax": "",
            "inspection_previous": "合格",
            "inspection_last": "合格",
            "penalized": False,
            "notified": False,
        },
        "studio_name": f"{SOCIETY}先进材料领域专家团",
        "key_measures": "组建专家团，围绕先进材料产业开展科技服务。",
        "goals_and_outcomes": "发布科技所能不少于20项，交易金额不低于600万元。",
        "conditions_and_safeguards": "学会设立项目办公室，落实人员与经费保障。",
        "budget": budget(),
        "schedule": schedule(),
        "team": team(),
        "stamped_pdf_ref": "uploads/2024/application-0001.pdf",
    })


def project_submission() -> dict:
    return {
        "title": "高性能复合材料连续成型技术",
        "project_type": "tech_transfer",
        "summary": "一种复合材料连续成型工艺，已完成中试。",
        "owner_unit": "示例材料研究院",
        "sector": "materials_health",
        "platform_listing_id": "TFKJY-2023-000123",
        "video_ref": "uploads/video-1.mp4",
        "introduction_ref": "uploads/intro-1.pdf",
        "proof_ref": "uploads/proof-1.pdf",
        "tech_level": "international_advanced",
        "financing_need_wan": "500",
        "contact_name": "顾南星",
        "contact_phone": "13900000000",
        "commitment": True,
    }


def grant_call() -> dict:
    return {
        "program_code": "expert_team", "kind": "expert_team",
        "name": "天府科技云专家团“深耕”赋能行动示范项目",
        "year": 2024,
        "award_amount_wan": "30",
        "awards_count": 20,
        "reserve_count": 5,
        "apply_deadline": "2024-04-02",
        "formal_review_deadline": "2024-04-10",
        "review_deadline": "2024-04-10",
        "midterm_at": "2024-08-31",
        "period_end": "2024-12-31",
        "evaluation_deadline": "2025-01-31",
        "publicity_working_days": 5,
        "min_reviewers": 3,
        "objective_weight": "0.4",
        "review_criteria": [{"code": "plan", "label": "工作方案", "max": 40},
                            {"code": "team", "label": "团队实力", "max": 60}],
        "kpi_targets": [{"code": "deal_amount", "label": "科技供需交易金额", "unit": "万元",
                         "target": "600"},
                        {"code": "cases", "label": "典型案例", "unit": "例", "target": 2}],
        "team_rules": {"min_members": 10, "lead_title_level": "正高", "senior_ratio": "0.6"},
    }


def conference_edition() -> dict:
    return {
        "number": 3,
        "year": 2023,
        "name": "第三届科创中国·天府科技云服务大会",
        "submit_deadline": "2023-12-15",
        "recommend_deadline": "2023-12-15",
        "select_deadline": "2023-12-20",
        "conference_start": "2024-01-10",
        "conference_end": "2024-01-12",
        "follow_up_until": "2024-12-31",
        "quotas": {"overall_min": 3000, "opening_per_type": 10, "roadshow_min": 80,
                   "roadshow_max": 120},
        "sectors": ["electronics_equipment", "food_textile_energy_chem", "materials_health",
                    "modern_agriculture"],
        "selection_departments": {"opening": "innovation_dept", "major_roadshow": "society_dept",
                                  "showcase": "popularisation_dept"},
    }


CRITERIA = [{"code": "plan", "label": "工作方案", "max": 40},
            {"code": "team", "label": "团队实力", "max": 60}]


def task_samples() -> dict[str, tuple[dict, dict]]:
    """A valid (raw input, context) for every user task."""
    usage = {"admitted": 900, "opening": {"tech_transfer": 3}, "directed": {},
             "major_roadshow": 50, "sectors": {"modern_agriculture": 12}, "showcase": 0}
    quota = {"quotas": {"opening_per_type": 10, "roadshow_max": 120},
             "sectors": ["electronics_equipment", "food_textile_energy_chem", "materials_health",
                         "modern_agriculture"],
             "selection": {"usage": usage, "owned": {"admission", "opening", "pitch_sessions",
                                                     "major_roadshow"},
                           "placed": None, "partner_code": None, "partner_name": None}}
    return {
        "submit_project": (project_submission(), {"landed_listing_ids": {"TFKJY-2021-000001"}}),
        "check_exclusions": ({"exclusion_outcome": "eligible", "violated_rules": [],
                              "comment": ""}, {"project_type": "tech_transfer"}),
        "recommend_project": ({"recommend_outcome": "recommended", "intent": "major_roadshow",
                               "sector": "materials_health", "reason": "技术成熟，市场前景好",
                               "rank": 1, "concierge_user_id": 7},
                              {"project_type": "tech_transfer", "concierge_user_ids": {7, 8}}),
        "city_recommend_project": ({"recommend_outcome": "recommended", "intent": "showcase",
                                    "reason": "市级择优推荐", "rank": 2, "concierge_user_id": 8},
                                   {"project_type": "tech_transfer", "concierge_user_ids": {7, 8}}),
        "select_project": ({"select_outcome": "selected", "bucket": "opening", "comment": ""},
                           {"project_type": "tech_transfer", **quota}),
        "pitch_project": ({"session": "先进材料和医药健康专场", "pitched_at": "2024-01-10T14:30",
                           "expert_name": "许观澜", "expert_comment": "技术先进，建议尽快对接。",
                           "negotiation_parties": [{"name": "示例新材料有限公司",
                                                    "party_type": "demand_side"}]}, {}),
        "sign_project": ({"sign_outcome": "contract", "counterparty": "示例新材料有限公司",
                          "amount_wan": "350", "contract_kind": "license",
                          "signed_on": "2024-01-11"}, {}),
        "follow_up_project": ({"follow_up_outcome": "landed", "landed_on": "2024-06-30",
                               "landing_evidence": "生产线建成投产，新增产值2000万元。"}, {}),
        "declare_eligibility": ({"inspection_previous": "合格", "inspection_last": "基本合格",
                                 "penalized": False, "notified": "false"}, {}),
        "submit_application": (application(), {}),
        "formal_review": ({"formal_review_outcome": "accepted", "checklist": {
            "materials_complete": True, "format_ok": True, "stamped": True, "consistent": True,
            "eligibility_ok": True}}, {"prior_returns": 0}),
        "assign_reviewers": ({"reviewers": [11, 12, 13]},
                             {"min_reviewers": 3, "eligible_reviewer_ids": {11, 12, 13, 14}}),
        "review_application": ({"scores": {"plan": "35.5", "team": 50}, "comment": "方案可行。"},
                               {"criteria": CRITERIA, "reviewer_id": 11}),
        "conclude_publicity": ({"publicity_outcome": "objection_dismissed", "objections": [
            {"received_on": "2024-04-20", "summary": "对团队成员资格有异议。",
             "handling": "经核实，成员资格符合要求。"}]}, {}),
        "concierge_service": ({"studio_opened": True, "capabilities_published": "12",
                               "services": "协助开设科创工作室并发布科技所能12项。",
                               "served_on": "2024-08-20"}, {}),
        "finance_confirm_award": ({"finance_outcome": "agreed", "signed_on": "2024-04-27"}, {}),
        "finance_confirm_evaluation": ({"finance_outcome": "disagreed", "signed_on": "2025-01-21",
                                        "opinion": "交易金额佐证不足，请重新核实。"}, {}),
        "issue_approval": ({"notice_number": "川科协〔2024〕12号", "issued_on": "2024-04-28",
                            "amount_wan": "30"}, {"award_amount_wan": "30"}),
        "sign_agreement": ({"agreement_number": "SG-2024-001", "signed_on": "2024-05-06",
                            "concierges": [{"name": n, "phone": "13700000000",
                                            "organisation": SOCIETY}
                                           for n in ("方致和", "顾南星", "沈听松")]}, {}),
        "disburse_funds": ({"amount_wan": 30, "paid_on": "2024-05-20",
                            "voucher_number": "CZ-2024-0520"}, {"award_amount_wan": 30}),
        "midterm_check": ({"checked_on": "2024-08-31", "status": "on_track",
                           "findings": "已发布科技所能12项。"}, {}),
        "evaluate_performance": ({"evaluated_on": "2025-01-20", "excellent": True,
                                  "comment": "各项指标均已完成。"}, {"kpi_targets": KPI_TARGETS,
                                                             "kpi_actuals": {"deals": 600}}),
        "rectify": ({"report": "补充完成典型案例2例。", "submitted_on": "2025-02-15"}, {}),
        "re_evaluate": ({"comment": "整改后指标完成。"}, {"kpi_passed": True, "rectification_open": True}),
        "refund": ({"amount_wan": "30", "paid_on": "2025-03-31", "voucher_number": "TK-01"},
                   {"refund_due_wan": "30"}),
    }


def refusal(form_name: str, raw, context: dict | None = None) -> dict[str, list[str]]:
    """The errors of a form (a task's, or a DATA_FORMS name) expected to be refused."""
    from forms.registry import DATA_FORMS
    from tests.forms.step_forms import load_task_form
    with pytest.raises(FormValidationError) as caught:
        if form_name in DATA_FORMS:
            load_form(form_name, raw, context)
        else:
            load_task_form(form_name, raw, context)
    return caught.value.errors


def sample(task: str) -> tuple[dict, dict]:
    """A fresh valid (raw, context) for ``task``."""
    return task_samples()[task]
