"""The 申报书 of a 2023“科创中国”试点城市系列品牌活动项目 (seed 001 二): 产业创新论坛 and
产学融合会议.

Seed 001 fixes what the event must be — its main title, how long, how many parallel forums,
who is invited, the media that cover it, the consulting activities around it, the think-tank
report and the pledge that its results are not claimed by another publicly funded project — and
this form asks for the plan of each, checked against those numbers (EventRules). The rules that
need the call (amount, period) are in forms/rules.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from marshmallow import validates_schema

from forms import fields as f
from forms.application_form import CoverSchema, UnitInfoSchema
from forms.application_tables import BudgetSchema, ScheduleSchema
from forms.base import FormSchema, raise_errors

EVENT_CONTENTS = (
    ("seminar", "高端研讨"), ("matchmaking", "政产学研用对接"), ("policy", "政策发布"),
    ("open_competition", "“揭榜挂帅”"), ("exhibition", "展览展示、成果展示"),
    ("field_visit", "现场调研考察"), ("investment", "创新创业项目投融资对接"),
    ("talent", "人才引进"),
)
# seed 001 二（一）5 / 二（二）4: 应邀请…参会 — all four
INVITEES = (
    ("local_leaders", "地方党委政府领导"), ("industry_experts", "产业部门专家"),
    ("innovation_bases", "“双创”示范基地代表"), ("parks_and_firms", "当地重点园区和企业代表"),
)
NO_OTHER_FUNDING = "该项目成果不得作为其他财政经费支持的项目成果"
QUOTED_BRAND = "(?:“科创中国”|‘科创中国’|\"科创中国\"|'科创中国')"


@dataclass(frozen=True)
class EventRules:
    """What seed 001 fixes for one kind of brand event."""
    title_suffix: str          # 应将“‘科创中国’XX产业创新论坛”作为活动主标题
    min_days: int              # 会期
    min_parallel: int          # 平行论坛
    media_all: bool            # True: 国家级 AND 地方; False: 国家级 OR 地方
    min_national_media: int
    min_local_media: int
    min_activities: int        # 技术咨询、技术推广、成果对接等活动


FORUM = EventRules("产业创新论坛", min_days=2, min_parallel=3, media_all=True,
                   min_national_media=1, min_local_media=10, min_activities=4)
MEETING = EventRules("产学融合会议", min_days=1, min_parallel=0, media_all=False,
                     min_national_media=1, min_local_media=10, min_activities=2)


class MediaSchema(FormSchema):
    """宣介媒体: the names of the national and the provincial/city media that will cover it."""
    national = f.long_text("国家级媒体", 500, required=False, help="每行一家")
    local = f.long_text("省市两级地方媒体", 1000, required=False, help="每行一家")


def named_lines(text: str | None) -> list[str]:
    """The distinct non-empty lines of a list typed one per line."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


class EventPlanSchema(FormSchema):
    """二、活动方案."""
    title = f.text("活动主标题", 100)
    city = f.text("举办地（“科创中国”试点城市）", 50)
    key_industry = f.text("聚焦的重点产业", 100)
    start = f.day("开始日期")
    end = f.day("结束日期")
    parallel_sessions = f.whole("平行论坛（分会场）场数", low=0)
    contents = f.choice_list("活动内容", EVENT_CONTENTS, min_items=1)
    invitees = f.choice_list("邀请参会", INVITEES, min_items=1)
    media = f.section(MediaSchema, "宣介媒体")
    platform_contact = f.text("对接“科创中国”平台专人", 50,
                              help="活动依托“科创中国”平台线上线下结合开展，专家、需求、成果等信息全部汇入平台")
    platform_contact_mobile = f.mobile("专人手机")
    activities = f.whole("联动科技服务团专家开展技术咨询、技术推广、成果对接等活动（次）", low=0)
    think_tank_topics = f.long_text("拟提交的智库报告题目", 500,
                                    help="针对试点城市重点产业发展痛点、难点问题，每行一篇，每篇不少于5000字")


class BrandEventApplicationSchema(FormSchema):
    """Common part of both brand events; a subclass names its EventRules."""
    EVENT: EventRules

    cover = f.section(CoverSchema, "封面")
    unit_info = f.section(UnitInfoSchema, "一、项目申报单位基本情况")
    plan = f.section(EventPlanSchema, "二、活动方案")
    key_measures = f.long_text("三、组织实施举措", 2000,
                               help="会场布置、网络推介、宣传文稿突出“科创中国”品牌，"
                                    "成果凝练与永久性活动品牌培育等。不超过2000字。")
    budget = f.section(BudgetSchema, "四、项目经费预算")
    schedule = f.section(ScheduleSchema, "五、进度安排")
    no_other_funding = f.must_be_true(f"承诺：{NO_OTHER_FUNDING}")
    stamped_pdf_ref = f.material_ref("盖章申报书（PDF）",
                                     help="加盖公章后扫描上传，须与线上填报内容一致")

    @validates_schema
    def plan_meets_the_requirements(self, data, **kwargs):
        errors = plan_errors(data["plan"], self.EVENT)
        raise_errors({"plan": errors} if errors else {})


def plan_errors(plan: dict, event: EventRules) -> dict:
    """{field: [message]} for each requirement of seed 001 the plan misses."""
    errors: dict = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not re.fullmatch(f"{QUOTED_BRAND}.+{event.title_suffix}", plan["title"]):
        refuse("title", f"活动主标题应为“‘科创中国’XX{event.title_suffix}”（XX为产业或领域）")
    days = (plan["end"] - plan["start"]).days + 1
    if days < 1:
        refuse("end", f"「结束日期」{plan['end']}不能早于「开始日期」{plan['start']}")
    elif days < event.min_days:
        refuse("end", f"会期应在{event.min_days}天以上（当前{days}天）")
    if plan["parallel_sessions"] < event.min_parallel:
        refuse("parallel_sessions", f"应包括1场主论坛及{event.min_parallel}场以上平行论坛"
                                    f"（当前{plan['parallel_sessions']}场）")
    missing = [label for code, label in INVITEES if code not in plan["invitees"]]
    if missing:
        refuse("invitees", f"应邀请{'、'.join(missing)}参会")
    media_error = _media_error(plan["media"], event)
    if media_error:
        refuse("media", media_error)
    if plan["activities"] < event.min_activities:
        refuse("activities", f"应开展不少于{event.min_activities}次技术咨询、技术推广、成果对接等活动"
                             f"（当前{plan['activities']}次）")
    return errors


def _media_error(media: dict, event: EventRules) -> str | None:
    national, local = len(named_lines(media["national"])), len(named_lines(media["local"]))
    has_national, has_local = national >= event.min_national_media, local >= event.min_local_media
    needed = (f"至少{event.min_national_media}家国家级媒体"
              f"{'和' if event.media_all else '或'}省市两级{event.min_local_media}家以上地方媒体")
    met = (has_national and has_local) if event.media_all else (has_national or has_local)
    return None if met else f"应在{needed}宣介（当前国家级{national}家、地方{local}家）"


class IndustryForumApplicationSchema(BrandEventApplicationSchema):
    """“科创中国”产业创新论坛项目申报书 (seed 001 二（一）)."""
    EVENT = FORUM


class AcademiaMeetingApplicationSchema(BrandEventApplicationSchema):
    """“科创中国”产学融合会议项目申报书 (seed 001 二（二）)."""
    EVENT = MEETING
