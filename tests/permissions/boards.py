"""The actions outside a task, tried over HTTP: each returns the page route's and the API
route's status (None where a route does not exist). What counts as "allowed" is given per
action: a write is tried so that, let in, it stops at a business rule (409: the 遴选 minimum
not reached, reviews still open) or at validation (422) and changes nothing, or repeats what
is already so (an admitted project admitted again)."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app.demo import samples
from app.demo.scenario import Timeline
from app.extensions import db
from app.models import StoredDocument

from .attempts import page_post, status


@dataclass(frozen=True)
class Attempt:
    run: Callable  # (person, pw) -> (page status | None, api status | None)
    page_ok: tuple[int, ...] = (200,)
    api_ok: tuple[int, ...] = (200,)


def _edition(pw) -> int:
    return pw.world["edition"].id


def _call(pw) -> int:
    return pw.world["grant_call"].id


def _project(pw, step: str) -> int:
    return pw.projects[step].id


def _application(pw, step: str):
    return pw.applications[step]


def start_project(person, pw):
    """A 科创项目 in the name of 成都云智 (cd_applicant's unit): let in, it is opened."""
    orgs = pw.world["orgs"]
    form = {"edition_id": _edition(pw), "owner_org_id": orgs["ent_cloudwise"].id,
            "recommender_org_id": orgs["city_chengdu"].id, "title": "权限矩阵试发起项目",
            "project_type": "tech_transfer"}
    page = page_post(person, "/start/project", {k: str(v) for k, v in form.items()})
    api = person.api.post("/api/v1/instances", json={"process": "kechuang_project", **form})
    return status(page), status(api)


def start_grant(person, pw):
    """A 专家团 application in the name of a society that has not applied, while the call takes
    applications: let in, the page's empty declaration is refused (422) and the API's opens
    the application (201)."""
    society = pw.world["orgs"]["soc_perm_other"].id
    call = pw.world["grant_call"]
    with pw.clock_at(Timeline.of(call).apply):
        page = page_post(person, f"/start/grant/{call.id}", {"_society_org_id": str(society)})
        api = person.api.post("/api/v1/instances", json={
            "process": "expert_team_grant", "call_id": call.id, "society_org_id": society,
            **samples.ELIGIBLE})
    return status(page), status(api)


def selection_board(person, pw):
    return (status(person.page.get(f"/editions/{_edition(pw)}/selection")),
            status(person.api.get(f"/api/v1/editions/{_edition(pw)}/selection")))


def selection_admit(person, pw):
    """Admit again the project the board already admitted (no change when let in)."""
    project = _project(pw, "select_project")
    page = page_post(person, f"/editions/{_edition(pw)}/selection/admit",
                     {"project_ids": str(project), "admitted": "1"})
    api = person.api.post(f"/api/v1/editions/{_edition(pw)}/selection/admit",
                          json={"project_ids": [project], "admitted": True})
    return status(page), status(api)


def selection_place(person, pw):
    """Place again in 重大科创项目专场推介 (学会部's bucket) the project placed there already: let
    in, refused as 409 (already placed)."""
    project = pw.projects["select_project"]
    body = {"project_id": project.id, "bucket": "major_roadshow"}
    page = page_post(person, f"/editions/{_edition(pw)}/selection/place", body)
    api = person.api.post(f"/api/v1/editions/{_edition(pw)}/selection/place", json=body)
    return status(page), status(api)


def selection_publish(person, pw):
    """Publish without confirming the unreached minimum: let in, refused as 409."""
    page = page_post(person, f"/editions/{_edition(pw)}/selection/publish")
    api = person.api.post(f"/api/v1/editions/{_edition(pw)}/selection/publish", json={})
    return status(page), status(api)


def ranking_board(person, pw):
    return (status(person.page.get(f"/calls/{_call(pw)}/ranking")),
            status(person.api.get(f"/api/v1/calls/{_call(pw)}/ranking")))


def ranking_publish(person, pw):
    """发布排序 while reviews are still open: let in, refused as 409."""
    page = page_post(person, f"/calls/{_call(pw)}/ranking", {"_action": "publish"})
    api = person.api.post(f"/api/v1/calls/{_call(pw)}/ranking/publish", json={"objective_scores": {}})
    return status(page), status(api)


def kpi_entry(person, pw):
    """An empty 绩效数据 entry on the application in implementation (at 中期督查)."""
    application = _application(pw, "midterm_check")
    page = page_post(person, f"/applications/{application.id}/kpis")
    api = person.api.post(f"/api/v1/applications/{application.id}/kpis", json={})
    return status(page), status(api)


def kpi_view(person, pw):
    application = _application(pw, "midterm_check")
    return (status(person.page.get(f"/applications/{application.id}/kpis")),
            status(person.api.get(f"/api/v1/applications/{application.id}/kpis")))


def follow_up_record(person, pw):
    """An empty 跟踪记录 on the project in 跟踪服务."""
    task_id = pw.task_id("kechuang", "follow_up_project")
    page = page_post(person, f"/tasks/{task_id}/follow-ups")
    api = person.api.post(f"/api/v1/tasks/{task_id}/follow-ups", json={"data": {}})
    return status(page), status(api)


def follow_up_list(person, pw):
    task_id = pw.task_id("kechuang", "follow_up_project")
    return None, status(person.api.get(f"/api/v1/tasks/{task_id}/follow-ups"))


def application_pdf(person, pw):
    """The frozen 申报书 of the application that has ended: current and by version."""
    instance = _application(pw, "end").instance
    stored = db.session.scalar(sa.select(StoredDocument).filter_by(instance_id=instance.id,
                                                                   kind="application"))
    assert stored is not None, "the ended application's 申报书 was not frozen"
    pages = {status(person.page.get(f"/instances/{instance.id}/documents/application.pdf")),
             status(person.page.get(f"/instances/{instance.id}/documents/{stored.id}"))}
    apis = {status(person.api.get(f"/api/v1/instances/{instance.id}/documents/application.pdf")),
            status(person.api.get(f"/api/v1/instances/{instance.id}/documents/{stored.id}")),
            status(person.api.get(f"/api/v1/instances/{instance.id}/documents"))}
    return _one(pages), _one(apis)


def _one(statuses: set[int]) -> int:
    return statuses.pop() if len(statuses) == 1 else -1


def publicity_pdf(person, pw):
    return (status(person.page.get(f"/calls/{_call(pw)}/publicity.pdf")),
            status(person.api.get(f"/api/v1/calls/{_call(pw)}/publicity.pdf")))


def awards_index(person, pw):
    return status(person.page.get("/awards")), status(person.api.get("/api/v1/awards"))


def awards_open(person, pw):
    """Open the edition's 评选 round: the first let in opens it, the next finds it open (409)."""
    return None, status(person.api.post("/api/v1/awards/open", json={"edition_id": _edition(pw)}))


def admin_users(person, pw):
    return status(person.page.get("/admin/users")), status(person.api.get("/api/v1/users"))


def admin_create_user(person, pw):
    """An empty new-user form: let in, refused as 422."""
    return (status(page_post(person, "/admin/users/new")),
            status(person.api.post("/api/v1/users", json={})))


def admin_deploy(person, pw):
    """Deploy the 科创项目 model as it is deployed already: let in, no new version."""
    def files():
        return {"files": (io.BytesIO(MODEL.read_bytes()), MODEL.name)}
    page = person.page.post("/admin/definitions", data={**files(), "csrf_token": person.page.csrf},
                            content_type="multipart/form-data")
    api = person.api.post("/api/v1/definitions", data=files(), content_type="multipart/form-data")
    return status(page), status(api)


MODEL = Path(__file__).resolve().parents[2] / "bpmn" / "kechuang_project.bpmn"


ATTEMPTS: dict[str, Attempt] = {
    "start.kechuang": Attempt(start_project, page_ok=(302,), api_ok=(201,)),
    "start.grant": Attempt(start_grant, page_ok=(422,), api_ok=(201,)),
    "selection.board": Attempt(selection_board),
    "selection.admit": Attempt(selection_admit, page_ok=(200, 302)),
    "selection.place": Attempt(selection_place, page_ok=(409,), api_ok=(409,)),
    "selection.publish": Attempt(selection_publish, page_ok=(409,), api_ok=(409,)),
    "ranking.board": Attempt(ranking_board),
    "ranking.publish": Attempt(ranking_publish, page_ok=(409,), api_ok=(409,)),
    "kpi.view": Attempt(kpi_view),
    "kpi.record": Attempt(kpi_entry, page_ok=(422,), api_ok=(422,)),
    "follow_up.list": Attempt(follow_up_list),
    "follow_up.record": Attempt(follow_up_record, page_ok=(422,), api_ok=(422,)),
    "documents.application": Attempt(application_pdf),
    "documents.publicity": Attempt(publicity_pdf),
    "awards.index": Attempt(awards_index),
    "awards.open": Attempt(awards_open, api_ok=(201, 409)),
    "admin.users": Attempt(admin_users),
    "admin.create_user": Attempt(admin_create_user, page_ok=(422,), api_ok=(422,)),
    "admin.deploy": Attempt(admin_deploy, page_ok=(302,), api_ok=(201,)),
}
