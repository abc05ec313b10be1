"""The restricted script environment for BPMN conditions, scripts and timer expressions.

BPMN expressions are Python evaluated over task data. We allow plain expressions and
assignments over data and a short list of pure builtins; imports, dunder names and private
attribute access are refused before anything runs, so an expression cannot reach modules,
files or the network (``().__class__.__base__.__subclasses__()`` fails the check).
"""
from __future__ import annotations

import ast
import builtins
import sys
import time
from contextlib import contextmanager
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "range", "reversed", "round", "set", "sorted", "str",
    "sum", "tuple", "zip", "None", "True", "False",
)
SAFE_BUILTINS = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}

# The budget of one expression or script: a runaway one (``while True``) fails its own step in
# about this long, never holding a request, a worker or the timer sweep. Our defaults: a model's
# real scripts take microseconds.
SCRIPT_SECONDS = 2.0
SCRIPT_STEPS = 2_000_000  # traced lines
MAX_RANGE = 1_000_000  # range() is C code the line budget cannot see: bounded here
MAX_POWER_EXPONENT = 64  # nor can it see 10 ** 10 ** 9


class ScriptBudgetExceeded(RuntimeError):
    """A BPMN script or expression ran past its time or step budget and was stopped."""


def _bounded_range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise ScriptBudgetExceeded(f"range() of {len(numbers)} numbers exceeds {MAX_RANGE}")
    return numbers


SAFE_BUILTINS["range"] = _bounded_range

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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not (
                isinstance(node.right, ast.Constant) and isinstance(node.right.value, (int, float))
                and abs(node.right.value) <= MAX_POWER_EXPONENT):
            raise UnsafeExpression(f"** needs a constant exponent of at most {MAX_POWER_EXPONENT}: {source!r}")


@contextmanager
def budget(seconds: float | None = None, steps: int | None = None):
    """Trace the lines of BPMN code (compiled as "<bpmn>") run in this thread; past the budget
    the next line raises ScriptBudgetExceeded. Other code, and other threads, run untraced."""
    deadline = time.monotonic() + (seconds or SCRIPT_SECONDS)
    limit, counted = steps or SCRIPT_STEPS, 0

    def on_line(frame, event, arg):
        nonlocal counted
        if event == "line":
            counted += 1
            if counted > limit or (counted % 1000 == 0 and time.monotonic() > deadline):
                raise ScriptBudgetExceeded(f"stopped after {counted} steps (budget {limit} steps, "
                                           f"{seconds or SCRIPT_SECONDS:g} s)")
        return on_line

    def on_call(frame, event, arg):
        return on_line if frame.f_code.co_filename == "<bpmn>" else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


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
        with budget():
            return eval(code, scope)

    def execute(self, script, context, external_context=None):
        code = compile_checked(script, "exec")
        with budget():
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
