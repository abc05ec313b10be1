"""Data for the 申报书 PDF tests: the typical application of tests/forms/factories.py and a long
one (2000-字 section, 40 members, long values, rare name characters); seed 001's 科技服务团 and
品牌活动 申报书 as the demo fills them. Invented names only."""
from __future__ import annotations

from decimal import Decimal

from app.demo import samples
from app.demo.reference import SERVICE_TEAM_PROGRAMS
from tests.forms.factories import application

CALL = {"name": "天府科技云专家团“深耕”赋能行动示范项目", "year": 2024}

RARE_CHARS = "堃喆𠮷"  # two URO characters outside GB2312 and one of CJK Extension B (U+20BB7)

_GIVEN = ["清岚", "若谷", "知秋", "望川", "临溪", "晏如", "远岫", "闻笛", "照野", "听澜",
          "怀瑾", "修竹", "鸣珂", "予墨", "凌霄", "叙白", "云舒", "砚池", "青梧", "承影"]


def document(form: dict | None = None, *, submitted_at: str | None = None) -> dict:
    """The data of ``reports.documents`` for an application document."""
    return {"form": application() if form is None else form, "call": dict(CALL),
            "submitted_at": submitted_at}


def member_names(count: int) -> list[str]:
    """Distinct invented names; the first three carry the rare characters."""
    names = ["欧阳堃", "司马喆", "诸葛𠮷安"]
    surnames = ["柏", "甘", "奚", "苗", "卜", "滕", "瞿", "居", "衡", "钮", "龚"]
    index = 0
    while len(names) < count:
        name = surnames[index % len(surnames)] + _GIVEN[index // len(surnames) % len(_GIVEN)]
        if name not in names:
            names.append(name)
        index += 1
    return names


def duty(index: int) -> str:
    """A duty unique to row ``index`` that wraps over several lines of its cell."""
    return (f"负责第{index}服务小组（编号T{index:02d}）在成都、绵阳、德阳三地的技术咨询、成果对接与"
            f"科普培训，按月报送服务台账并跟踪落实，完成后提交小组总结（T{index:02d}结）。")


def long_team(count: int = 40) -> dict:
    members = []
    for index, name in enumerate(member_names(count), start=1):
        members.append({
            "name": name, "age": 30 + index % 35,
            "title": "研究员、博士生导师" if index % 3 == 0 else "高级工程师",
            "title_level": "正高" if index % 3 == 0 else "副高",
            "talent_title": "四川省学术和技术带头人后备人选" if index % 4 == 0 else "",
            "employer": f"四川省示例新材料产业技术研究院第{index}研究所",
            "duty": duty(index), "is_lead": index == 1})
    # the 领衔专家 entered last: the PDF must still print them first
    members.append(members.pop(0))
    return {"members": members}


_SENTENCES = [
    "专家团围绕先进材料产业链的关键环节，组织高校、科研院所和企业专家开展常态化科技服务",
    "每季度深入园区和重点企业开展技术诊断，形成问题清单、需求清单和服务清单并逐项销号",
    "依托天府科技云平台发布科技所能，推动供需双方线上对接、线下洽谈，提高成果转化效率",
    "建立科服保姆工作机制，为每家服务对象明确一名联络专家，做到需求有人接、问题有人管",
    "聚焦复合材料连续成型、稀土功能材料和高性能纤维等方向，打造专家团服务品牌",
    "联合地方科协举办技术交流会和成果推介会，邀请金融机构参与，促进科技与金融深度融合",
    "建立服务台账和绩效档案，按月统计服务人次、解决问题数和带动投资额，定期向省科协报告",
]


def long_text(chars: int = 2000, paragraph_every: int = 3) -> str:
    """Numbered sentences (unique, so a test can find each), exactly ``chars`` 字 without
    whitespace, a paragraph every few sentences."""
    sentences, total, number = [], 0, 1
    while total < chars:
        sentence = f"（{number}）{_SENTENCES[number % len(_SENTENCES)]}。"
        sentences.append(sentence)
        total += len(sentence)
        number += 1
    text = "".join(sentences)[:chars - 1] + "。"
    paragraphs, start = [], 0
    for index in range(paragraph_every, len(sentences), paragraph_every):
        end = len("".join(sentences[:index]))
        paragraphs.append(text[start:end])
        start = end
    paragraphs.append(text[start:])
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def long_budget(lines: int = 12) -> dict:
    rows = [{"item": f"第{index}项专家咨询、技术服务与成果推介对接活动经费（含差旅、会务、资料）",
             "amount_wan": str(Decimal("2.5") * index),
             "fund_type": "special" if index % 3 else "self",
             "basis": f"{index}场次×2.5万元/场次，按照省级财政专项资金管理办法及学会财务制度据实列支"}
            for index in range(1, lines + 1)]
    special = sum(Decimal(row["amount_wan"]) for row in rows if row["fund_type"] == "special")
    own = sum(Decimal(row["amount_wan"]) for row in rows if row["fund_type"] == "self")
    return {"total_wan": str(special + own), "special_wan": str(special), "self_wan": str(own),
            "lines": rows}


def long_application() -> dict:
    """Every section at its longest: the PDF must grow, never overflow or cut."""
    form = application()
    form["cover"].update(
        project_name="先进材料产业链科技服务与成果转化“深耕”赋能行动示范项目（成德绵眉乐雅广西攀经济区）",
        contact_email="expert-team-office-of-the-materials-society-2024@example-society.org.cn")
    form["unit_info"].update(
        society_address="四川省成都市示例区示例大道二段一百二十八号示例科技园区创新中心九号楼十二层"
                        "一千二百零八室" * 2,
        project_leader_title="理事长、研究员、博士生导师、四川省学术和技术带头人、"
                             "示例新材料产业技术研究院首席科学家",
        email="a-very-long-mailbox-name-without-any-break-opportunity@example.org")
    form["key_measures"] = long_text(2000)
    form["goals_and_outcomes"] = long_text(1200, paragraph_every=2)
    form["conditions_and_safeguards"] = long_text(800)
    form["budget"] = long_budget()
    form["schedule"] = {"phases": [
        {"name": f"第{number}阶段", "start": f"2024-{month:02d}-01",
         "end": f"2024-{month + 1:02d}-28",
         "work": f"第{number}阶段：" + long_text(180, paragraph_every=1), "owner": "欧阳堃"}
        for number, month in zip("一二三四五", range(3, 12, 2))]}
    form["team"] = long_team(40)
    return form


# Seed 001's 申报书: a 专业科技服务团 and the two 品牌活动, as the demo's applicants fill them ----

SERVICE_CALL_NAME = "2023年“科创中国”专业科技服务团示范项目"
EVENT_CALL_NAMES = {"industry_forum": "2023年“科创中国”产业创新论坛",
                    "academia_meeting": "2023年“科创中国”产学融合会议项目"}
SOCIETY = "四川省机械工程学会"


def service_targets() -> list[dict]:
    """The 专业科技服务团's KPI targets as the demo's call has them."""
    _, kpis = SERVICE_TEAM_PROGRAMS["professional_service_team"]
    return [{"code": code, "label": label, "unit": unit, "target": target}
            for code, label, unit, target in kpis]


def service_team_document(form: dict | None = None, *, targets: list[dict] | None = None) -> dict:
    """A 科技服务团 申报书 committing 5 more than each target (55项 for 50项)."""
    targets = service_targets() if targets is None else targets
    if form is None:
        form = samples.service_team_form(SOCIETY, 2023, targets)
        form["commitments"] = {row["code"]: str(int(row["target"]) + 5) for row in targets}
    return {"form": form, "call": {"name": SERVICE_CALL_NAME, "year": 2023, "kind": "service_team",
                                   "kpi_targets": targets}, "submitted_at": None}


def brand_event_document(kind: str, form: dict | None = None) -> dict:
    form = samples.brand_event_form(SOCIETY, 2023, kind) if form is None else form
    return {"form": form, "call": {"name": EVENT_CALL_NAMES[kind], "year": 2023, "kind": kind},
            "submitted_at": None}
