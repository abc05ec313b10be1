"""Sample form inputs, as a person would type them — invented names and data only (demo, tests, bench)."""
from __future__ import annotations

from copy import deepcopy
from datetime import datetime

from workflows.clock import FrozenClock, using_clock
from workflows.dates import SHANGHAI

SUBMISSION = {
    "title": "工业机器人视觉引导柔性装配技术", "project_type": "tech_transfer",
    "summary": "面向离散制造的视觉引导柔性装配成套技术，已在两家企业中试。",
    "owner_unit": "成都云智装备科技有限公司", "sector": "electronics_equipment",
    "platform_listing_id": "TFKJY-2023-0001", "video_ref": "upload:video-1",
    "introduction_ref": "upload:intro-1", "proof_ref": "upload:proof-1",
    "tech_level": "domestic_leading",
    "contact_name": "李思远", "contact_phone": "13800000001", "commitment": True,
}


def submission(**changes) -> dict:
    """SUBMISSION with ``changes``; seed 004's criteria as the type asks for them (技术水平 for
    成果转化 and 推广, 成熟度 for 推广) unless ``changes`` says otherwise."""
    raw = {**deepcopy(SUBMISSION), **changes}
    kind = raw["project_type"]
    if kind not in ("tech_transfer", "tech_promotion") and "tech_level" not in changes:
        raw.pop("tech_level")
    if kind == "tech_promotion" and "maturity" not in changes:
        raw["maturity"] = "pilot_done"
    return raw


def recommendation(concierge_user_id: int, **changes) -> dict:
    return {"recommend_outcome": "recommended", "intent": "major_roadshow",
            "sector": "electronics_equipment", "reason": "技术成熟度高，需求方明确。", "rank": 1,
            "concierge_user_id": concierge_user_id, **changes}


def selection(**changes) -> dict:
    return {"select_outcome": "selected", "bucket": "major_roadshow",
            "sector": "electronics_equipment", "comment": "入选电子信息和装备制造专场。", **changes}


PITCH = {"session": "电子信息和装备制造专场", "pitched_at": "2024-01-18T14:30:00+08:00",
         "expert_name": "杨振华", "expert_comment": "技术路线清晰，建议尽快开展中试对接。",
         "negotiation_parties": [{"name": "德阳某重型装备公司", "party_type": "demand_side"}]}

CONTRACT = {"sign_outcome": "contract", "counterparty": "德阳某重型装备公司",
            "amount_wan": "120.5", "contract_kind": "license", "signed_on": "2024-01-19"}


def team(members: int = 10, senior: int = 6) -> list[dict]:
    rows = []
    for n in range(members):
        level = "正高" if n == 0 else ("副高" if n < senior else "中级")
        rows.append({"name": f"专家{n + 1:02d}", "age": 45, "title": f"{level}职称",
                     "title_level": level, "employer": "川西理工学院",
                     "duty": "牵头负责专家团全面工作。" if n == 0 else "开展技术服务",
                     "is_lead": n == 0})
    return rows


def application_form(society_name: str = "四川省智能制造学会", year: int = 2024, **changes) -> dict:
    """A valid 申报书 for a call of ``year`` (its schedule lies within that year)."""
    form = {
        "cover": {"project_name": "智能制造领域专家团深耕赋能", "applicant_unit": society_name,
                  "contact_name": "何静怡", "contact_phone": "028-86000000",
                  "contact_email": "contact@example.org", "application_date": f"{year}-03-20"},
        "unit_info": {"society_name": society_name, "society_address": "成都市高新区示例路1号",
                      "legal_representative": "王建国", "legal_representative_mobile": "13900000002",
                      "project_leader": "杨振华", "project_leader_title": "理事长/教授",
                      "phone": "028-86000001", "mobile": "13900000003",
                      "email": "leader@example.org", "inspection_previous": "合格",
                      "inspection_last": "合格", "penalized": False, "notified": False},
        "studio_name": f"{society_name}智能制造领域专家团",
        "key_measures": "组建专家团，围绕园区企业开展问题解析与成果转化。" * 5,
        "goals_and_outcomes": "发布科技所能不少于20项，促成交易600万元以上。" * 5,
        "conditions_and_safeguards": "学会设立专项工作组，建立周例会制度。" * 5,
        "budget": {"total_wan": "40", "special_wan": "30", "self_wan": "10",
                   "lines": [{"item": "专家咨询费", "amount_wan": "20", "fund_type": "special",
                              "basis": "40人次×0.5万元"},
                             {"item": "差旅费", "amount_wan": "10", "fund_type": "special",
                              "basis": "20次×0.5万元"},
                             {"item": "会议费", "amount_wan": "10", "fund_type": "self",
                              "basis": "4场×2.5万元"}]},
        "schedule": {"phases": [
            {"name": "第一阶段", "start": f"{year}-04-15", "end": f"{year}-06-30",
             "work": "组建专家团、开设工作室", "owner": "杨振华"},
            {"name": "第二阶段", "start": f"{year}-07-01", "end": f"{year}-12-31",
             "work": "开展科技服务与成果转化", "owner": "许清扬"}]},
        "team": {"members": team()},
    }
    form.update(changes)
    return form


def _common_parts(society_name: str, year: int, project_name: str) -> dict:
    """封面, 一, budget and schedule as the 专家团 sample has them (every 申报书 shares them)."""
    base = application_form(society_name, year)
    base["cover"]["project_name"] = project_name
    return {key: base[key] for key in ("cover", "unit_info", "budget", "schedule")}


def service_team_form(society_name: str, year: int, targets: list[dict], **changes) -> dict:
    """A valid 科技服务团 申报书: every KPI target of the call committed to (a little above)."""
    form = {
        **_common_parts(society_name, year, f"{society_name}科技服务团示范项目"),
        "team_name": f"{society_name}科技服务团",
        "focus": {"pilot_city": "德阳市", "key_industry": "高端装备制造",
                  "cooperation": "与德阳市科协签订协同工作协议，按月会商需求、联合派驻专家。"},
        "key_measures": "对照实施要求，汇聚成果、解析问题、促成转化，建立专人对接平台的机制。" * 4,
        "commitments": {row["code"]: str(row["target"]) for row in targets},
        "platform_confirmation": True,
        "conditions_and_safeguards": "学会设立服务团办公室，建立月度调度与考核制度。" * 4,
        "team": {"members": team(members=6, senior=3)},
    }
    form.update(changes)
    return form


def brand_event_form(society_name: str, year: int, kind: str, **changes) -> dict:
    """A valid 品牌活动 申报书 (产业创新论坛 or 产学融合会议) meeting every seed 001 number."""
    forum = kind == "industry_forum"
    name = "产业创新论坛" if forum else "产学融合会议"
    form = {
        **_common_parts(society_name, year, f"“科创中国”智能装备{name}"),
        "plan": {
            "title": f"“科创中国”智能装备{name}", "city": "德阳市", "key_industry": "智能装备",
            "start": f"{year}-09-20", "end": f"{year}-09-21" if forum else f"{year}-09-20",
            "parallel_sessions": 3 if forum else 0,
            "contents": ["seminar", "matchmaking", "open_competition"],
            "invitees": ["local_leaders", "industry_experts", "innovation_bases", "parks_and_firms"],
            "media": {"national": "科技日报",
                      "local": "\n".join(f"地方媒体{n:02d}" for n in range(1, 11))},
            "platform_contact": "周明远", "platform_contact_mobile": "13900000011",
            "activities": 4 if forum else 2,
            "think_tank_topics": "智能装备产业链关键环节短板与对策"},
        "key_measures": "会场布置与宣传突出“科创中国”品牌，会后凝练成果、培育永久性活动品牌。" * 3,
        "no_other_funding": True,
    }
    form.update(changes)
    return form


def review(scores: dict | None = None) -> dict:
    return {"scores": scores or {"measures": 25, "goals": 26, "conditions": 16, "budget": 17},
            "comment": "举措具体，目标量化。"}


REVIEWERS = ("expert_a", "expert_b", "expert_c")
FORMAL_REVIEW_ACCEPTED = {
    "formal_review_outcome": "accepted",
    "checklist": {"materials_complete": True, "format_ok": True, "stamped": True,
                  "consistent": True, "eligibility_ok": True}}
AGREEMENT_CONCIERGES = ("林晓雯", "赵明轩", "孙雅琴")  # invented
AGREEMENT = {"agreement_number": "XY-2024-001", "signed_on": "2024-05-06",
             "concierges": [{"name": name, "phone": f"1380000001{n}", "organisation": "学会秘书处"}
                            for n, name in enumerate(AGREEMENT_CONCIERGES)]}
MIDTERM = {"checked_on": "2024-09-02", "status": "on_track", "findings": "进展正常。"}
ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": False,
            "notified": False}
INELIGIBLE = {**ELIGIBLE, "inspection_last": "不合格"}
FINANCE_AGREED = {"finance_outcome": "agreed", "signed_on": "2025-01-10", "opinion": "同意。"}
# task → (role or "applicant", valid input) for the grant steps that need nothing else
GRANT_TASK_INPUTS = {
    "declare_eligibility": ("applicant", ELIGIBLE),
    "formal_review": ("grant_officer", FORMAL_REVIEW_ACCEPTED),
    "midterm_check": ("grant_officer", MIDTERM),
    "conclude_publicity": ("grant_officer", {"publicity_outcome": "no_objection", "objections": []}),
    "issue_approval": ("grant_officer", {"notice_number": "川科协立项〔2024〕1号",
                                         "issued_on": "2024-04-30", "amount_wan": "30"}),
    "sign_agreement": ("applicant", AGREEMENT),
    "disburse_funds": ("finance_officer", {"amount_wan": "30", "paid_on": "2024-05-20",
                                           "voucher_number": "CZ-2024-088"}),
    "evaluate_performance": ("grant_officer", {"evaluated_on": "2025-01-10", "excellent": True,
                                               "comment": "全部指标完成。"}),
    "concierge_service": ("concierge", {"studio_opened": True, "capabilities_published": 20,
                                        "services": "协助开设科创工作室，发布科技所能20项。",
                                        "served_on": "2024-06-10"}),
    "finance_confirm_award": ("finance_reviewer", FINANCE_AGREED | {"signed_on": "2024-04-29"}),
    "finance_confirm_evaluation": ("finance_reviewer", FINANCE_AGREED),
}
# a failed evaluation, its rectification and a failed re-evaluation (→ full refund)
FAILED_PATH_INPUTS = {
    "evaluate_performance": ("grant_officer", {"evaluated_on": "2025-01-10", "excellent": False,
                                               "comment": "交易金额等指标未完成，限期一个月整改。"}),
    "rectify": ("applicant", {"report": "补充开展技术对接并提交整改报告。", "submitted_on": "2025-01-25"}),
    "re_evaluate": ("grant_officer", {"comment": "整改后仍未达标。"}),
    "refund": ("finance_officer", {"amount_wan": "30", "paid_on": "2025-03-01",
                                   "voucher_number": "TK-2025-001"}),
}


LANDED = {"follow_up_outcome": "landed", "landed_on": "2024-06-30",
          "landing_evidence": "技术许可合同已履行，产线投产。"}
FIRST_VISIT = {"occurred_on": "2024-03-01", "action": "走访需求方", "result": "确定中试场地"}


def once_landed():
    """The clock on the day after the samples' 落地日期 (2024-06-30), for recording the
    follow-up: what has happened is never dated in the future."""
    return using_clock(FrozenClock(datetime(2024, 7, 1, 9, tzinfo=SHANGHAI)))
