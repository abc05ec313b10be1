"""Posting a rendered form as a browser would: dotted names, ticked boxes, the CSRF token."""
from __future__ import annotations

import re

from .login import csrf_token


def flatten(data: dict, prefix: str = "") -> dict:
    """{"team": {"members": [{"name": …}]}} → {"team.members.0.name": …}; a ticked box sends
    its hidden "false" and "true", an unticked one "false" only."""
    posted: dict = {}
    for key, value in data.items():
        _flat(posted, f"{prefix}{key}", value)
    return posted


def _flat(posted: dict, path: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flat(posted, f"{path}.{key}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flat(posted, f"{path}.{index}", item)
    elif isinstance(value, bool):
        posted[path] = ["false", "true"] if value else "false"
    elif value is not None:
        posted[path] = str(value)


def post_form(client, url: str, fields: dict, action: str | None = "submit",
              files: dict | None = None, token: bool = True):
    """Open the page at ``url`` (as a person does), then post ``fields`` (already flat)."""
    data = dict(fields)
    if token:
        data["csrf_token"] = csrf_token(client.get(url).get_data(as_text=True))
    if action:
        data["_action"] = action
    data.update(files or {})
    response = client.post(url, data=data, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # werkzeug spools a big body to a temp file
    return response


def text(response) -> str:
    return response.get_data(as_text=True)


def input_value(html: str, name: str) -> str | None:
    """The value of the input named ``name`` (None when there is no such input)."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None
