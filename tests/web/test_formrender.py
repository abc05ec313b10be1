"""The form renderer on its own: posted names → nested data, schema → fields, errors in place."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.views.formrender import INDEX, build, schema_for, unflatten
from tests.forms.step_forms import step_named


def test_unflatten_nests_dotted_names_and_sorts_rows_numerically():
    form = MultiDict([("csrf_token", "t"), ("_action", "submit"), ("title", "项目"),
                      ("team.members.10.name", "十一"), ("team.members.2.name", "三"),
                      ("team.members.0.name", "一"), ("cover.contact_name", "何静怡")])
    assert unflatten(form) == {"title": "项目", "cover": {"contact_name": "何静怡"},
                               "team": {"members": [{"name": "一"}, {"name": "三"}, {"name": "十一"}]}}


def test_unflatten_leaves_blanks_out_but_keeps_their_sections():
    form = MultiDict([("title", ""), ("summary", "   "), ("cover.project_name", ""),
                      ("budget.lines.0.item", "")])
    assert unflatten(form) == {"cover": {}, "budget": {"lines": []}}


def test_unflatten_drops_untouched_trailing_rows_only():
    form = MultiDict([("rows.0.name", ""), ("rows.0.is_lead", "false"),
                      ("rows.1.name", "乙"), ("rows.1.is_lead", "false"),
                      ("rows.2.name", ""), ("rows.2.is_lead", "false"),
                      ("rows.3.age", "")])
    assert unflatten(form) == {"rows": [{"is_lead": "false"}, {"name": "乙", "is_lead": "false"}]}


def test_unflatten_last_value_wins_for_a_ticked_checkbox():
    form = MultiDict([("commitment", "false"), ("commitment", "true"), ("penalized", "false")])
    assert unflatten(form) == {"commitment": "true", "penalized": "false"}


def test_unflatten_collects_a_checkbox_group_into_a_list():
    form = MultiDict([("violated_rules.3", "state_secret"), ("violated_rules.0", "not_on_platform")])
    assert unflatten(form) == {"violated_rules": ["not_on_platform", "state_secret"]}


def test_unflatten_ignores_a_name_that_is_both_value_and_section():
    assert unflatten(MultiDict([("a", "x"), ("a.b", "y")])) == {"a": "x"}


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)
        for row in node.rows:
            yield from _walk(row)


def test_build_places_errors_beside_fields_rows_and_tables():
    errors = {"team.members": ["专家团成员不少于10人（当前9人）"],
              "team.members.1.title_level": ["「职称级别」为必填项"],
              "reviewers.0": ["不是评审专家"], "_schema": ["整体错误"]}
    data = {"team": {"members": [{"name": "甲"}, {"name": "乙"}]}}
    form = build(schema_for(step_named("submit_application").form), data, errors=errors)
    nodes = {node.path: node for node in _walk(form.nodes)}
    assert nodes["team.members"].errors == ["专家团成员不少于10人（当前9人）"]
    assert nodes["team.members.1.title_level"].errors == ["「职称级别」为必填项"]
    assert nodes["team.members.1.name"].value == "乙"
    assert [problem.message for problem in form.summary][-1] == "整体错误"
    where = {problem.message: problem.where for problem in form.summary}
    assert where["「职称级别」为必填项"] == "七、专家团成员组成及分工 › 专家团成员 第2行"
    assert f"team.members.{INDEX}.name" in {node.path for node in nodes["team.members"].template}


def test_build_chooses_inputs_from_field_classes_and_metadata():
    form = build(schema_for(step_named("submit_project").form), {"financing_need_wan": "120.5000", "commitment": True})
    kinds = {node.path: node for node in form.nodes}
    assert kinds["summary"].kind == "textarea" and kinds["summary"].max_chars == 2000
    assert kinds["project_type"].kind == "select"
    assert ("tech_transfer", "科技成果转化") in kinds["project_type"].options
    assert kinds["financing_need_wan"].kind == "number" and kinds["financing_need_wan"].step == "any"
    assert kinds["financing_need_wan"].value == "120.5"
    assert kinds["commitment"].kind == "checkbox" and kinds["commitment"].value is True
    assert kinds["video_ref"].kind == "file"
    pitch = {node.path: node for node in build(schema_for(step_named("pitch_project").form),
                                                {"pitched_at": "2024-01-18T06:30:00+00:00"}).nodes}
    assert pitch["pitched_at"].kind == "datetime" and pitch["pitched_at"].value == "2024-01-18T14:30"
    assert pitch["negotiation_parties"].kind == "table"


def test_build_keeps_a_value_the_options_do_not_offer():
    form = build(schema_for(step_named("recommend_project").form), {"concierge_user_id": "99"},
                 options={"concierge_user_id": [(5, "周晓岚")]})
    node = next(n for n in form.nodes if n.path == "concierge_user_id")
    assert node.options == [("5", "周晓岚"), ("99", "99")] and node.value == "99"
