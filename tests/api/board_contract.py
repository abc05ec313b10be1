"""Each answer of the boards' tests checked against the API's own OpenAPI document (the one
schemathesis reads): status documented, body valid against its schema."""
from __future__ import annotations

import schemathesis


def conforms(app, answer, method: str, path: str) -> None:
    """Raise unless ``answer`` (a test-client response) matches the documented response of
    ``method path`` (a path template, e.g. /api/v1/calls/{call_id}/ranking)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema[path][method.upper()].validate_response(answer)
