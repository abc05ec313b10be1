"""评选表扬 /awards: an edition's 百优/十佳“科服保姆” (allocation, ranking, nominations, 十佳),
优质科创项目 and 突出贡献单位, and their PDFs. Every action and download re-checks the person's
role and organisation in the services; a refused action is flashed and changes nothing."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from workflows.awards import HONOURS, KINDS, SCORE_ITEMS

from ..services.awards import concierges as people
from ..services.awards import honours, nominations, papers, rounds
from ..services.awards.access import visible_actor
from ..services.awards.records import visible_ranking
from ..services.shared.errors import InvalidInput
from .downloads import send_download
from .helpers import back_or, refusal_goes_back
from .converters import bounded_int

bp = Blueprint("awards", __name__, url_prefix="/awards")


@bp.app_context_processor
def award_labels():
    """The awards templates' labels."""
    return {"AWARD_KINDS": KINDS, "AWARD_HONOURS": HONOURS,
            "SCORE_ITEMS": SCORE_ITEMS}


@bp.get("")
@login_required
def index():
    acting = visible_actor(current_user)
    return render_template("awards/index.html", rounds=rounds.rounds(current_user), acting=acting,
                           editions=rounds.unopened_editions() if acting.decides else [])


@bp.post("/open")
@login_required
@refusal_goes_back("awards.index")
def open_round():
    award_round = rounds.open_round(request.form.get("edition_id", type=bounded_int) or 0, current_user)
    flash("评选已开启", "success")
    return redirect(url_for("awards.show", round_id=award_round.id))


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    acting = visible_actor(current_user)
    rows = nominations.visible_nominations(round_id, acting)
    allocated = rounds.round_allocation(award_round)
    table = rounds.allocation_rows(award_round, allocated, None if acting.decides else acting.units,
                                   rows)
    return render_template("awards/round.html", round=award_round, acting=acting, rows=rows,
                           allocation=allocated, table=table)


@bp.get("/<int:round_id>/ranking")
@login_required
def ranking(round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    acting = visible_actor(current_user)
    kind = request.args.get("kind", "")
    rows = visible_ranking(award_round, acting, kind)  # a 市州科协 (学会部): its own only
    listed = {n.user_id: n for n in nominations.nominations(round_id)}
    return render_template("awards/ranking.html", round=award_round, acting=acting, rows=rows,
                           listed=listed, kind=kind)


@bp.post("/<int:round_id>/nominate")
@login_required
@refusal_goes_back("awards.index")
def nominate(round_id: int):
    honour = request.form.get("honour", "")
    nominations.nominate(round_id, request.form.get("user_id", type=bounded_int) or 0, honour, current_user)
    flash("已列入十佳“科服保姆”名单" if honour == "top_ten" else "已推荐为百优“科服保姆”", "success")
    return back_or(url_for("awards.show", round_id=round_id))


@bp.post("/nominations/<int:nomination_id>/approve")
@login_required
@refusal_goes_back("awards.index")
def approve(nomination_id: int):
    row = nominations.approve(nomination_id, current_user)
    flash(f"已确定{row.user.display_name}为百优“科服保姆”", "success")
    return redirect(url_for("awards.show", round_id=row.round_id))


@bp.post("/nominations/<int:nomination_id>/withdraw")
@login_required
@refusal_goes_back("awards.index")
def withdraw(nomination_id: int):
    nominations.withdraw(nomination_id, current_user)
    flash("已撤回", "success")
    return back_or(url_for("awards.index"))


@bp.route("/<int:round_id>/settings", methods=["GET", "POST"])
@login_required
def settings(round_id: int):
    award_round, fields = rounds.round_settings(round_id, current_user)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            rounds.update_round(round_id, values, current_user)
        except InvalidInput as refused:
            errors = refused.errors
        else:
            flash("评选设置已保存", "success")
            return redirect(url_for("awards.show", round_id=round_id))
    return render_template("awards/settings.html", round=award_round, errors=errors, values=values,
                           fields=fields), 422 if errors else 200


@bp.get("/concierges")
@login_required
def concierges():
    return render_template("awards/concierges.html", people=people.concierges_for(current_user))


@bp.post("/concierges/<int:user_id>/kind")
@login_required
@refusal_goes_back("awards.concierges")
def set_kind(user_id: int):
    person = people.set_kind(user_id, request.form.get("kind", ""), current_user)
    flash(f"{person.user.display_name}的保姆类别已设为{person.kind_label}", "success")
    return redirect(url_for("awards.concierges"))


@bp.get("/<int:round_id>/honours")
@login_required
def honours_page(round_id: int):
    award_round = rounds.get_round(round_id, current_user)
    return render_template("awards/honours.html", round=award_round,
                           acting=visible_actor(current_user),
                           projects=honours.eligible_projects(award_round),
                           chosen_projects=honours.quality_projects(round_id),
                           units=honours.candidate_units(),
                           chosen_units=honours.contribution_units(round_id),
                           figures=honours.unit_figures(award_round))


@bp.post("/<int:round_id>/quality-projects")
@login_required
@refusal_goes_back("awards.index")
def choose_project(round_id: int):
    honours.choose_project(round_id, request.form.get("project_id", type=bounded_int) or 0,
                           request.form.get("reason"), current_user)
    flash("已评定为优质科创项目", "success")
    return redirect(url_for("awards.honours_page", round_id=round_id))


@bp.post("/<int:round_id>/contribution-units")
@login_required
@refusal_goes_back("awards.index")
def choose_unit(round_id: int):
    honours.choose_unit(round_id, request.form.get("org_id", type=bounded_int) or 0,
                        request.form.get("reason"), current_user)
    flash("已评定为突出贡献单位", "success")
    return redirect(url_for("awards.honours_page", round_id=round_id))


@bp.post("/<int:round_id>/quality-projects/<int:row_id>/remove")
@login_required
@refusal_goes_back("awards.index")
def remove_project(round_id: int, row_id: int):
    honours.remove_project(round_id, row_id, current_user)
    return redirect(url_for("awards.honours_page", round_id=round_id))


@bp.post("/<int:round_id>/contribution-units/<int:row_id>/remove")
@login_required
@refusal_goes_back("awards.index")
def remove_unit(round_id: int, row_id: int):
    honours.remove_unit(round_id, row_id, current_user)
    return redirect(url_for("awards.honours_page", round_id=round_id))


@bp.get("/<int:round_id>/<code>.pdf")
@login_required
def list_pdf(round_id: int, code: str):
    return list_pdf_response(round_id, code)


def list_pdf_response(round_id: int, code: str):
    """One printed list as an attachment (the page and the API), never cached."""
    pdf, name, pages = papers.list_pdf(round_id, code, current_user)
    response = send_download(pdf, "application/pdf", name)
    response.headers["X-Document-Pages"] = str(pages)
    return response
