"""Walking a grant application to a given step through the services."""
from __future__ import annotations

from app.services.grant.applications import start_application

from app.demo.samples import AGREEMENT, FORMAL_REVIEW_ACCEPTED, REVIEWERS  # noqa: F401
from tests.factories import application_form, review
from tests.jobs import run_jobs

from .steps import complete

ELIGIBLE = {"inspection_previous": "合格", "inspection_last": "合格", "penalized": False,
            "notified": False}
ACCEPT = FORMAL_REVIEW_ACCEPTED


def apply(world, society="soc_smart_mfg", applicant="soc_mfg_applicant"):
    """Declared eligible and submitted; the worker's job has frozen the 申报书."""
    users = world["users"]
    application = start_application(world["grant_call"].id, world["orgs"][society].id, users[applicant])
    complete(users[applicant], application.instance, "declare_eligibility", ELIGIBLE)
    name = world["orgs"][society].name
    complete(users[applicant], application.instance, "submit_application", application_form(name))
    run_jobs()
    return application


def reviewed(world, society="soc_smart_mfg", applicant="soc_mfg_applicant", totals=(25, 26, 16, 17)):
    """Applied, accepted, and scored by three reviewers."""
    users = world["users"]
    application = apply(world, society, applicant)
    complete(users["grant_officer"], application.instance, "formal_review", ACCEPT)
    complete(users["grant_officer"], application.instance, "assign_reviewers",
             {"reviewers": [users[name].id for name in REVIEWERS]})
    scores = dict(zip(("measures", "goals", "conditions", "budget"), totals))
    for name in REVIEWERS:
        complete(users[name], application.instance, "review_application", review(scores))
    return application
