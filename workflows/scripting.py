"""The restricted script environment for BPMN conditions, scripts and timer expressions.

BPMN expressions are Python evaluated over task data. We allow plain expressions and
assignments over data and a short list of pure builtins; imports, dunder names and private
attribute access are refused before anything runs, so an expression cannot reach modules,
files or the network (``().__class__.__base__.__subclasses__()`` fails the check).
"""
from __future__ import annotations

import ast
import builtins
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "range", "reversed", "round", "set", "sorted", "str",
    "sum", "tuple", "zip", "None", "True", "False",
)
SAFE_BUILTINS = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}

_FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef,
                    ast.AsyncFunctionDef, ast.Await, ast.Yield, ast.YieldFrom)

# Private/dunder attributes, plus the frame/code introspection attributes of generators,
# coroutines, frames, tracebacks and code objects: ``(g.gi_frame.f_back for x in [1])`` reaches
# the caller's frame and its real ``f_builtins`` (``__import__``) without any underscore.
_FORBIDDEN_ATTR_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")
# str.format/format_map walk attribute chains inside the format string, out of the AST's sight.
_FORBIDDEN_ATTRS = frozenset({"format", "format_map"})


class UnsafeExpression(ValueError):
    """A BPMN expression or script uses something the restricted environment forbids."""


def _check(tree: ast.AST, source: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, _FORBIDDEN_NODES):
            raise UnsafeExpression(f"{type(node).__name__} is not allowed in BPMN scripts: {source!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith(_FORBIDDEN_ATTR_PREFIXES):
            raise UnsafeExpression(f"attribute {node.attr!r} is not allowed: {source!r}")
        if isinstance(node, ast.Attribute) and node.attr in _FORBIDDEN_ATTRS:
            raise UnsafeExpression(f"attribute {node.attr!r} is not allowed: {source!r}")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise UnsafeExpression(f"name {node.id!r} is not allowed: {source!r}")


@lru_cache(maxsize=4096)
def compile_checked(source: str, mode: str):
    """Parse, check and compile once per distinct expression (cached: specs repeat them)."""
    tree = ast.parse(source, mode=mode)
    _check(tree, source)
    return compile(tree, "<bpmn>", mode)


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that only runs checked code with the safe builtins."""

    def __init__(self):
        super().__init__({"__builtins__": SAFE_BUILTINS})

    def evaluate(self, expression, context, external_context=None):
        code = compile_checked(expression, "eval")
        scope = {**self.globals, **(external_context or {}), **context, "__builtins__": SAFE_BUILTINS}
        return eval(code, scope)

    def execute(self, script, context, external_context=None):
        code = compile_checked(script, "exec")
        return super().execute(code, context, external_context)


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine with the restricted environment and no service calls."""

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        compile_checked(expression, "exec")

    def call_service(self, task, **kwargs):
        # SpiffWorkflow's own call_service hides errors behind a NameError; grantflow has no
        # service tasks, so any attempt is a modelling error and says so.
        raise WorkflowTaskException("service tasks are not supported by grantflow", task=task)
