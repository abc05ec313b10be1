"""workflows/scripting.py: what BPMN expressions and scripts may and may not do."""
import sys

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState

from workflows.scripting import RestrictedEnvironment, RestrictedScriptEngine, UnsafeExpression
from workflows.specs import InvalidProcessModel, parse_bundle

from .helpers import one_step_bpmn, script_task, start

EXPERT_SCORE = 'expert_score = round(sum(r["total"] for r in reviews) / len(reviews), 2)'
NESTED_NONLOCAL = "def f():\n    y = 1\n    def g():\n        nonlocal y\n    return g\n"
FRAME_ESCAPE = ('g = (g.gi_frame.f_back for x in [1])\n'
                'b = list(g)[0].f_back.f_builtins\n'
                'pid = b["__import__"]("os").getpid()\n')


@pytest.fixture
def env():
    return RestrictedEnvironment()


@pytest.mark.parametrize("script", [
    "import os",
    "from os import path",
    "__import__('os')",
    "().__class__.__base__.__subclasses__()",
    "x = reviews._private",
    "global reviews",
    NESTED_NONLOCAL,
    "class C:\n    pass\n",
    "def f():\n    yield 1\n",
    FRAME_ESCAPE,
    'leak = "{0.gi_frame.f_back.f_globals}".format(g)',
], ids=["import", "import-from", "dunder-import", "subclasses", "private-attribute", "global",
        "nonlocal", "class", "yield", "generator-frame", "str-format"])
def test_unsafe_scripts_are_refused_before_running(env, script):
    context = {"reviews": []}
    with pytest.raises(UnsafeExpression):
        env.execute(script, context)
    assert context == {"reviews": []}


@pytest.mark.parametrize("expression", [
    "__import__('os').getpid()",
    "().__class__.__base__",
    "[(g := (g.gi_frame.f_back for x in [1])), list(g)[0].f_back.f_builtins][1]",
])
def test_unsafe_expressions_are_refused(env, expression):
    with pytest.raises(UnsafeExpression):
        env.evaluate(expression, {})


@pytest.mark.parametrize("run", ["execute", "evaluate"])
def test_open_is_not_a_builtin(env, run):
    with pytest.raises(NameError):
        getattr(env, run)("open('/etc/passwd')", {})


@pytest.mark.parametrize("expression, data, expected", [
    ('ranking["result"] == "funded"', {"ranking": {"result": "funded"}}, True),
    ('ranking["result"] == "funded"', {"ranking": {"result": "reserve"}}, False),
    ("len(ineligible_reasons) == 0", {"ineligible_reasons": []}, True),
    ('publicity_outcome in ("no_objection", "objection_dismissed")',
     {"publicity_outcome": "objection_upheld"}, False),
    ("not evaluation_passed", {"evaluation_passed": False}, True),
])
def test_the_conditions_our_bpmn_uses_evaluate(env, expression, data, expected):
    assert env.evaluate(expression, data) is expected


def test_expert_score_script_runs_and_leaves_only_data(env):
    context = {"reviews": [{"total": 85.5}, {"total": 90}, {"total": 71}]}
    env.execute(EXPERT_SCORE, context)
    assert context == {"reviews": context["reviews"], "expert_score": 82.17}


def test_builtins_do_not_leak_into_task_data(env):
    context = {"reviews": [1, 2]}
    env.execute("n = len(reviews)", context)
    assert set(context) == {"reviews", "n"}


def test_validate_refuses_unsafe_source():
    with pytest.raises(UnsafeExpression):
        RestrictedScriptEngine().validate("import os")
    RestrictedScriptEngine().validate(EXPERT_SCORE)  # and accepts ours (raises otherwise)


def test_call_service_is_a_task_error(clock):
    workflow = start("kechuang_project")
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    with pytest.raises(WorkflowTaskException, match="service tasks are not supported"):
        RestrictedScriptEngine().call_service(task, operation_name="send_mail")


def test_bpmn_script_with_an_import_is_refused_and_imports_nothing(tmp_path, monkeypatch):
    """Refused at deploy (the model never runs), and at run time by the environment itself."""
    (tmp_path / "grantflow_canary.py").write_text(
        f"open({str(tmp_path / 'imported')!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InvalidProcessModel, match="脚本任务「step」使用了受限环境不允许的写法"):
        parse_bundle({"evil.bpmn": one_step_bpmn(script_task("import grantflow_canary"), key="evil")})
    with pytest.raises(UnsafeExpression):
        RestrictedEnvironment().execute("import grantflow_canary", {})
    assert "grantflow_canary" not in sys.modules
    assert not (tmp_path / "imported").exists()
