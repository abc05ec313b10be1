"""Small lookups the domain services share."""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from forms.errors import FormValidationError
from forms.registry import load_form
from forms.validators import text_problem

from ...extensions import db
from ...models import Org, RoleAssignment, Task
from .errors import InvalidInput, NotFound


MAX_ID = 2**31 - 1  # the database's integer: a larger id names nothing


def get_or_404(model, ident, message: str):
    """The row ``ident`` names; none, a malformed or an out-of-range id is "not found"."""
    if isinstance(ident, bool) or not isinstance(ident, (int, str)) or \
            (isinstance(ident, int) and not 0 < ident <= MAX_ID) or \
            (isinstance(ident, str) and text_problem("", ident)):
        raise NotFound(message)
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound(message)
    return obj


def org_by_code(code: str) -> Org:
    org = db.session.scalar(sa.select(Org).filter_by(code=code))
    if org is None:
        raise NotFound(f"机构 {code} 不存在")
    return org


def users_with_role(role: str, org_id: int | None = None) -> set[int]:
    query = sa.select(RoleAssignment.user_id).filter_by(role=role)
    if org_id is not None:
        query = query.filter_by(org_id=org_id)
    return set(db.session.scalars(query))


def open_task(instance_id: int, task_name: str) -> Task | None:
    return db.session.scalar(sa.select(Task).filter_by(instance_id=instance_id, task_name=task_name))


def new_business_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4).upper()}"


def validated(form_name: str, raw: dict, context: dict | None = None) -> dict:
    """The validated payload of a non-task form (rows, calls), or InvalidInput."""
    try:
        return load_form(form_name, raw, context).payload
    except FormValidationError as err:
        raise InvalidInput(err.errors) from err
