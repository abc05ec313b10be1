"""排序与立项: the grant officer picks a call (/ranking), previews and publishes a call's ranking, then closes the reserve
list; 评审得分构成 of one application as JSON (the page shows the same)."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forms.validators import fmt_number

from ..services.grant import ranking as service
from ..services.grant import ranking_page as pages
from ..services.shared.errors import InvalidInput

bp = Blueprint("ranking", __name__)
bp.add_app_template_filter(fmt_number, "num")  # 81.33, 95, 0.3: as people write numbers


@bp.get("/ranking")
@login_required
def index():
    return render_template("ranking/index.html", calls=pages.officer_calls(current_user))


@bp.get("/calls/<int:call_id>/ranking")
@login_required
def show(call_id: int):
    return _page(call_id)


@bp.post("/calls/<int:call_id>/ranking")
@login_required
def act(call_id: int):
    action = request.form.get("_action")
    if action == "release":
        count = service.release_reserves(call_id, current_user)
        flash(f"候补名单已关闭，{count}项候补申报未立项", "success")
        return redirect(url_for("ranking.show", call_id=call_id))
    scores = _scores(request.form)
    try:
        if action == "publish":
            published = service.publish_ranking(call_id, scores, current_user)
            flash(f"排序已发布，共{len(published)}项申报", "success")
            return redirect(url_for("ranking.show", call_id=call_id))
        explained = service.preview_ranking(call_id, scores, current_user)
    except InvalidInput as refused:
        return _page(call_id, scores, refused.errors, status=422)
    return _page(call_id, scores, preview=explained)


@bp.get("/instances/<int:instance_id>/score.json")
@login_required
def score(instance_id: int):
    response = jsonify(pages.score_line_json(pages.published_score(instance_id, current_user)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _scores(form) -> dict[str, str]:
    prefix = "objective_scores."
    return {key[len(prefix):]: value.strip() for key, value in form.items()
            if key.startswith(prefix)}


def _page(call_id: int, scores: dict | None = None, errors: dict | None = None,
          preview=None, status: int = 200):
    page = pages.ranking_page(call_id, current_user)
    lines = pages.preview_lines(page.call, preview) if preview else None
    return render_template("ranking/show.html", page=page, scores=scores or {},
                           errors=errors or {}, preview=lines), status
