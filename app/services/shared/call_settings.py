"""系统管理 → 届次与申报指南: create and edit a 科创会 edition or a grant call, keep every saved
state as a numbered version, and give a running instance the values of the version it started
with (one accessor: ``edition_settings`` / ``call_settings``)."""
from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from marshmallow import fields

from forms.call_forms import ConferenceEditionSchema, GrantCallSchema, county_deadline
from forms.registry import FormValidationError, load_form
from workflows import clock
from workflows.dates import add_months, add_working_days

from ...extensions import db
from ...models import ConferenceEdition, GrantApplication, GrantCall, Org, ProcessInstance, Project, User
from ...models.calls import SettingsVersion
from ...models.types import json_dumps
from .bounded_cache import BoundedCache
from .common import get_or_404
from .errors import InvalidInput, NotFound, PermissionDenied
from .holidays import holiday_calendar
from .unit_of_work import transaction
from .visibility import is_admin

EDITION, CALL = "edition", "call"
SCHEMAS = {EDITION: ConferenceEditionSchema, CALL: GrantCallSchema}
FORM_NAMES = {EDITION: "conference_edition", CALL: "grant_call"}
MODELS = {EDITION: ConferenceEdition, CALL: GrantCall}


def setting_names(subject: str) -> tuple[str, ...]:
    return tuple(SCHEMAS[subject]().fields)


def setting_label(subject: str, name: str) -> str:
    return SCHEMAS[subject]().fields[name].metadata.get("label", name)


def snapshot(subject: str, obj) -> dict:
    """The settings of ``obj`` as plain JSON (dates ISO, amounts as strings)."""
    return json.loads(json_dumps({name: getattr(obj, name) for name in setting_names(subject)}))


# Who may edit ----------------------------------------------------------------------------------

def officer_orgs(user: User) -> set[int]:
    """The orgs where ``user`` is 项目管理员 (a call they manage is theirs to set up)."""
    return {r.org_id for r in user.roles if r.role == "grant_officer"}


def may_use_settings(user: User) -> bool:
    return is_admin(user) or bool(officer_orgs(user))


def check_may_use_settings(user: User) -> None:
    """系统管理 → 届次与申报指南 at all (the pages and the API): admins and 项目管理员."""
    if not may_use_settings(user):
        raise PermissionDenied("只有系统管理员和项目管理员可以设置届次与申报指南")


def check_edition_admin(user: User) -> None:
    if not is_admin(user):
        raise PermissionDenied("只有系统管理员可以设置科创会届次")


def check_may_edit_call(user: User, call: GrantCall) -> None:
    """Admins, and the 项目管理员 of the call's managing org; others do not see it (404)."""
    if not (is_admin(user) or call.managing_org_id in officer_orgs(user)):
        raise NotFound("申报指南不存在")


def get_edition(edition_id: int, user: User) -> ConferenceEdition:
    """An edition to set up: admins only (403), then "not found" (404)."""
    check_edition_admin(user)
    return get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")


def get_call(call_id: int, user: User) -> GrantCall:
    """A call to set up: its 项目管理员 or an admin; anyone else "not found" (404)."""
    call = get_or_404(GrantCall, call_id, "申报指南不存在")
    check_may_edit_call(user, call)
    return call


def editions() -> list[ConferenceEdition]:
    return list(db.session.scalars(sa.select(ConferenceEdition).order_by(ConferenceEdition.number.desc())))


def calls_for(user: User) -> list[GrantCall]:
    query = sa.select(GrantCall).order_by(GrantCall.year.desc(), GrantCall.id.desc())
    if not is_admin(user):
        query = query.where(GrantCall.managing_org_id.in_(officer_orgs(user) or {-1}))
    return list(db.session.scalars(query))


def managing_org_choices(user: User) -> list[tuple[int, str]]:
    """Where a new call may be managed: any 省科协部门 for an admin, else the officer's orgs."""
    query = sa.select(Org).where(Org.org_type == "department").order_by(Org.name)
    if not is_admin(user):
        query = query.where(Org.id.in_(officer_orgs(user) or {-1}))
    return [(org.id, org.name) for org in db.session.scalars(query)]


def org_code_choices(org_type: str) -> list[tuple[str, str]]:
    return [(org.code, org.name) for org in db.session.scalars(
        sa.select(Org).where(Org.org_type == org_type).order_by(Org.name))]


def form_options(subject: str) -> dict:
    """Server-given choices of the form: the map rows (stages, partner associations)."""
    if subject != EDITION:
        return {}
    from forms.call_forms import SELECTION_STAGES
    return {"selection_departments": list(SELECTION_STAGES),
            "quotas.directed_slots": org_code_choices("partner_association")}


# Validation, create, edit ------------------------------------------------------------------------

def validated_settings(subject: str, raw: dict) -> dict:
    """The loaded settings, or InvalidInput with every error at once."""
    try:
        return load_form(FORM_NAMES[subject], raw).payload
    except FormValidationError as err:
        raise InvalidInput(err.errors) from err


def _with_defaults(subject: str, payload: dict) -> dict:
    """Every setting; an optional one left blank takes our default (docs/settings.md)."""
    columns = MODELS[subject].__table__.c
    values = {}
    for name in setting_names(subject):
        value = payload.get(name)
        if value is None and columns[name].default is not None:
            value = columns[name].default.arg
        values[name] = value
    return values


def _unique(subject: str, payload: dict, own_id: int | None) -> None:
    model = MODELS[subject]
    if subject == EDITION:
        query = sa.select(model.id).where(model.number == payload["number"])
        problem = {"number": [f"「届次」第{payload['number']}届已存在"]}
    else:
        query = sa.select(model.id).where(model.program_code == payload["program_code"],
                                          model.year == payload["year"])
        problem = {"program_code": [f"「项目类别代码」{payload['program_code']}在{payload['year']}年度已有申报指南"]}
    if own_id is not None:
        query = query.where(model.id != own_id)
    if db.session.scalar(query) is not None:
        raise InvalidInput(problem)


def create_edition(raw: dict, user: User) -> ConferenceEdition:
    with transaction():
        check_edition_admin(user)
        payload = validated_settings(EDITION, raw)
        _unique(EDITION, payload, None)
        edition = ConferenceEdition(**_with_defaults(EDITION, payload))
        db.session.add(edition)
        db.session.flush()
        _record(EDITION, edition, user)
    return edition


def update_edition(edition_id: int, raw: dict, user: User) -> SettingsVersion | None:
    with transaction():
        check_edition_admin(user)
        edition = get_or_404(ConferenceEdition, edition_id, "科创会届次不存在")
        return _update(EDITION, edition, raw, user)


def create_call(raw: dict, managing_org_id, user: User) -> GrantCall:
    with transaction():
        if not may_use_settings(user):
            raise PermissionDenied("只有系统管理员和项目管理员可以设置申报指南")
        payload = validated_settings(CALL, raw)
        allowed = dict(managing_org_choices(user))
        try:
            managing = int(managing_org_id)
        except (TypeError, ValueError):
            managing = None
        if managing not in allowed:
            raise InvalidInput({"_managing_org_id": ["「管理部门」须为您可管理的省科协部门"]})
        _unique(CALL, payload, None)
        finance = db.session.scalar(sa.select(Org.id).where(Org.org_type == "finance_department")
                                    .order_by(Org.id))
        if finance is None:
            raise InvalidInput({"_managing_org_id": ["系统中尚无财政厅机构，请先在“机构”中创建"]})
        call = GrantCall(**_with_defaults(CALL, payload), process_key="expert_team_grant", managing_org_id=managing,
                         finance_org_id=finance)
        db.session.add(call)
        db.session.flush()
        _record(CALL, call, user)
    return call


def update_call(call_id: int, raw: dict, user: User) -> SettingsVersion | None:
    with transaction():
        call = get_or_404(GrantCall, call_id, "申报指南不存在")
        check_may_edit_call(user, call)
        return _update(CALL, call, raw, user)


def _update(subject: str, obj, raw: dict, user: User) -> SettingsVersion | None:
    """Validate, apply and record a new version (None when nothing changed)."""
    payload = validated_settings(subject, raw)
    _unique(subject, payload, obj.id)
    ensure_version(subject, obj)  # settings saved before versioning become version 1
    for name, value in _with_defaults(subject, payload).items():
        setattr(obj, name, value)
    db.session.flush()
    return _record(subject, obj, user)


def _latest(subject: str, subject_id: int) -> SettingsVersion | None:
    return db.session.scalar(sa.select(SettingsVersion).filter_by(subject=subject, subject_id=subject_id)
                             .order_by(SettingsVersion.number.desc()).limit(1))


def _record(subject: str, obj, user: User | None) -> SettingsVersion | None:
    after = snapshot(subject, obj)
    latest = _latest(subject, obj.id)
    if latest is None:
        changed = ["新建"]
    else:
        changed = [setting_label(subject, name) for name in setting_names(subject)
                   if _comparable(latest.snapshot.get(name)) != _comparable(after.get(name))]
        if not changed:
            return None
    version = SettingsVersion(subject=subject, subject_id=obj.id,
                              number=(latest.number + 1) if latest else 1, snapshot=after,
                              changed=changed, saved_by_id=user.id if user else None,
                              saved_at=clock.now())
    db.session.add(version)
    db.session.flush()
    return version


def _comparable(value):
    """30, "30" and "30.0000" are one amount: numbers compared as numbers, at any depth."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return Decimal(str(value)).normalize()
        except ArithmeticError:
            return value
    return value


def ensure_version(subject: str, obj) -> SettingsVersion:
    """The latest version of ``obj``'s settings; settings saved before versioning (demo data,
    earlier releases) become version 1 on first use."""
    latest = _latest(subject, obj.id)
    if latest is None:
        latest = _record(subject, obj, None)
        latest.changed = ["初始设置"]
    return latest


def current_version(subject: str, obj) -> int:
    """The number of ``obj``'s latest settings version; 0 while its settings predate versioning
    (read-only: the first save records them as version 1)."""
    latest = _latest(subject, obj.id)
    return latest.number if latest is not None else 0


def started_version(subject: str, obj) -> int:
    """The version a new instance records (caller's transaction)."""
    return ensure_version(subject, obj).number


# The one accessor: values at the instance's version ----------------------------------------------

@dataclass(frozen=True)
class Settings:
    """Typed settings of one version: ``settings.apply_deadline`` is a date, amounts are
    Decimal, rows and maps as stored."""
    values: dict
    version: int | None
    load_source: Callable[[], object]  # the edition or call itself, loaded when first needed

    @functools.cached_property
    def source(self):
        """The edition or call itself: what is not a setting (id, managing_org_id)."""
        return self.load_source()

    def __getattr__(self, name: str):
        if name in ("values", "version", "load_source"):
            raise AttributeError(name)
        if name in self.values:
            return self.values[name]
        return getattr(self.source, name)


class _VersionSnapshots:
    """The plain snapshot of the settings version each instance started with, per process.
    A saved version never changes, so an instance's values are read from the database once;
    keyed by the instance's business key (random, unique: a reused row id or another
    database cannot hit an entry). Each reader gets its own copy."""

    def __init__(self, capacity: int = 4096):
        self._entries = BoundedCache(capacity)

    def get(self, subject: str, instance: ProcessInstance) -> dict | None:
        plain = self._entries.get((subject, instance.business_key, instance.settings_version))
        return copy.deepcopy(plain) if plain is not None else None

    def put(self, subject: str, instance: ProcessInstance, plain: dict) -> None:
        self._entries.put((subject, instance.business_key, instance.settings_version), copy.deepcopy(plain))


version_snapshots = _VersionSnapshots()


@functools.cache
def _typed_fields(subject: str) -> tuple[frozenset, frozenset]:
    """(date field names, decimal field names) of a subject's schema — built once: building a
    marshmallow schema per read was a tenth of every grant step's completion."""
    schema_fields = SCHEMAS[subject]().fields
    return (frozenset(n for n, f in schema_fields.items() if isinstance(f, fields.Date)),
            frozenset(n for n, f in schema_fields.items() if isinstance(f, fields.Decimal)))


def _typed(subject: str, plain: dict) -> dict:
    typed = dict(plain)
    dates, decimals = _typed_fields(subject)
    for name in dates:
        if isinstance(plain.get(name), str):
            typed[name] = date.fromisoformat(plain[name])
    for name in decimals:
        if plain.get(name) is not None:
            typed[name] = Decimal(str(plain[name]))
    return typed


def settings_at(subject: str, obj, instance: ProcessInstance | None) -> Settings:
    """``obj``'s settings as ``instance`` started with them (its recorded version); the current
    ones for an instance started before versioning or when there is no instance."""
    return _settings(subject, instance, lambda: obj)


def _settings(subject: str, instance: ProcessInstance | None, load_source) -> Settings:
    number = instance.settings_version if instance is not None else None
    if number is not None:
        plain = version_snapshots.get(subject, instance)
        if plain is None:
            row = db.session.scalar(sa.select(SettingsVersion).filter_by(
                subject=subject, subject_id=load_source().id, number=number))
            plain = row.snapshot if row is not None else None
            if plain is not None:
                version_snapshots.put(subject, instance, plain)
        if plain is not None:
            return Settings(_typed(subject, plain), number, load_source)
    return Settings(_typed(subject, snapshot(subject, load_source())), number, load_source)


def call_settings(instance: ProcessInstance) -> Settings:
    """The grant call's settings for this application's instance (no query once its version
    has been read in this process)."""
    return _settings(CALL, instance, functools.cache(lambda: db.session.scalar(
        sa.select(GrantApplication).filter_by(instance_id=instance.id)).call))


def edition_settings(instance: ProcessInstance) -> Settings:
    """The 科创会 edition's settings for this project's instance."""
    return _settings(EDITION, instance, functools.cache(lambda: db.session.scalar(
        sa.select(Project).filter_by(instance_id=instance.id)).edition))


# History and instances per version ------------------------------------------------------------------

@dataclass(frozen=True)
class VersionRow:
    number: int
    saved_at: object
    saved_by: str
    changed: list
    running: int


def history(subject: str, obj) -> list[VersionRow]:
    """Every version, newest first, with who saved it and how many running instances use it."""
    rows = db.session.scalars(sa.select(SettingsVersion).filter_by(subject=subject, subject_id=obj.id)
                              .order_by(SettingsVersion.number.desc())).all()
    link = Project if subject == EDITION else GrantApplication
    owner = link.edition_id if subject == EDITION else link.call_id
    counts: dict[int | None, int] = {}
    for number, in db.session.execute(
            sa.select(ProcessInstance.settings_version).join(link, link.instance_id == ProcessInstance.id)
            .where(owner == obj.id, ProcessInstance.status == "running")):
        counts[number] = counts.get(number, 0) + 1
    names = {u.id: u.display_name for u in db.session.scalars(
        sa.select(User).where(User.id.in_({r.saved_by_id for r in rows if r.saved_by_id})))}
    oldest = rows[-1].number if rows else None
    return [VersionRow(r.number, r.saved_at, names.get(r.saved_by_id, "系统"), r.changed,
                       counts.get(r.number, 0) + (counts.get(None, 0) if r.number == oldest else 0))
            for r in rows]


# Timeline preview ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Milestone:
    label: str
    day: date
    end: date | None = None
    note: str = ""


def edition_timeline(v: dict) -> list[Milestone]:
    county = county_deadline(v["recommend_deadline"], v.get("county_recommend_deadline"))
    note = "" if v.get("county_recommend_deadline") else "本系统默认值"
    return [Milestone("项目征集截止", v["submit_deadline"]),
            Milestone("县（市、区）科协报送截止", county, note=note),
            Milestone("推荐截止（市州科协、学会、省科协部门）", v["recommend_deadline"]),
            Milestone("遴选截止", v["select_deadline"]),
            Milestone("科创会举办", v["conference_start"], v["conference_end"]),
            Milestone("跟踪服务至", v["follow_up_until"])]


def call_timeline(v: dict) -> list[Milestone]:
    publicity_end = add_working_days(v["review_deadline"], v["publicity_working_days"], *holiday_calendar())
    rectify = add_months(v["evaluation_deadline"], v.get("rectification_months") or 1)
    return [Milestone("申报截止", v["apply_deadline"]),
            Milestone("形式审查截止", v["formal_review_deadline"]),
            Milestone("专家评审截止", v["review_deadline"]),
            Milestone("公示", v["review_deadline"], publicity_end,
                      note=f"评审截止后{v['publicity_working_days']}个工作日（按节假日安排）"),
            Milestone("中期督查", v["midterm_at"]),
            Milestone("项目周期截止", v["period_end"]),
            Milestone("绩效评估截止", v["evaluation_deadline"]),
            Milestone("限期整改至", rectify, note=f"评估后{v.get('rectification_months') or 1}个月（不合格项目）")]


TIMELINES = {EDITION: edition_timeline, CALL: call_timeline}


def timeline(subject: str, values: dict) -> list[Milestone]:
    return TIMELINES[subject](values)


def timeline_of(subject: str, obj) -> list[Milestone]:
    return timeline(subject, _typed(subject, snapshot(subject, obj)))


def preview(subject: str, raw: dict) -> list[Milestone]:
    """The timeline of posted settings, nothing saved (InvalidInput when they do not hold)."""
    return timeline(subject, validated_settings(subject, raw))
