"""科创项目 (kechuang_project): one Step per user task — form, process data, facts for the
rules, hooks into the project record, options, due rule, labels and decision panels."""
from __future__ import annotations

import sqlalchemy as sa

from forms import project_forms as pf
from forms.registry import Writes
from workflows.processes import KECHUANG

from ...extensions import db
from ...models import Org, Project
from ..shared.call_settings import edition_settings
from ..shared.common import users_with_role
from ..steps.saving import record_outcome
from ..steps.catalog import Process, Record
from ..steps.completions import completions
from ..steps.choices import exclusion_options, sector_options, user_name, user_options
from ..steps.panels import Decisions
from ..steps.step import Due, OptionSource, Step
from . import selection
from .selection_board import SelectionQuota
from .projects import project_of

KEY = KECHUANG.key

# Facts the rules need (forms/rules.py) ---------------------------------------------------------

def _submission_facts(instance, task, user) -> dict:
    """landed_listing_ids: platform ids landed at an earlier edition (never again);
    sectors: the edition's roadshow sector codes."""
    project = project_of(instance)
    return {"landed_listing_ids": LandedElsewhere(project.edition_id),
            "sectors": edition_settings(project.instance).sectors}


class LandedElsewhere:
    """The 天府科技云 listing ids of projects landed at another edition, asked one id at a time
    (``listing_id in landed``): one look-up in the projects' listing index. Read as a set, every
    submission read the whole projects table (45,000 projects at a province's scale: 17 ms on
    SQLite, and more with each edition)."""

    def __init__(self, edition_id: int):
        self.edition_id = edition_id

    def __contains__(self, listing_id) -> bool:
        return bool(listing_id) and db.session.scalar(sa.select(sa.exists().where(
            Project.platform_listing_id == listing_id, Project.outcome == "landed",
            Project.edition_id != self.edition_id)))


def _exclusion_facts(instance, task, user) -> dict:
    """project_type: which exclusion rules apply; submission: the materials submitted."""
    project = project_of(instance)
    return {"project_type": project.project_type, "submission": project.details}


def _recommend_facts(instance, task, user) -> dict:
    """concierge_user_ids: the 科服保姆 the recommending org may assign (a county's: its own and
    its city's; the city recommending a county's project on picks among the same)."""
    project = project_of(instance)
    return {"project_type": project.project_type, "sectors": edition_settings(project.instance).sectors,
            "concierge_user_ids": _concierges(project)}


def _concierges(project) -> set[int]:
    recommender = db.session.get(Org, project.recommender_org_id)
    found = users_with_role("concierge", recommender.id)
    if recommender.org_type == "county_association":
        found |= users_with_role("concierge", recommender.city_id)
    return found


def _select_facts(instance, task, user) -> dict:
    """selection: the edition's marks without this project (usage), the buckets the user's
    departments place (owned), this project's placement already marked, its recommender."""
    project = project_of(instance)
    placed = selection.marks_of(project.id).get("placement")
    facts = selection.project_facts(project)
    return {"project_type": project.project_type, "quotas": project.edition.quotas,
            "sectors": edition_settings(project.instance).sectors,
            "selection": {"usage": selection.usage(project.edition_id, project.id),
                          "owned": selection.owned_buckets(project.edition, user),
                          "placed": placed.bucket if placed else None,
                          "partner_code": facts["partner_code"],
                          "partner_name": facts["partner_name"]}}


def _typed_at_start(instance) -> dict:
    """项目名称 and 项目类型 typed on the start page, and the applying unit chosen there."""
    project = project_of(instance)
    owner = db.session.get(Org, project.owner_org_id)
    return {"title": project.title, "project_type": project.project_type,
            "owner_unit": owner.name}


def _last_form(instance, task_name: str) -> dict:
    """What the last completion of ``task_name`` submitted ({} before there is one)."""
    found = [event for event, _ in completions(instance.id) if event.task_name == task_name]
    last = max(found, key=lambda event: event.id, default=None)
    return ((last.data if last else None) or {}).get("form") or {}


def _sector_submitted(instance) -> dict:
    """The 所属领域 the applicant chose: where the recommender's 专场领域 starts."""
    sector = project_of(instance).sector
    return {"sector": sector} if sector else {}


RECOMMEND_TASKS = ("recommend_project", "city_recommend_project")  # 区 → 市 → 省: the city's last


def final_recommendation(instance) -> dict:
    """The recommendation the province decides on: the city's for a county's project (区 → 市 →
    省), else the recommender's ({} before there is one)."""
    return _last_form(instance, "city_recommend_project") or _last_form(instance, "recommend_project")


def _as_county_recommended(instance) -> dict:
    """The county's 推介意向, 专场领域 and 科服保姆: where the city's recommendation starts."""
    form = _last_form(instance, "recommend_project")
    found = {key: form.get(key) for key in ("intent", "sector", "concierge_user_id")}
    return {key: value for key, value in found.items() if value}


def _as_recommended(instance) -> dict:
    """The recommender's 推介意向 and 专场领域: where 遴选's 入选推介类别 and 专场领域 start."""
    form = final_recommendation(instance)
    found = {"bucket": form.get("intent"), "sector": form.get("sector")}
    return {key: value for key, value in found.items() if value}


# Records kept on the project -----------------------------------------------------------------

def _after_submit(instance, result, user) -> None:
    project, form = project_of(instance), result.payload
    project.title = instance.title = form["title"]
    project.project_type = form["project_type"]
    project.sector = form.get("sector")
    project.platform_listing_id = form["platform_listing_id"]
    project.details = form


def _after_recommend(instance, result, user) -> None:
    project_of(instance).intent = result.payload.get("intent")


def _after_select(instance, result, user) -> None:
    project = project_of(instance)
    if result.payload["select_outcome"] == "selected":
        project.bucket = result.payload["bucket"]
    selection.record_decision(project, result.payload, user)


def _after_sign(instance, result, user) -> None:
    project = project_of(instance)
    project.sign_outcome = result.payload["sign_outcome"]
    project.contract_amount_wan = result.payload.get("amount_wan")


def _project_ended(instance) -> None:
    """The project row takes the instance's outcome (one UPDATE: a deadline that closes
    thousands of drafts in one sweep need not load each project first)."""
    record_outcome(Project, instance)


def _concierge(data: dict) -> int | None:
    return data.get("concierge_user_id")


# What the person deciding sees -------------------------------------------------------------

SUBJECT = Decisions("项目申报信息", ("submit_project",), latest=True)
CHECKS = Decisions("资格审查意见", ("check_exclusions",))
RECOMMENDATION = Decisions("推荐意见（推介意向、理由、排序）", RECOMMEND_TASKS)
COUNTY_RECOMMENDATION = Decisions("县（市、区）科协推荐意见（推介意向、理由、排序）", ("recommend_project",))
SELECTION = Decisions("遴选结果", ("select_project",))
PITCH = Decisions("推介洽谈与签约", ("pitch_project", "sign_project"))
CONCIERGE_NAME = {"concierge_user_id": user_name}

STEPS = (
    Step(KEY, "submit_project", pf.ProjectSubmissionSchema, Writes(("project_type",)),
         context=_submission_facts, after=_after_submit,
         options=(OptionSource("sectors", "sector", sector_options),),
         due=Due("submit_deadline"), panels=(CHECKS,), earlier=_typed_at_start),
    Step(KEY, "check_exclusions", pf.ExclusionCheckSchema, Writes(("exclusion_outcome",)),
         context=_exclusion_facts,
         options=(OptionSource("project_type", "violated_rules", exclusion_options),),
         due=Due("recommend_deadline"), panels=(SUBJECT, CHECKS)),
    Step(KEY, "recommend_project", pf.RecommendationSchema,
         Writes(("recommend_outcome", "intent", "concierge_user_id")),
         context=_recommend_facts, after=_after_recommend,
         options=(OptionSource("concierge_user_ids", "concierge_user_id", user_options),
                  OptionSource("sectors", "sector", sector_options)),
         due=Due("recommend_deadline"), labels=CONCIERGE_NAME, panels=(SUBJECT, CHECKS),
         earlier=_sector_submitted),
    Step(KEY, "city_recommend_project", pf.RecommendationSchema,
         Writes(("recommend_outcome", "intent", "concierge_user_id")),
         context=_recommend_facts, after=_after_recommend,
         options=(OptionSource("concierge_user_ids", "concierge_user_id", user_options),
                  OptionSource("sectors", "sector", sector_options)),
         due=Due("city_recommend_deadline"), labels=CONCIERGE_NAME,
         panels=(SUBJECT, COUNTY_RECOMMENDATION, CHECKS), earlier=_as_county_recommended),
    Step(KEY, "select_project", pf.SelectionSchema, Writes(("select_outcome", "bucket")),
         context=_select_facts, after=_after_select,
         options=(OptionSource("sectors", "sector", sector_options),),
         due=Due("select_deadline"), panels=(SUBJECT, RECOMMENDATION, CHECKS, SelectionQuota()),
         earlier=_as_recommended),
    Step(KEY, "pitch_project", pf.PitchSchema, due=Due("conference_end"), assignee=_concierge,
         panels=(SUBJECT, RECOMMENDATION, SELECTION)),
    Step(KEY, "sign_project", pf.SigningSchema, Writes(("sign_outcome",)), after=_after_sign,
         due=Due("conference_end"), assignee=_concierge, panels=(SUBJECT, SELECTION, PITCH)),
    Step(KEY, "follow_up_project", pf.FollowUpClosingSchema, Writes(("follow_up_outcome",)),
         due=Due("follow_up_until"), assignee=_concierge, panels=(SUBJECT, PITCH)),
)

RECORDS = {"follow_up": Record(pf.FollowUpRecordSchema)}

PROCESS = Process(KECHUANG, STEPS, on_end=_project_ended, records=RECORDS)
