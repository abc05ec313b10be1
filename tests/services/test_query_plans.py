"""No step of either process — nor a read every list page or every lost race makes — reads a
whole table that grows with use. Every statement they run is planned by SQLite (EXPLAIN QUERY
PLAN, on the same connection with the same parameters) and a plan that scans such a table fails
the test: at a province's scale (bench/inbox.py: 100,000 tasks, 45,000 projects, 10,000 users)
one such read costs each completion or page milliseconds to tens of them, and more every year,
while the small databases of the tests and the engine benchmark never show it. SQLite plans
from the indexes there are, not from the table sizes, so the tests' small database shows the
plans a province's would use."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.demo.scenario import drive_application, drive_project
from app.extensions import db
from app.models import AuditEvent
from app.services.documents.documents import publicity_calls
from app.services.steps.handled import handled_by_someone

# configuration that an administrator edits and does not grow with the work
REFERENCE_TABLES = {"holidays", "process_definitions", "conference_editions", "grant_calls",
                    "settings_versions", "alembic_version"}
PLANNED = ("SELECT", "UPDATE", "DELETE", "INSERT")


@pytest.fixture
def scans(ctx):
    """(table, statement) of every plan that scans a table outside REFERENCE_TABLES."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's (PostgreSQL plans by table size: bench/inbox.py)")
    found: list[tuple[str, str]] = []

    def plan(conn, cursor, statement, params, context, executemany):
        head = statement.lstrip()[:6].upper()
        if executemany or head not in PLANNED or (head == "INSERT" and "SELECT" not in statement.upper()):
            return
        for *_, detail in cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params):
            words = detail.split()
            if words[0] == "SCAN" and words[1] not in REFERENCE_TABLES and words[1] != "CONSTANT":
                found.append((words[1], " ".join(statement.split())[:200]))

    event.listen(db.engine, "before_cursor_execute", plan)
    yield found
    event.remove(db.engine, "before_cursor_execute", plan)


def test_a_project_from_submission_to_landing_scans_no_growing_table(world, scans):
    drive_project(world, "视觉引导柔性装配")
    assert scans == []


@pytest.mark.parametrize("failing", [False, True], ids=["funded_and_evaluated", "rectified_then_refunded"])
def test_an_application_from_eligibility_to_its_end_scans_no_growing_table(world, clock, scans, failing):
    drive_application(world, clock, "soc_smart_mfg", "soc_mfg_applicant", failing=failing)
    assert scans == []


def test_the_loser_of_a_race_is_told_who_won_from_the_task_s_own_audit_rows(world, scans):
    """Someone who opens or completes a task a colleague has just completed is told by whom and
    when (steps/handled.py): found by the task's id, not by reading the whole audit trail."""
    project = drive_project(world, "视觉引导柔性装配", until="check_exclusions")
    submitted = db.session.scalar(sa.select(AuditEvent.task_id).filter_by(
        instance_id=project.instance_id, kind="completed", task_name="submit_project"))
    del scans[:]
    told = handled_by_someone(submitted, world["users"]["cd_recommender"])
    assert told is not None and "已由" in str(told)
    assert scans == []


def test_every_instance_list_asks_which_calls_offer_a_publicity_list_from_an_index(world, scans):
    assert publicity_calls(world["users"]["grant_officer"]) == []
    assert scans == []



def test_the_selection_board_finds_its_pool_from_the_edition_s_projects(world, scans):
    """The 遴选工作台 of 创发部, with a recommended project waiting: its pool (open 遴选 tasks)
    is asked of the edition's projects, not read from every open task of the province."""
    from app.services.kechuang.selection_board import quota_board
    drive_project(world, "视觉引导柔性装配", until="select_project")
    selector = world["users"]["sel_innovation"]
    del scans[:]
    board = quota_board(world["edition"].id, selector.roles[0].org_id, selector)
    assert board.total == 1
    assert scans == []


def test_the_quality_projects_to_choose_from_are_read_from_the_edition_s_projects(world, scans):
    """优质科创项目 are chosen among the edition's 推介 or signed projects: each project's 推介 is
    asked of its own audit rows, not of every 推介 the trail holds."""
    from app.services.awards import honours, rounds
    project = drive_project(world, "视觉引导柔性装配", until="sign_project")
    award_round = rounds.open_round(world["edition"].id, world["users"]["sel_innovation"])
    del scans[:]
    assert honours.eligible_projects(award_round) == [project]
    assert scans == []
