"""绩效数据填报 over /api/v1: the targets and entries as the page shows them, one entry recorded
(the 'kpi_entry' form, validated by the service), a refused entry with its Chinese reason and
nothing recorded, and only the society's applicant."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import KpiEntry
from tests.services.seed_001 import APPLICANT, brand_event_call
from tests.services.steps import snapshot
from tests.web.test_seed_001_evaluation import implemented

REPORT = {"kpi_code": "think_tank_reports", "quantity": "1", "occurred_on": "2023-10-20",
          "description": "产学融合对策研究", "platform_ref": "KCZG-2023-0101", "word_count": 5600}


def url(application) -> str:
    return f"/api/v1/applications/{application.id}/kpis"


def entries() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(KpiEntry))


def target(page: dict, label: str) -> dict:
    return next(row for row in page["targets"] if row["label"] == label)


def test_the_page_as_json_then_an_entry_moves_its_target(api, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    society = api(APPLICANT)
    page = society.get(url(application)).get_json()
    assert page["platform_confirmation"] is True and page["written"] is True
    assert {"platform_ref", "word_count", "kpi_code"} <= set(page["fields"])
    assert "evidence_ref" not in page["fields"]  # as on the page: uploads go with a task
    assert "think_tank_reports" in [o["code"] for o in page["kpi_options"]]
    report = next(row for row in page["targets"] if "智库报告" in row["label"])
    assert report["recorded"] == "0" and page["entries"] == []
    answer = society.post(url(application), json=REPORT)
    assert answer.status_code == 201
    after = answer.get_json()
    assert target(after, report["label"])["recorded"] == "1"
    [entry] = after["entries"]
    assert (entry["platform_ref"], entry["word_count"], entry["occurred_on"]) == ("KCZG-2023-0101", 5600, "2023-10-20")
    assert society.get(url(application)).get_json()["entries"] == after["entries"]


def test_a_short_report_is_422_with_the_reason_and_nothing_is_recorded(api, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    before = snapshot(application.instance)
    answer = api(APPLICANT).post(url(application), json={**REPORT, "word_count": 4800})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["errors"]["word_count"] == ["「字数」不足：高质量智库报告每篇不少于5000字（当前4800字）"]
    assert entries() == 0 and snapshot(application.instance) == before
    empty = api(APPLICANT).post(url(application), json={})
    assert empty.status_code == 422 and "kpi_code" in empty.get_json()["errors"] and entries() == 0


def test_only_the_societys_applicant_reads_or_records(api, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    officer = api("grant_officer")
    assert officer.get(url(application)).status_code == 403
    assert officer.post(url(application), json=REPORT).status_code == 403
    # someone who may not see the application gets the answer of a missing id: existence hidden
    hidden = api("cd_applicant").get(url(application))
    missing = api(APPLICANT).get("/api/v1/applications/99999/kpis")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["detail"] == missing.get_json()["detail"]
    assert entries() == 0


def test_the_paths_are_in_the_contract(api, world):
    spec = api(APPLICANT).get("/api/v1/openapi.json").get_json()
    operations = spec["paths"]["/api/v1/applications/{application_id}/kpis"]
    assert set(operations) >= {"get", "post"}
    assert "requestBody" in operations["post"]


def test_the_answers_match_the_contract(api, ctx, world, clock):
    from .board_contract import conforms
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    society, path = api(APPLICANT), "/api/v1/applications/{application_id}/kpis"
    conforms(ctx, society.get(url(application)), "get", path)
    conforms(ctx, society.post(url(application), json=REPORT), "post", path)
    conforms(ctx, society.post(url(application), json={**REPORT, "word_count": 1}), "post", path)
    conforms(ctx, society.get(url(application)), "get", path)
    conforms(ctx, api("grant_officer").get(url(application)), "get", path)


def test_a_retried_entry_with_its_idempotency_key_is_recorded_once(api, world, clock):
    application = implemented(world, clock, brand_event_call(world, "academia_meeting"))
    society = api(APPLICANT)
    first = society.post(url(application), json=REPORT, headers={"Idempotency-Key": "kpi-entry-1"})
    again = society.post(url(application), json=REPORT, headers={"Idempotency-Key": "kpi-entry-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == first.get_json()
    assert entries() == 1
    other = society.post(url(application), json={**REPORT, "quantity": "2"}, headers={"Idempotency-Key": "kpi-entry-1"})
    assert other.status_code == 422 and entries() == 1  # the same key with another body
