"""What every request is checked for before a view reads it (pages and API alike):

- a text argument of the URL's path (a task id) holding a control character names nothing
  that exists: the 404 of a missing one, before it reaches the database;
- the query string (search boxes, filters, pages, ``next``) obeys forms/search.py: a control
  character or a search term over its cap is a 422 naming the argument, never a 500.

Form bodies are checked field by field by their schemas (forms/), so a refused field comes
back on its form with the input kept.
"""
from __future__ import annotations

from flask import Flask, abort, request

from forms.search import query_problems
from forms.validators import text_problem

from ..services.shared.errors import InvalidInput
from .errors import is_api_request


def install(app: Flask) -> None:
    app.before_request(check_request)


def check_request() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem("", value):
            abort(404)
    problems = query_problems(request.args.items(multi=True))
    if problems:
        prefix = "query." if is_api_request() else ""
        raise InvalidInput({f"{prefix}{name}": messages for name, messages in problems.items()})
