"""绩效数据填报: what the page a society records its KPI achievements on shows — the call's
targets with what is recorded so far, the entries, and the entry form with only the fields
that apply to the call (平台确认编号 on “科创中国” calls, 字数 where a KPI is written)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from marshmallow import Schema

from forms import grant_forms as gf
from forms.validators import fmt_number

from ...extensions import db
from ...models import GrantApplication, KpiEntry, User
from ..shared.call_settings import call_settings
from .applications import recordable_application
from .kpis import kpi_actuals, needs_platform_confirmation

# 佐证材料 are uploaded with a task's form (documents/attachments.py keys files by task): the
# entry page records the entry itself, without the upload.
NOT_ON_PAGE = ("evidence_ref",)


@dataclass(frozen=True)
class TargetView:
    label: str
    unit: str
    target: str
    recorded: str
    note: str  # how it is judged beyond "≥ target": a written deliverable, alternatives


@dataclass(frozen=True)
class EntryView:
    occurred_on: date
    kpi: str
    quantity: str
    platform_ref: str | None
    word_count: int | None
    description: str


@dataclass(frozen=True)
class KpiEntryPage:
    application: GrantApplication
    form: Schema                       # KpiEntrySchema with the fields that apply
    options: dict[str, list[tuple[str, str]]]
    targets: list[TargetView]
    entries: list[EntryView]
    platform_confirmation: bool
    written: bool                      # some KPI is a written deliverable (字数 recorded)


def kpi_entry_page(application_id: int, user: User) -> KpiEntryPage:
    """The page for the society's applicant while the project is implemented (else the
    refusal record_kpi gives)."""
    application = recordable_application(application_id, user)
    call = call_settings(application.instance)  # the values its instance started with
    platform = needs_platform_confirmation(call)
    fields = [name for name in gf.kpi_entry_fields(platform, call.kpi_targets)
              if name not in NOT_ON_PAGE]
    rows = {row["code"]: row for row in call.kpi_targets}
    return KpiEntryPage(application, gf.KpiEntrySchema(only=fields),
                        {"kpi_code": [(row["code"], _option(row, rows)) for row in call.kpi_targets]},
                        _targets(application, rows), _entries(application, rows), platform,
                        "word_count" in fields)


def may_record(application: GrantApplication | None, user: User) -> bool:
    """Whether the instance page offers 填报绩效数据 to ``user``."""
    return (application is not None and application.funded_amount_wan is not None
            and application.instance.status == "running"
            and user.holds("applicant", application.society_org_id))


def _note(row: dict, rows: dict) -> str:
    notes = []
    if row.get("min_words"):
        notes.append(f"每{row['unit']}不少于{int(row['min_words'])}字，逐{row['unit']}填报并填写字数")
    others = [other["label"] for other in rows.values()
              if row.get("group") and other.get("group") == row["group"] and other is not row]
    if others:
        notes.append(f"与「{'、'.join(others)}」任一达标即可")
    return "；".join(notes)


def _option(row: dict, rows: dict) -> str:
    note = _note(row, rows)
    target = fmt_number(Decimal(str(row["target"])))
    return f"{row['label']}（不低于{target}{row['unit']}{'；' + note if note else ''}）"


def _targets(application: GrantApplication, rows: dict) -> list[TargetView]:
    actuals = kpi_actuals(application)
    return [TargetView(row["label"], row["unit"], fmt_number(Decimal(str(row["target"]))),
                       fmt_number(actuals.get(code, Decimal(0))), _note(row, rows))
            for code, row in rows.items()]


def _entries(application: GrantApplication, rows: dict) -> list[EntryView]:
    entries = db.session.scalars(sa.select(KpiEntry).filter_by(application_id=application.id)
                                 .order_by(KpiEntry.occurred_on, KpiEntry.id))
    return [EntryView(e.occurred_on, rows.get(e.kpi_code, {}).get("label", "其他绩效指标"),
                      fmt_number(e.quantity), e.platform_ref, e.word_count, e.description)
            for e in entries]
