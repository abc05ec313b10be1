"""Every form of forms/ fed what an attacker or a careless client sends — text with NUL and
control characters, huge text, surrogates, huge numbers, NaN, wrong types, nested junk: the
only answer is a validation error (Chinese, per field), never another exception. The same data
as a draft (暂存): a list of problems, never an exception. (Routes: tests/web/test_hostile_routes.py.)
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

import forms
from app.services.steps.catalog import catalog
from forms.base import FormSchema
from forms.drafts import draft_problems
from forms.registry import DATA_FORMS, _refused, schema_instance
from forms.rules import required_keys
from forms.search import SEARCH_MAX_CHARS, query_problems
from forms.validators import text_problem

HOSTILE = settings(max_examples=25, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ud800",
                           "\t", "\n", "\r\n"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.text(max_size=5), CONTROL), max_size=8).map("".join),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["科", "a", "%", "_", "\x00"]),
              st.integers(1_000, 60_000)),
    st.sampled_from(["", " ", "null", "0", "-1", "1e999", "NaN", "2023-02-30", "%_\\", "' OR 1=1 --"]),
)
SCALARS = st.one_of(
    HOSTILE_TEXT, st.none(), st.booleans(),
    st.integers(), st.sampled_from([2**31, -2**31 - 1, 2**63, 10**30, -10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(HOSTILE_TEXT, inner, max_size=3)),
    max_leaves=12)


def every_schema() -> list[type[FormSchema]]:
    """Every FormSchema of forms/ (its modules imported), the Steps' and the registry's."""
    for module in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"forms.{module.name}")
    found, todo = set(), [FormSchema]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    steps = {form for step in catalog().steps() for form in step.all_forms()}
    schemas = {s for s in found | steps | set(DATA_FORMS.values())
               if s.__module__.startswith("forms.")}
    return sorted(schemas, key=lambda s: (s.__module__, s.__name__))


SCHEMAS = every_schema()


def shaped(field: fields.Field, depth: int = 0):
    """Data shaped like ``field`` (so nested sections and rows are reached), or junk."""
    if depth < 3 and isinstance(field, fields.Nested):
        return st.one_of(JUNK, form_data(field.schema, depth + 1))
    if depth < 3 and isinstance(field, fields.List):
        return st.one_of(JUNK, st.lists(shaped(field.inner, depth + 1), max_size=3))
    return JUNK


def form_data(schema, depth: int = 0):
    """A dict with some of the schema's keys (shaped or junk values) and maybe unknown keys."""
    known = {name: shaped(field, depth) for name, field in schema.fields.items()}
    return st.tuples(st.fixed_dictionaries({}, optional=known),
                     st.dictionaries(HOSTILE_TEXT, JUNK, max_size=2)).map(
        lambda pair: {**pair[1], **pair[0]})


def test_the_walk_finds_the_forms():
    names = {schema.__name__ for schema in SCHEMAS}
    assert {"ApplicationFormSchema", "NewUserSchema", "NewOrgSchema", "ProjectSubmissionSchema",
            "MemberSchema"} <= names, names
    assert len(SCHEMAS) > 40


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda s: s.__name__)
def test_a_schema_answers_hostile_data_only_with_validation_errors(schema_class):
    schema = schema_instance(schema_class)

    @HOSTILE
    @given(data=st.one_of(form_data(schema), JUNK))
    def check(data):
        try:
            loaded = schema.load(data)
        except ValidationError as error:
            # the path of every refused form; rules over a context need a real one (the routes')
            if not required_keys(schema_class):
                refused = _refused(schema_class, error, {})
                assert refused.errors and all(isinstance(m, str) for ms in refused.errors.values()
                                              for m in ms)
        else:
            assert_plain(loaded)
        problems = draft_problems(schema_class, data)
        assert all(isinstance(m, str) for ms in problems.values() for m in ms)
    check()


def assert_plain(loaded) -> None:
    """What a schema lets through holds no control character nor an out-of-range integer."""
    if isinstance(loaded, dict):
        for key, value in loaded.items():
            assert_plain(key)
            assert_plain(value)
    elif isinstance(loaded, list):
        for value in loaded:
            assert_plain(value)
    elif isinstance(loaded, str):
        assert text_problem("x", loaded, multiline=True) is None, repr(loaded[:50])
        assert "\x00" not in loaded
    elif isinstance(loaded, int) and not isinstance(loaded, bool):
        assert -2**31 <= loaded < 2**31


# The rule itself, named in each field's error ------------------------------------------------

def test_a_nul_in_a_text_names_the_field():
    from forms.people_forms import NewOrgSchema
    with pytest.raises(ValidationError) as refused:
        NewOrgSchema().load({"code": "soc_x", "name": "机构\x00名", "org_type": "society"})
    assert refused.value.messages == {"name": ["「机构名称」含有不可见的控制字符"]}


def test_a_textarea_keeps_its_line_breaks_and_tabs_but_a_line_does_not():
    from forms.project_forms import ProjectSubmissionSchema
    schema = ProjectSubmissionSchema()
    errors = schema.validate({"summary": "第一行\n\t第二行\r\n第三行", "title": "一\n二"})
    assert "summary" not in errors
    assert errors["title"] == ["「项目名称」含有不可见的控制字符"]


def test_a_draft_may_be_incomplete_but_not_hold_a_control_character():
    from forms.application_form import ApplicationFormSchema
    assert draft_problems(ApplicationFormSchema, {"studio_name": "半成品"}) == {}
    assert draft_problems(ApplicationFormSchema, {"team": {"members": [{"name": "张\x00三"}]}}) \
        == {"team.members.0.name": ["「姓名」含有不可见的控制字符"]}
    too_long = draft_problems(ApplicationFormSchema, {"studio_name": "科" * 101})
    assert too_long == {"studio_name": ["「科创工作室名称」不超过100字（当前101字）"]}
    assert draft_problems(ApplicationFormSchema, {"budget": {"total_wan": float("nan")}}) \
        == {"budget.total_wan": ["「项目经费总预算（万元）」应为有限的数字"]}


def test_a_table_has_a_row_limit_far_below_the_request_limit():
    from forms.application_tables import TeamSchema
    member = {"name": "赵一", "age": 40, "title": "教授", "title_level": "正高",
              "employer": "某大学", "duty": "统筹", "is_lead": False}
    errors = TeamSchema().validate({"members": [member] * 201})
    assert errors["members"] == ["「专家团成员」最多填写200项（当前201项）"]


def test_a_search_term_has_a_cap_and_no_control_character():
    assert query_problems([("q", "科" * SEARCH_MAX_CHARS)]) == {}
    assert query_problems([("q", "科" * 50_000)]) == {"q": ["「关键词」不超过100字（当前50000字）"]}
    assert query_problems([("process", "kechuang\x00")]) == {"process": ["「流程」含有不可见的控制字符"]}
