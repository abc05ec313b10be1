"""Field-level behaviour shared by every form: Chinese messages, blanks, counting, numbers."""
from decimal import Decimal

import pytest

from forms import FormValidationError, load_form
from tests.forms.step_forms import load_task_form
from forms.errors import flatten_messages
from tests.forms.factories import application, refusal, sample


def test_missing_required_field_is_named_in_chinese():
    raw, ctx = sample("submit_project")
    del raw["title"]
    assert refusal("submit_project", raw, ctx) == {"title": ["「项目名称」为必填项"]}


def test_blank_text_counts_as_missing():
    raw, ctx = sample("submit_project")
    raw["title"] = "   "
    assert refusal("submit_project", raw, ctx)["title"] == ["「项目名称」为必填项"]


def test_invalid_choice_lists_the_options():
    raw, ctx = sample("submit_project")
    raw["project_type"] = "startup"
    message = refusal("submit_project", raw, ctx)["project_type"][0]
    assert message.startswith("「项目类型」的取值无效，可选：")
    assert "tech_transfer（科技成果转化）" in message
    assert "finance_product（科技金融创新产品）" in message


def test_choice_whose_code_is_chinese_lists_it_once():
    raw, ctx = sample("declare_eligibility")
    raw["inspection_last"] = "优秀"
    assert refusal("declare_eligibility", raw, ctx)["inspection_last"] == [
        "「最近一次年检结论」的取值无效，可选：合格、基本合格、不合格"]


def test_length_message_names_the_limit_and_the_count():
    raw = application()
    raw["key_measures"] = "字" * 2013
    assert refusal("submit_application", raw)["key_measures"] == [
        "「重点工作内容及具体举措」不超过2000字（当前2013字）"]


def test_surrounding_whitespace_is_not_counted_and_is_stripped():
    raw = application()
    raw["key_measures"] = "\n  " + "字" * 2000 + "  \n"
    payload = load_task_form("submit_application", raw).payload
    assert payload["key_measures"] == "字" * 2000


def test_browser_line_breaks_count_as_one_character():
    raw = application()
    raw["key_measures"] = "字" * 999 + "\r\n" + "字" * 1000
    payload = load_task_form("submit_application", raw).payload
    assert len(payload["key_measures"]) == 2000


def test_wrong_type_is_named():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = "11,12"
    assert refusal("assign_reviewers", raw, ctx) == {"reviewers": ["「评审专家」应为列表"]}


def test_wrong_item_type_in_list_is_named_with_its_index():
    raw, ctx = sample("assign_reviewers")
    raw["reviewers"] = [11, "十二", 13]
    assert refusal("assign_reviewers", raw, ctx) == {
        "reviewers.1": ["「评审专家」中的一项应为整数"]}


def test_fractional_integer_is_refused_not_truncated():
    raw = application()
    raw["team"]["members"][3]["age"] = 45.5
    assert refusal("submit_application", raw) == {
        "team.members.3.age": ["「年龄」应为整数"]}


def test_range_message_names_bounds_and_value():
    raw = application()
    raw["team"]["members"][3]["age"] = 17
    assert refusal("submit_application", raw) == {
        "team.members.3.age": ["「年龄」应在18至100之间（当前17）"]}


def test_money_is_decimal_with_four_places_even_from_a_float():
    raw, ctx = sample("sign_project")
    raw["amount_wan"] = 350.25
    amount = load_task_form("sign_project", raw, ctx).payload["amount_wan"]
    assert amount == Decimal("350.2500") and isinstance(amount, Decimal)
    assert str(amount) == "350.2500"


def test_money_finer_than_one_yuan_is_refused():
    raw, ctx = sample("sign_project")
    raw["amount_wan"] = "350.00001"
    assert refusal("sign_project", raw, ctx) == {
        "amount_wan": ["「合同金额（万元）」最多保留4位小数（万元精确到元）"]}


def test_negative_money_is_refused():
    raw, ctx = sample("submit_project")
    raw["financing_need_wan"] = "-1"
    assert refusal("submit_project", raw, ctx) == {
        "financing_need_wan": ["「融资需求（万元）」不能小于0（当前-1）"]}


def test_invalid_date_is_named():
    raw, ctx = sample("sign_project")
    raw["signed_on"] = "2024/01/11"
    assert refusal("sign_project", raw, ctx) == {
        "signed_on": ["「签约日期」应为日期，如2024-04-02"]}


def test_invalid_phone_says_what_is_expected():
    raw, ctx = sample("submit_project")
    raw["contact_phone"] = "12345"
    message = refusal("submit_project", raw, ctx)["contact_phone"][0]
    assert message.startswith("「联系电话」格式不正确：应为11位手机号或带区号的固定电话")


def test_unknown_field_is_refused_by_name():
    raw, ctx = sample("submit_project")
    raw["priority"] = "high"
    assert refusal("submit_project", raw, ctx) == {
        "priority": ["「priority」不是本表单的字段（不接受未知字段）"]}


def test_unknown_field_in_a_nested_row_is_refused_with_its_path():
    raw = application()
    raw["team"]["members"][2]["salary"] = 1
    assert refusal("submit_application", raw) == {
        "team.members.2.salary": ["「salary」不是本表单的字段（不接受未知字段）"]}


def test_form_that_is_not_an_object_is_refused():
    assert refusal("rectify", ["整改报告"]) == {"_schema": ["表单数据应为键值对象"]}


def test_section_that_is_not_an_object_names_the_section():
    raw = application()
    raw["budget"] = "40万元"
    assert refusal("submit_application", raw) == {"budget": ["「五、项目经费预算」应为对象"]}


def test_error_summary_lists_each_path_and_message():
    raw, ctx = sample("submit_project")
    del raw["title"], raw["owner_unit"]
    with pytest.raises(FormValidationError) as caught:
        load_task_form("submit_project", raw, ctx)
    assert str(caught.value) == ("表单有2处错误：\ntitle：「项目名称」为必填项\n"
                                 "owner_unit：「项目单位」为必填项")


def test_nested_schema_errors_are_reported_on_the_section():
    nested = {"_schema": ["a"], "budget": {"_schema": ["b"], "lines": {0: {"item": ["c"]}}}}
    assert flatten_messages(nested) == {"_schema": ["a"], "budget": ["b"],
                                        "budget.lines.0.item": ["c"]}


def test_data_forms_load_through_load_form():
    raw = {"occurred_on": "2024-03-01", "action": "上门走访企业", "result": "明确技术需求"}
    assert load_form("follow_up_record", raw).payload["action"] == "上门走访企业"
