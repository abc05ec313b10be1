"""API令牌 (/account/tokens): every signed-in user's tokens for machine clients — listed without
their secrets, created (the secret shown once, in the answer to the POST itself: never in a
redirect, a flash or the session cookie) and revoked."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_login import current_user, login_required

from ..services.shared import api_tokens as service
from ..services.shared.errors import InvalidInput
from .helpers import back_or
from .converters import bounded_int

bp = Blueprint("tokens", __name__, url_prefix="/account")


@bp.get("/tokens")
@login_required
def index():
    return _page()


@bp.post("/tokens")
@login_required
def create():
    try:
        made = service.create_token(current_user, request.form.get("name"),
                                    request.form.get("days", type=bounded_int))
    except InvalidInput as refused:
        return _page(form=request.form, errors=refused.errors, status=422)
    response = _page(created=made)
    response.headers["Cache-Control"] = "no-store"  # the secret is in this page only
    return response


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = service.revoke_token(token_id, current_user)
    flash(f"已吊销令牌“{token.name}”，使用它的请求将被拒绝。", "success")
    return back_or(url_for(".index"))


def _page(form=None, errors=None, created: service.NewToken | None = None, status: int = 200):
    html = render_template("tokens/index.html", tokens=service.tokens_of(current_user),
                           form=form or {}, errors=errors or {}, created=created,
                           lifetimes=service.LIFETIMES, default_lifetime=service.DEFAULT_LIFETIME)
    return make_response(html, status)


def install(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(service.state_of, "token_state")
    app.add_template_global(service.STATE_LABELS, "TOKEN_STATE_LABELS")
