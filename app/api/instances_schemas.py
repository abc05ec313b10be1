"""The shapes of 项目与申报 over the API: the list's filter and items, one instance as its page
shows it, what one may start, the start request, the diagram and the 评审得分构成."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from forms import fields as f
from forms.base import FormSchema
from forms.fields import choice
from forms.grant_forms import EligibilityDeclarationSchema
from forms.search import search_term
from forms.start_forms import ProjectStartSchema
from workflows.processes import OUTCOME_LABELS

from ..services.reading.instance_views import STATUS_LABELS, InstanceFilter
from . import paging

PROJECT, GRANT = "kechuang_project", "expert_team_grant"
GRANT_KEYS = ("call_id", "society_org_id")  # the start request's own fields for a grant


def _text(description: str, example: str | None = None) -> fields.String:
    metadata = {"description": description} | ({"example": example} if example else {})
    return fields.String(required=True, metadata=metadata)


def _maybe(field_class, description: str, **kwargs):
    return field_class(required=True, allow_none=True, metadata={"description": description},
                       **kwargs)


# The list -----------------------------------------------------------------------------------

class InstanceSearchArgs(FormSchema):
    """The search of the 项目与申报 page (its list and its Excel): ``instance_filter`` reads it."""
    q = search_term("关键词", description="业务编号或名称包含")
    owner = search_term("所属单位", description="单位名称包含")
    status = choice("状态", tuple(STATUS_LABELS.items()), required=False)
    outcome = choice("结果", tuple(OUTCOME_LABELS.items()), required=False)
    city = f.whole("市州", low=1, required=False, help="市州科协的机构编号：该市州的科创项目")
    process = choice("流程", ((PROJECT, "科创项目"), (GRANT, "资助项目")), required=False)
    edition_id = f.whole("科创会届次", low=1, required=False, help="该届科创会的科创项目")
    call_id = f.whole("申报项目", low=1, required=False, help="该资助项目的申报")


def instance_filter(args: dict) -> InstanceFilter:
    return InstanceFilter(
        text=args.get("q"), owner=args.get("owner"), status=args.get("status"),
        outcome=args.get("outcome"), city_id=args.get("city"), process=args.get("process"),
        edition_id=args.get("edition_id"), call_id=args.get("call_id"))


class InstanceFilterArgs(InstanceSearchArgs, paging.PageArgs):
    """The list's search and its page."""


class InstanceItemSchema(Schema):
    id = fields.Integer(required=True)
    business_key = _text("业务编号", "KC3-1A2B3C4D")
    title = _text("名称")
    process_key = _text("流程代码")
    process_label = _text("流程名称")
    process_version = fields.Integer(required=True, metadata={"description": "流程模型版本"})
    status = _text("状态代码：running · completed")
    status_label = _text("状态：进行中 · 已结束")
    outcome = _maybe(fields.String, "结果代码（已结束时）")
    outcome_label = _maybe(fields.String, "结果（已结束时）")
    current_step = _maybe(fields.String, "当前环节（进行中时）")
    owner_org_id = fields.Integer(required=True)
    owner_org_name = _text("所属单位")
    created_at = fields.DateTime(required=True, metadata={"description": "发起时间"})
    updated_at = fields.DateTime(required=True, metadata={"description": "最近更新"})
    url = _text("此实例的接口地址")
    page_url = _text("此实例的网页地址")


# One instance -------------------------------------------------------------------------------

class ShownFieldSchema(Schema):
    """One field as the page shows it: text, file, section (``fields``) or table."""
    label = _text("字段名称")
    kind = _text("text · file · section · table")
    text = _text("显示的值")
    columns = fields.List(fields.String(), required=True, metadata={"description": "表格的列（table）"})
    rows = fields.List(fields.List(fields.Nested(lambda: ShownFieldSchema())), required=True,
                       metadata={"description": "表格的行，每格一项（table）"})
    attachment_id = _maybe(fields.Integer, "文件（file）")
    download_url = _maybe(fields.String, "文件的下载地址（file）")
    fields = fields.List(fields.Nested(lambda: ShownFieldSchema()), required=True,
                         metadata={"description": "分组内的字段（section）"})


class InstanceEnteredFormSchema(Schema):
    task_name = _text("环节代码")
    title = _text("环节")
    actor = _text("办理人")
    at = fields.DateTime(required=True)
    earlier = fields.List(fields.Nested(lambda: InstanceEnteredFormSchema()), required=True,
                          metadata={"description": "此前各轮的提交（退回后重新提交），由早到晚"})
    fields = fields.List(fields.Nested(ShownFieldSchema), required=True)  # last: it shadows the module


class InstanceHistorySchema(Schema):
    at = fields.DateTime(required=True)
    actor = _text("办理人（评审保密的环节显示“（评审保密）”）")
    kind = _text("操作：发起、办理、认领、转办……")
    task = _text("事项（环节）")
    step_before = _maybe(fields.String, "此前的环节")
    step_after = _maybe(fields.String, "此后的环节")
    note = _text("说明：办理的结论与意见、转办原因等")


class InstanceOpenTaskSchema(Schema):
    id = _text("待办事项编号")
    task_name = _text("环节代码")
    title = _text("事项")
    role = _text("办理角色代码")
    role_label = _text("办理角色")
    org_id = fields.Integer(required=True)
    org_name = _text("办理机构")
    due_at = _maybe(fields.DateTime, "办理期限")
    claimed = fields.Boolean(required=True, metadata={"description": "已被认领"})
    may_act = fields.Boolean(required=True, metadata={"description": "当前用户现在可否办理"})


def _attachment_schema() -> Schema:
    from .documents import AttachmentSchema  # the 文件 area's (it imports this module)
    return AttachmentSchema()


class InstanceFactSchema(Schema):
    label = _text("名称")
    text = _text("内容")


class InstanceReviewEntrySchema(Schema):
    title = _text("环节")
    actor = _text("评审专家")
    at = fields.DateTime(required=True)
    fields = fields.List(fields.Nested(ShownFieldSchema), required=True)


class InstanceReviewPanelSchema(Schema):
    title = _text("名称")
    summary = _text("专家评分的计算")
    entries = fields.List(fields.Nested(InstanceReviewEntrySchema), required=True)
    fields = fields.List(fields.Nested(ShownFieldSchema), required=True, metadata={"description": "评分表"})


class InstanceDetailSchema(InstanceItemSchema):
    facts = fields.List(fields.Nested(InstanceFactSchema), required=True,
                        metadata={"description": "流程自身的信息（如不符合申报资格的原因）"})
    open_tasks = fields.List(fields.Nested(InstanceOpenTaskSchema), required=True)
    history = fields.List(fields.Nested(InstanceHistorySchema), required=True,
                          metadata={"description": "流程记录：每次发起、办理、认领、转办……，由早到晚"})
    entered = fields.List(fields.Nested(InstanceEnteredFormSchema), required=True,
                          metadata={"description": "已填报信息：每个环节最近一轮的提交"})
    attachments = fields.List(fields.Nested(_attachment_schema), required=True, metadata={
        "description": "相关文件（评审保密环节的文件不向无权阅读者列出）"})
    reviews = fields.List(fields.Nested(InstanceReviewPanelSchema), required=True,
                          metadata={"description": "专家评审（仅有权阅读评审者可见，否则为空）"})
    diagram_url = _text("流程图数据的接口地址")


class InstanceDiagramSchema(Schema):
    xml = _text("BPMN 2.0 XML（该实例的流程模型版本）")
    completed = fields.List(fields.String(), required=True, metadata={"description": "已完成的环节 id"})
    current = fields.List(fields.String(), required=True, metadata={"description": "当前环节 id"})


class InstanceReviewerScoreSchema(Schema):
    reviewer = _text("评审专家（项目管理员可见姓名，其他人为“专家1”…）")
    total = _text("总分")
    dropped = fields.Boolean(required=True, metadata={"description": "作为最高或最低分去掉"})


class InstanceScoreSchema(Schema):
    reviewers = fields.List(fields.Nested(InstanceReviewerScoreSchema), required=True)
    expert_score = _text("专家评分")
    expert_rule = _text("专家评分的计算方法")
    objective_score = _text("客观评分")
    objective_weight = _text("客观评分的权重")
    combined_score = _text("综合得分")
    rank = fields.Integer(required=True)
    result = _text("结果")
    tie_break = _text("同分时的排序说明")
    tie_rule = _text("同分排序规则")


# Starting -----------------------------------------------------------------------------------

def _described(schema) -> str:
    return "、".join(f"`{name}`（{field.metadata['label']}）" for name, field in schema().fields.items())


class StartArgs(FormSchema):
    """The start request: ``process``, and the fields of that process's start form (checked by
    the start service, as on the page)."""
    process = fields.String(required=True, validate=validate.OneOf(
        (PROJECT, GRANT), error="「流程」应为 kechuang_project（科创项目）或 expert_team_grant（资助项目）"),
        metadata={"label": "流程"})
    call_id = f.whole("申报项目", low=1, required=False)
    society_org_id = f.whole("申报主体", low=1, required=False)

    class Meta:
        unknown = INCLUDE

    @validates_schema
    def _grant_needs_its_call(self, data, **kwargs):
        if data.get("process") == GRANT and not data.get("call_id"):
            raise ValidationError("「申报项目」为必填项", "call_id")


START_DESCRIPTION = f"""发起一项申报，规则与「发起申报」页面相同（同一服务、同一权限判断）。

* 科创项目：`{{"process": "kechuang_project", …}}`，其余字段为发起表单：{_described(ProjectStartSchema)}。
  只有所属单位的申报经办人、在科创会征集期内可以发起。
* 资助项目：`{{"process": "expert_team_grant", "call_id": …, "society_org_id": …, …}}`（`society_org_id`
  省略时为本人的第一个学会），其余字段为申报资格自查：{_described(EligibilityDeclarationSchema)}。
  自查不符合条件时实例直接结束，`outcome` 为 `ineligible`，原因见 `facts`。

成功时 201，`Location` 为新实例的地址，响应体为该实例（同 GET），带 `ETag`。
表单无效时 422，`errors` 中为各字段的中文说明，不创建任何数据。带 `Idempotency-Key` 重试不会重复创建。"""


# What one may start -------------------------------------------------------------------------

class StartEditionOfferSchema(Schema):
    edition_id = fields.Integer(required=True)
    edition_name = _text("科创会届次")
    submit_deadline = fields.Date(required=True, metadata={"description": "项目征集截止日"})
    owner_org_id = fields.Integer(required=True)
    owner_org_name = _text("以此单位名义申报")


class StartCallOfferSchema(Schema):
    call_id = fields.Integer(required=True)
    call_name = _text("申报项目")
    apply_deadline = fields.Date(required=True, metadata={"description": "申报截止日"})
    society_org_id = fields.Integer(required=True)
    society_org_name = _text("以此学会名义申报")
    applied = fields.Boolean(required=True, metadata={"description": "该学会已申报过"})


class StartOrgChoiceSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class StartableSchema(Schema):
    projects = fields.List(fields.Nested(StartEditionOfferSchema), required=True,
                           metadata={"description": "可发起的科创项目申报（单位 × 征集中的届次）"})
    recommenders = fields.List(fields.Nested(StartOrgChoiceSchema), required=True, metadata={
        "description": "科创项目可选的推荐单位（recommender_org_id），无可发起的科创项目时为空"})
    grants = fields.List(fields.Nested(StartCallOfferSchema), required=True,
                         metadata={"description": "可申报的资助项目（学会 × 申报中的项目）"})
