"""Forms of the start pages (not user tasks): opening a 科创项目 submission."""
from __future__ import annotations

from forms import choices as c
from forms import fields as f
from forms.base import FormSchema


class ProjectStartSchema(FormSchema):
    """发起科创项目申报: edition, the applying unit, title, type and the recommending org."""
    edition_id = f.whole("科创会届次", low=1)
    owner_org_id = f.whole("申报单位", low=1)
    title = f.text("项目名称", 100)
    project_type = f.choice("项目类型", c.PROJECT_TYPES)
    recommender_org_id = f.whole("推荐单位", low=1,
                                 help="默认为本单位所在市（州）科协，也可选择省级学会或省科协部门")
