"""The Steps' forms against docs/processes.md, and the metadata every form must carry."""
import json
import re
from pathlib import Path

import pytest
from marshmallow import fields

from forms import DATA_FORMS
from tests.forms.step_forms import load_task_form, task_forms
from tests.forms.factories import sample, task_samples

PROCESSES_MD = Path(__file__).resolve().parents[2] / "docs" / "processes.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Written by the services, not by a form: the due date is one month from the fail notice.
SERVICE_WRITES = {"rectification_due", "returned_for_correction", "submission_due"}  # before-hooks
# Written by a form beyond the docs' table: the type chosen on the form refreshes the start
# data's project_type (the brief asks for it; docs/processes.md says "—").
EXTRA_WRITES = {"submit_project": {"project_type"}}


def user_tasks() -> dict[str, set[str]]:
    """{task id: variables it writes} for the rows of processes.md with a lane (a role)."""
    tasks = {}
    for line in PROCESSES_MD.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) == 5 and cells[0] != "—" and re.fullmatch(r"`\w+`", cells[1]):
            writes = set(re.findall(r"`([a-z_]+)`", cells[3]))
            tasks[cells[1].strip("`")] = writes
    return tasks


def walk(schema, path=""):
    """(path, field) for every field of ``schema``, nested sections and table rows included."""
    for name, field in schema.fields.items():
        yield f"{path}{name}", field
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            yield from walk(inner.schema, f"{path}{name}.")


TASK_FORMS = task_forms()
ALL_FORMS = {**TASK_FORMS, **DATA_FORMS}


def test_docs_list_the_user_tasks_of_both_processes():
    assert {"submit_project", "follow_up_project", "declare_eligibility", "refund"} <= set(
        user_tasks())


def test_every_user_task_of_the_docs_has_a_form():
    assert set(user_tasks()) == set(TASK_FORMS)


@pytest.mark.parametrize("task", sorted(TASK_FORMS))
def test_process_data_is_what_the_docs_say_the_task_writes(task):
    raw, ctx = sample(task)
    result = load_task_form(task, raw, ctx)
    expected = (user_tasks()[task] - SERVICE_WRITES) | EXTRA_WRITES.get(task, set())
    assert set(result.process_data) == expected
    assert json.loads(json.dumps(result.process_data)) == result.process_data


@pytest.mark.parametrize("form", sorted(ALL_FORMS))
def test_every_field_has_a_chinese_label(form):
    for path, field in walk(ALL_FORMS[form]()):
        assert CJK.search(field.metadata.get("label", "")), f"{form}.{path} has no Chinese label"


@pytest.mark.parametrize("form", sorted(ALL_FORMS))
def test_long_texts_are_textareas_and_choices_expose_their_options(form):
    for path, field in walk(ALL_FORMS[form]()):
        meta = field.metadata
        if meta.get("max_chars", 0) > 200:
            assert meta.get("widget") == "textarea", f"{form}.{path}"
        if "choices" in meta:
            assert all(len(pair) == 2 for pair in meta["choices"]), f"{form}.{path}"


def test_narrative_sections_carry_their_numbered_titles():
    schema = TASK_FORMS["submit_application"]()
    meta = schema.fields["key_measures"].metadata
    assert meta == {"label": "重点工作内容及具体举措", "max_chars": 2000, "widget": "textarea",
                    "section_title": "二、重点工作内容及具体举措", "help": meta["help"]}
    labels = [field.metadata["label"] for field in schema.fields.values()]
    assert labels[1] == "一、项目申报单位基本情况" and "七、专家团成员组成及分工" in labels


def test_project_type_choices_are_the_four_of_seed_004():
    meta = TASK_FORMS["submit_project"]().fields["project_type"].metadata
    assert meta["choices"] == [("tech_transfer", "科技成果转化"), ("tech_promotion", "高新技术推广"),
                               ("tech_challenge", "科技难题攻关"),
                               ("finance_product", "科技金融创新产品")]


def test_unknown_task_is_a_key_error():
    with pytest.raises(KeyError, match="no form for task"):
        load_task_form("compute_expert_score", {})


def test_missing_required_context_is_a_key_error_even_for_invalid_input():
    with pytest.raises(KeyError, match="prior_returns"):
        load_task_form("formal_review", {"formal_review_outcome": "maybe"}, {})


def test_every_sample_is_valid():
    for task, (raw, ctx) in task_samples().items():
        load_task_form(task, raw, ctx)
