"""The documents an office prints, by code: what each is called, its template, and the plain
data it is built from. ``reports/`` knows nothing of the database: ``app/services/documents.py``
gathers the data (JSON-like dicts: amounts as decimal strings or Decimals, dates as ISO strings
or dates) and checks who may have it.

Data each document takes (keys beyond these are ignored):

``application`` 项目申报书 (the form of the call's kind, forms/call_kinds.py) —
    {"form": the 申报书 payload of the kind's form (may be partial for a draft: every missing
              value prints as an empty cell, like the blank form),
     "call": {"name": str, "year": int,
              "kind": "expert_team" (the default) | "service_team" | "industry_forum"
                      | "academia_meeting",
              "kpi_targets": [{"code", "label", "unit", "target"}] (service_team: the 绩效目标
                             table prints each by its label beside the commitment)},
     "submitted_at": ISO datetime or None}

``approval_notice`` 立项通知书 —
    {"call": {"name", "year", "award_amount_wan"},
     "society": str, "project_name": str, "studio_name": str, "lead_expert": str,
     "notice": {"notice_number", "issued_on", "amount_wan"}   (the issue_approval form),
     "issuer": "四川省科学技术协会", "period_end": ISO date, "evaluation_deadline": ISO date}

``evaluation_report`` 绩效评估报告 —
    {"call": {"name", "year"}, "society", "project_name", "studio_name", "lead_expert",
     "funded_amount_wan",
     "kpis": [{"code", "label", "unit", "target", "actual", "met": bool}],
     "passed": bool, "evaluation": {"evaluated_on", "excellent", "bonus_note", "comment"},
     "rectification_due": ISO datetime or None (set when failed),
     "re_evaluation": None or {"passed": bool, "comment", "kpis": [...same rows...],
                               "evaluated_on": ISO date or datetime (dates the report)},
     "refund": None or {"amount_wan", "paid_on"}}

``project_sheet`` 科创项目推介表 (one page) —
    {"edition": {"name", "year"}, "title", "project_type", "sector" (or None), "intent"
     (or None), "city": str or None, "owner": str, "recommender": str, "concierge": str or None,
     "details": the submit_project payload of forms.project_forms}

``conference_report`` 科创会成果统计报告 —
    {"edition": {"name", "year", "starts_on", "ends_on"},
     "generated_at": ISO datetime,
     "by_area": [{"area": str, "pitched": int, "intents": int, "signed": int,
                  "contract_wan": decimal}],      (推介区: 开幕式发布, each 专场推介会 sector,
                                                   重点科创项目集中推介)
     "by_city": [{"city": str, "pitched", "intents", "signed", "contract_wan"}],
     "totals": {"submitted", "recommended", "selected", "pitched", "intents", "signed",
                "landed", "contract_wan"}}

``publicity_list`` 公示名单 (per call) —
    {"call": {"name", "year"}, "issuer", "issued_on": ISO date,
     "rows": [{"rank": int, "society", "project_name", "combined_score": decimal,
               "result": "funded" | "reserve" (others are left out), "publicity_ends": ISO date}]}

``agreement`` 项目实施协议 —
    {"call": {"name", "year", "kpi_targets": [{"label", "unit", "target"}]}, "issuer",
     "society", "project_name", "studio_name", "lead_expert", "amount_wan",
     "period_end": ISO date, "evaluation_deadline": ISO date,
     "agreement": the sign_agreement form {"agreement_number", "signed_on", "concierges"}}

``midterm_opinion`` 中期督查意见 —
    {"call": {"name", "year"}, "issuer", "society", "project_name", "studio_name",
     "lead_expert", "period_end", "midterm": the midterm_check form {"checked_on", "status",
     "findings"}, "kpis": [{"label", "unit", "target", "actual" (entries up to the check)}]}

``refund_notice`` 全额退还通知 —
    {"call": {"name", "year"}, "issuer", "society", "project_name", "amount_wan" (the funded
     amount), "evaluated_on", "rectification_due", "re_evaluated_on", "issued_on",
     "refund": None or the refund form {"paid_on", "voucher_number"}}
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from .render import Rendered, render_pdf, renderer


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str     # what the download link says
    module: str    # reports.<module> with TEMPLATE and build_context(data) -> dict

    def build(self, data: dict) -> tuple[str, dict]:
        module = importlib.import_module(f"reports.{self.module}")
        return module.TEMPLATE, module.build_context(data)


KINDS: dict[str, DocumentKind] = {kind.code: kind for kind in (
    DocumentKind("application", "项目申报书", "application"),
    DocumentKind("approval_notice", "立项通知书", "approval_notice"),
    DocumentKind("evaluation_report", "绩效评估报告", "evaluation_report"),
    DocumentKind("project_sheet", "科创项目推介表", "project_sheet"),
    DocumentKind("conference_report", "科创会成果统计报告", "conference_report"),
    DocumentKind("publicity_list", "公示名单", "publicity_list"),
    DocumentKind("agreement", "项目实施协议", "agreement"),
    DocumentKind("midterm_opinion", "中期督查意见", "midterm_opinion"),
    DocumentKind("refund_notice", "全额退还通知", "refund_notice"),
)}


def document_html(code: str, data: dict, *, draft: bool = False) -> str:
    template, context = KINDS[code].build(data)
    with renderer() as current:
        return current.html(template, context, draft=draft)


def render_document(code: str, data: dict, *, draft: bool = False) -> Rendered:
    """The PDF of one document; ``draft`` adds the 草稿 watermark on every page."""
    kind = KINDS[code]
    template, context = kind.build(data)
    return render_pdf(template, context, draft=draft, title=context.get("title") or kind.title)
