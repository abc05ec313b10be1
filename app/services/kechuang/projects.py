"""科创项目 use cases: start a submission, the hooks of its steps, follow-up records."""
from __future__ import annotations

from forms.call_forms import county_deadline
from workflows import clock
from workflows.dates import deadline_iso, end_of_day, shown_day

from ..shared.call_settings import EDITION, started_version
from ...extensions import db
from ...models import ConferenceEdition, FollowUpRecord, Org, Project, User
from ..shared.access import check_holds
from ..shared.common import get_or_404, new_business_key, org_by_code
from ..shared.errors import Conflict, InvalidInput
from ..shared.projections import grant_view
from ..steps.instances import start_instance
from ..shared.unit_of_work import transaction

PROCESS_KEY = "kechuang_project"
RECOMMENDER_TYPES = {"city_association", "county_association", "society", "department",
                     "partner_association"}  # 兄弟省市科协: 开幕式定向名额


def start_project(edition_id: int, owner_org_id: int, recommender_org_id: int, title: str,
                  project_type: str, user: User) -> Project:
    """A project owner opens a submission in this edition (a draft until submitted)."""
    with transaction():
        check_holds(user, "applicant", owner_org_id, "以该单位名义申报科创项目")
        edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
        if clock.now() > end_of_day(edition.submit_deadline):
            raise Conflict(f"{edition.name}项目征集已于{shown_day(edition.submit_deadline)}截止")
        owner = get_or_404(Org, owner_org_id, "项目方单位不存在")
        recommender = db.session.get(Org, recommender_org_id)
        if recommender is None or recommender.org_type not in RECOMMENDER_TYPES:
            raise InvalidInput({"recommender_org_id": ["「推荐单位」须为市（州）或县（区）科协、省级学会、省科协部门或兄弟省市科协"]})
        if recommender.org_type == "county_association" and recommender.city_id is None:
            raise InvalidInput({"recommender_org_id": [
                f"「推荐单位」{recommender.name}未登记所属市（州）科协，不能经市（州）推荐至省科协"]})
        instance = start_instance(
            PROCESS_KEY, business_key=new_business_key(f"KC{edition.number}"), title=title,
            owner_org_id=owner.id, data=_start_data(edition, owner, recommender, project_type),
            user=user)
        instance.settings_version = started_version(EDITION, edition)  # it keeps these values
        if recommender.org_type == "county_association":  # its city sees it from the start
            grant_view(instance.id, {(recommender.city_id, None)})
        project = Project(edition=edition, instance=instance, owner_org_id=owner.id,
                          recommender_org_id=recommender.id, city_org_id=owner.city_id,
                          title=title, project_type=project_type, details={})
        db.session.add(project)
    return project


def _start_data(edition, owner, recommender, project_type) -> dict:
    departments = {intent: org_by_code(code).id for intent, code in edition.selection_departments.items()}
    return _recommender_chain(edition, recommender) | {
        "edition_id": edition.id, "project_type": project_type, "owner_org_id": owner.id,
        "recommender_org_id": recommender.id, "selection_departments": departments,
        "submit_deadline": deadline_iso(edition.submit_deadline),
        "select_deadline": deadline_iso(edition.select_deadline),
        "conference_end": deadline_iso(edition.conference_end),
        "follow_up_until": deadline_iso(edition.follow_up_until),
    }


def _recommender_chain(edition, recommender) -> dict:
    """区 → 市 → 省 (seed 004): a county 科协 checks and recommends by its own 报送截止, then its
    city recommends on by the edition's 推荐截止; anyone else recommends to the province."""
    if recommender.org_type != "county_association":
        return {"via_city": False, "recommend_deadline": deadline_iso(edition.recommend_deadline)}
    county_day = county_deadline(edition.recommend_deadline, edition.county_recommend_deadline)
    return {"via_city": True, "city_recommender_org_id": recommender.city_id,
            "recommend_deadline": deadline_iso(county_day),
            "city_recommend_deadline": deadline_iso(edition.recommend_deadline)}


def project_of(instance) -> Project:
    return instance.project


def record_follow_up(project_id: int, raw: dict, user: User) -> FollowUpRecord:
    """The concierge adds one follow-up record (一单一策) while the project is followed up."""
    from .follow_ups import record_follow_up as recorded  # its rules live with the task page's
    return recorded(project_id, raw, user)
