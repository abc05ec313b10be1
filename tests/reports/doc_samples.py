"""Sample data of the printed documents, shaped as reports/documents.py describes (invented
names; amounts as decimal strings or Decimals, dates as ISO strings or dates)."""
from __future__ import annotations

from copy import deepcopy
from datetime import date
from decimal import Decimal

CALL = {"name": "2024年度天府科技云专家团“深耕”赋能行动示范项目", "year": 2024,
        "award_amount_wan": "30"}

APPROVAL = {
    "call": CALL,
    "society": "四川省智能制造学会",
    "project_name": "工业互联网赋能中小企业数字化转型专家团服务项目",
    "studio_name": "四川省智能制造学会工业互联网领域专家团",
    "lead_expert": "林知远",
    "notice": {"notice_number": "川科协〔2024〕37号", "issued_on": "2024-04-30",
               "amount_wan": "30.0000"},
    "issuer": "四川省科学技术协会",
    "period_end": "2024-12-31",
    "evaluation_deadline": date(2025, 1, 31),
}

KPI_TARGETS = [
    ("capabilities_published", "科创工作室发布“科技所能”", "项", "20", "26"),
    ("recommended_to_conference", "向科创会推荐优质成果或高新技术", "项", "5", "5"),
    ("member_studios", "专家团成员开设科创工作室比例", "%", "100", "100"),
    ("services", "开展科技服务、推广高新技术、转化科技成果", "项", "10", "14"),
    ("deal_amount", "科技供需交易合作总金额", "万元", "600", "612.5"),
    ("typical_cases", "典型成功案例", "例", "2", "3"),
    ("concierges", "科服保姆", "名", "3", "3"),
]


def kpi_rows(**actuals) -> list[dict]:
    """The seven 专家团 KPIs, with ``actuals`` by code overriding the passing figures."""
    rows = []
    for code, label, unit, target, actual in KPI_TARGETS:
        value = Decimal(str(actuals.get(code, actual)))
        rows.append({"code": code, "label": label, "unit": unit, "target": target,
                     "actual": value, "met": value >= Decimal(target)})
    return rows


def _evaluation(passed: bool, kpis: list[dict], **extra) -> dict:
    data = {
        "call": {"name": CALL["name"], "year": 2024},
        "society": "四川省智能制造学会",
        "project_name": APPROVAL["project_name"],
        "studio_name": APPROVAL["studio_name"],
        "lead_expert": "林知远",
        "funded_amount_wan": Decimal("30.0000"),
        "kpis": kpis, "passed": passed,
        "evaluation": {"evaluated_on": "2025-01-20", "excellent": False, "bonus_note": "",
                       "comment": "专家团依托科创工作室开展科技服务，各项指标均达到实施要求。"},
        "rectification_due": None, "re_evaluation": None, "refund": None,
    }
    data.update(extra)
    return data


EVALUATION_PASSED = _evaluation(True, kpi_rows())
EVALUATION_PASSED["evaluation"].update(
    excellent=True, bonus_note="研制的产业技术规划获得省部级领导肯定性批示")

EVALUATION_FAILED = _evaluation(
    False, kpi_rows(deal_amount="412.8", typical_cases="1"),
    rectification_due="2025-02-20T23:59:59+08:00")
EVALUATION_FAILED["evaluation"]["comment"] = (
    "科技供需交易合作总金额和典型成功案例未达到项目实施要求，评估结论为不合格。")

EVALUATION_REFUNDED = deepcopy(EVALUATION_FAILED)
EVALUATION_REFUNDED.update(
    re_evaluation={"passed": False, "comment": "整改期满，交易合作总金额仍未达到600万元。",
                   "kpis": kpi_rows(deal_amount="523", typical_cases="2")},
    refund={"amount_wan": "30", "paid_on": "2025-03-14"})

SUMMARY = ("本项目面向川南地区中小制造企业，研发低成本工业互联网边缘网关及设备数据采集套件，"
           "兼容主流PLC协议，支持离线缓存与断点续传。已在12家企业试点，平均设备综合效率提升"
           "8.6%，能耗下降5.2%。技术成熟度TRL 7，拥有发明专利3项、软件著作权5项。\n"
           "合作需求：寻求装备制造企业开展规模化应用合作，或以技术许可方式转化；"
           "拟融资500万元用于产线建设。")

PROJECT_SHEET = {
    "edition": {"name": "第三届科创中国·天府科技云服务大会", "year": 2023},
    "title": "面向中小制造企业的低成本工业互联网边缘网关",
    "project_type": "tech_transfer",
    "sector": "electronics_equipment",
    "intent": "major_roadshow",
    "city": "宜宾",
    "owner": "宜宾示例智能装备有限公司",
    "recommender": "宜宾市科学技术协会",
    "concierge": "周晓岚",
    "details": {
        "title": "面向中小制造企业的低成本工业互联网边缘网关",
        "project_type": "tech_transfer",
        "summary": SUMMARY,
        "owner_unit": "宜宾示例智能装备有限公司",
        "sector": "electronics_equipment",
        "platform_listing_id": "TFKJY-2023-118406",
        "video_ref": "att-301", "introduction_ref": "att-302", "proof_ref": "att-303",
        "financing_need_wan": "500",
        "contact_name": "许明哲", "contact_phone": "0831-85551234",
        "commitment": True,
    },
}


def long_project_sheet() -> dict:
    """Every text at its form's maximum: 100-字 names, a 2000-字 summary in paragraphs."""
    data = deepcopy(PROJECT_SHEET)
    long_name = ("基于多源异构数据融合与边缘智能协同计算的流程制造企业全生命周期设备健康管理"
                 "与预测性维护关键技术研究及规模化应用示范项目（第二期）——面向川南、川东北"
                 "化工园区及装备制造集群的推广应用")
    paragraph = "项目围绕流程制造设备健康管理的共性难题，构建“感知—诊断—预测—决策”闭环体系。" * 5
    data.update(title=long_name, owner=("四川示例流程工业智能运维技术研究院有限责任公司" * 5)[:100],
                recommender="四川省智能制造学会（四川省工业互联网产业技术创新联盟）",
                concierge="欧阳思远")
    data["details"].update(title=long_name, summary="\n".join([paragraph] * 6)[:2000],
                           contact_name="欧阳思远（项目办公室主任、总工程师）",
                           contact_phone="13800000000")
    return data


CITY_NAMES = ["成都", "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山",
              "南充", "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳",
              "阿坝藏族羌族自治州", "甘孜藏族自治州", "凉山彝族自治州"]


def _cities() -> list[dict]:
    rows = []
    for index, city in enumerate(CITY_NAMES):
        pitched = 166 if index == 0 else 30 + (index * 37) % 120
        intents = 98 if index == 0 else (pitched * (index % 5 + 2)) // 10
        signed = 0 if city == "巴中" else intents // 4
        rows.append({"city": city, "pitched": pitched, "intents": intents, "signed": signed,
                     "contract_wan": Decimal(signed * 85) / 2})
    rows[16].update(pitched=0, intents=0, signed=0, contract_wan="0")  # 巴中: nothing pitched
    return rows


CONFERENCE = {
    "edition": {"name": "第三届科创中国·天府科技云服务大会", "year": 2023,
                "starts_on": "2024-01-18", "ends_on": date(2024, 1, 19)},
    "generated_at": "2024-02-05T09:30:00+08:00",
    "by_area": [
        {"area": "开幕式发布", "pitched": 30, "intents": 12, "signed": 9, "contract_wan": "5600"},
        {"area": "重大科创项目专场推介会（电子信息和装备制造）", "pitched": 28, "intents": 11,
         "signed": 4, "contract_wan": "1830.5"},
        {"area": "重大科创项目专场推介会（食品轻纺和能源化工）", "pitched": 25, "intents": 9,
         "signed": 3, "contract_wan": "960"},
        {"area": "重大科创项目专场推介会（先进材料和医药健康）", "pitched": 26, "intents": 10,
         "signed": 5, "contract_wan": "2150"},
        {"area": "重大科创项目专场推介会（现代农业（乡村振兴））", "pitched": 24, "intents": 0,
         "signed": 0, "contract_wan": "0"},
        {"area": "重点科创项目集中推介", "pitched": 1761, "intents": 779, "signed": 106,
         "contract_wan": Decimal("18420.75")},
    ],
    "by_city": _cities(),
    "totals": {"submitted": 3412, "recommended": 3105, "selected": 3021, "pitched": 1894,
               "intents": 821, "signed": 127, "landed": 46, "contract_wan": "28961.25"},
}
