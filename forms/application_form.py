"""The 申报书 of the 专家团“深耕” grant (seed 003), section by section: submit_application."""
from __future__ import annotations

from marshmallow import fields, validates_schema

from forms import fields as f
from forms.application_tables import BudgetSchema, ScheduleSchema, TeamSchema
from forms.base import FormSchema, raise_errors
from forms.choices import INSPECTION_RESULTS

STUDIO_SUFFIX = "专家团"
STUDIO_EXAMPLE = "四川省微生物学会生物技术领域专家团"


def inspection(label: str, help: str) -> fields.String:
    """A 年检结论 (合格 / 基本合格 / 不合格)."""
    return f.choice(label, INSPECTION_RESULTS, help=help)


def society_standing_fields() -> tuple:
    """Fresh fields for the society's standing, in the form's order: inspection_previous,
    inspection_last, penalized, notified. Shared by 资格自查 and section 一."""
    return (
        inspection("前一年度年检结论", "2024年度申报填2022年度年检结论"),
        inspection("最近一次年检结论", "2024年度申报填2023年度年检结论"),
        f.flag("两年内是否受到行政处罚", help="民政厅或相关行政主管部门的行政处罚"),
        f.flag("两年内是否被省科协通报并限期整改"),
    )


class CoverSchema(FormSchema):
    """封面."""
    project_name = f.text("项目名称", 100)
    applicant_unit = f.text("申报单位", 100, help="申报学会全称，与盖章一致")
    contact_name = f.text("联系人", 50)
    contact_phone = f.phone("联系电话")
    contact_email = f.email("电子信箱")
    application_date = f.day("申请日期")


class UnitInfoSchema(FormSchema):
    """一、项目申报单位基本情况."""
    society_name = f.text("学会名称", 100)
    society_address = f.text("学会地址", 200)
    legal_representative = f.text("法定代表人", 50)
    legal_representative_mobile = f.mobile("法定代表人手机")
    project_leader = f.text("项目负责人", 50)
    project_leader_title = f.text("项目负责人职务职称", 100)
    phone = f.phone("联系电话")
    mobile = f.mobile("手机")
    email = f.email("电子邮箱")
    fax = f.landline("传真", required=False)
    inspection_previous, inspection_last, penalized, notified = society_standing_fields()


_NARRATIVE_HELP = {
    "key_measures": "围绕组建天府科技云专家团、开展各类科技服务活动、完成科技服务指标任务、"
                    "建立专家团科服保姆工作机制等各个方面，阐明工作思路、重点工作内容和具体举措，"
                    "注重工作的实效性、创新性、示范性，突出工作品牌打造。不超过2000字。",
    "goals_and_outcomes": "阐明拟取得的目标任务、预期成效，成效定量与定性相结合，"
                          "须体现高标准高质量。不超过2000字。",
    "conditions_and_safeguards": "阐明专家团实施本项目的优势条件，提出在组织领导、人力物力、"
                                 "制度机制等方面将采取的务实有效的保障措施。不超过2000字。",
}


def narrative(name: str, title: str, number: str):
    """A section of free text (二、三、四), ≤2000 字."""
    return f.long_text(title, 2000, help=_NARRATIVE_HELP[name], section_title=f"{number}、{title}")


class ApplicationFormSchema(FormSchema):
    """天府科技云专家团“深耕”赋能行动示范项目申报书 (submit_application)."""
    cover = f.section(CoverSchema, "封面")
    unit_info = f.section(UnitInfoSchema, "一、项目申报单位基本情况")
    studio_name = f.text("科创工作室名称", 100,
                         help=f"“XX学会+XX领域+专家团”，如“{STUDIO_EXAMPLE}”")
    key_measures = narrative("key_measures", "重点工作内容及具体举措", "二")
    goals_and_outcomes = narrative("goals_and_outcomes", "项目目标及预期成效", "三")
    conditions_and_safeguards = narrative("conditions_and_safeguards",
                                          "项目实施条件及保障措施", "四")
    budget = f.section(BudgetSchema, "五、项目经费预算")
    schedule = f.section(ScheduleSchema, "六、进度安排")
    team = f.section(TeamSchema, "七、专家团成员组成及分工")
    stamped_pdf_ref = f.material_ref("盖章申报书（PDF）",
                                     help="加盖公章后扫描上传，须与线上填报内容一致")

    @validates_schema
    def studio_named_after_society(self, data, **kwargs):
        society, name = data["unit_info"]["society_name"], data["studio_name"]
        field_part = name[len(society):-len(STUDIO_SUFFIX)] if name.startswith(society) else ""
        if not (name.startswith(society) and name.endswith(STUDIO_SUFFIX) and field_part):
            raise_errors({"studio_name": [
                f"「科创工作室名称」应为“学会名称+XX领域+专家团”：以“{society}”开头、"
                f"中间写明领域、以“专家团”结尾，如“{STUDIO_EXAMPLE}”"]})

    @validates_schema
    def cover_names_the_society(self, data, **kwargs):
        society = data["unit_info"]["society_name"]
        if data["cover"]["applicant_unit"] != society:
            raise_errors({"cover": {"applicant_unit": [
                f"封面「申报单位」应与「学会名称」“{society}”一致（申报主体为省级学会）"]}})
