"""The printed lists of a round: the data reports/award_lists.py takes, each download
re-checked (someone outside the 评选 sees nothing: 404)."""
from __future__ import annotations

from workflows import clock
from workflows.awards import KINDS

from ...extensions import db
from ...models import AwardRound, Org
from ..shared.common import get_or_404
from ..shared.errors import NotFound
from .access import visible_actor
from .concierges import all_concierges
from .honours import contribution_units, quality_projects, unit_figures
from .nominations import nominations
from .rounds import round_allocation

LISTS = ("hundred", "top_ten", "quality_projects", "contribution_units")


def list_pdf(round_id: int, code: str, user):
    """(PDF bytes, file name, pages) of one list."""
    from reports.award_lists import TITLES, render_list
    visible_actor(user)
    if code not in LISTS:
        raise NotFound("文书不存在")
    award_round = get_or_404(AwardRound, round_id, "评选不存在")
    rendered = render_list(list_data(award_round, code))
    return rendered.pdf, f"{award_round.edition.name}{TITLES[code]}.pdf", rendered.pages


def list_data(award_round: AwardRound, code: str) -> dict:
    groups = {"hundred": _hundred, "top_ten": _top_ten, "quality_projects": _projects,
              "contribution_units": _units}[code](award_round)
    return {"list": code, "edition": {"name": award_round.edition.name,
                                      "year": award_round.edition.year},
            "issued_on": (award_round.issued_on or clock.now().date()).isoformat(),
            "groups": groups}


def _hundred(award_round: AwardRound) -> list[dict]:
    """By kind; 科协/专业保姆 by unit in the allocation's order (省科协, 成都, the other 市州)."""
    approved = [n for n in nominations(award_round.id, "hundred") if n.approved]
    orgs = _concierge_orgs()
    order = round_allocation(award_round).places
    groups = []
    for kind, label in KINDS.items():
        rows = [n for n in approved if n.kind == kind]
        units = list(order.get(kind, {})) + sorted({n.unit.code for n in rows} - set(order.get(kind, {})))
        subgroups = [{"heading": None if kind == "society" else _unit_name(rows, code),
                      "rows": [_person(n, orgs) for n in rows if n.unit.code == code]} for code in units]
        groups.append({"heading": f"{label}（{len(rows)}名）",
                       "subgroups": [s for s in subgroups if s["rows"]] or [{"heading": None, "rows": []}]})
    return groups


def _unit_name(rows, code: str) -> str:
    found = next((n.unit.name for n in rows if n.unit.code == code), None)
    return found or code


def _top_ten(award_round: AwardRound) -> list[dict]:
    chosen, orgs = nominations(award_round.id, "top_ten"), _concierge_orgs()
    return [{"heading": f"{label}（{sum(n.kind == kind for n in chosen)}名）",
             "subgroups": [{"heading": None, "rows": [_person(n, orgs) for n in chosen if n.kind == kind]}]}
            for kind, label in KINDS.items()]


def _person(nomination, orgs: dict[int, str]) -> list[str]:
    return [nomination.user.display_name, orgs.get(nomination.user_id, nomination.unit.name)]


def _concierge_orgs() -> dict[int, str]:
    return {c.user.id: c.org.name for c in all_concierges()}


def _projects(award_round: AwardRound) -> list[dict]:
    rows = []
    for chosen, project in quality_projects(award_round.id):
        owner = db.session.get(Org, project.owner_org_id)
        city = db.session.get(Org, project.city_org_id) if project.city_org_id else None
        rows.append([project.title, owner.name, _city(city), chosen.reason])
    return [{"heading": "", "subgroups": [{"heading": None, "rows": rows}]}]


def _city(org: Org | None) -> str:
    return org.name.removesuffix("科学技术协会").removesuffix("市") if org else "—"


def _units(award_round: AwardRound) -> list[dict]:
    figures = unit_figures(award_round)
    rows = []
    for chosen in contribution_units(award_round.id):
        counts = figures.get(chosen.org_id)
        rows.append([chosen.org.name, *((counts.recommended, counts.selected, counts.signed)
                                        if counts else (0, 0, 0)), chosen.reason])
    return [{"heading": "", "subgroups": [{"heading": None, "rows": rows}]}]
