"""科创会遴选 under quotas through the services (seed 000 §七.5/§八): who marks what, every
quota at the moment of action, the deadline, publishing and the recorded shortfalls."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Project, SelectionMark, SelectionShortfall
from app.services.kechuang import selection
from app.services.kechuang.projects import start_project
from app.services.kechuang.selection_board import quota_board
from app.services.shared.errors import Conflict, NotFound, PermissionDenied
from tests.conftest import SHANGHAI
from tests.factories import recommendation, submission

from .selection_rows import add_recommended
from .steps import complete, open_tasks


@pytest.fixture
def orgs(world):
    return world["orgs"]


@pytest.fixture(autouse=True)
def admission_routed(world):
    """The edition names its admitting department: every select_project task goes there."""
    edition = world["edition"]
    edition.selection_departments = {**edition.selection_departments, "admission": "dept_innovation"}
    db.session.commit()
    return edition


def real_project(world, title="视觉引导柔性装配", project_type="tech_transfer", **recommend):
    """A 成都 project driven to 遴选 through the engine (the task the selector gets)."""
    users, orgs = world["users"], world["orgs"]
    project = start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                            title, project_type, users["cd_applicant"])
    complete(users["cd_applicant"], project.instance, "submit_project",
             submission(title=title, project_type=project_type))
    complete(users["cd_recommender"], project.instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], project.instance, "recommend_project",
             recommendation(users["cd_concierge"].id, **recommend))
    return project


def filler(world, project_type="tech_transfer", count=1, **kwargs):
    orgs = world["orgs"]
    kwargs.setdefault("admitted_by", world["users"]["sel_innovation"])
    return add_recommended(world["edition"], orgs["city_mianyang"], orgs["city_mianyang"],
                           project_type, count, **kwargs)


# Who decides what ------------------------------------------------------------------------------

def test_the_select_task_goes_to_the_admitting_department(world, people, orgs):
    project = real_project(world)
    task = db.session.scalar(sa.select(selection.Task).filter_by(instance_id=project.instance_id,
                                                                 task_name="select_project"))
    assert task.org_id == orgs["dept_innovation"].id


def test_only_the_innovation_department_admits(world, people):
    [project] = filler(world, admitted_by=None)
    with pytest.raises(PermissionDenied, match="您无权遴选「遴选参会」项目（由省科协创新发展部（创发部）遴选）"):
        selection.mark_admission([project], True, people["sel_societies"])
    assert selection.mark_admission([project], True, people["sel_innovation"]) == 1
    assert selection.mark_admission([project], True, people["sel_innovation"]) == 0  # already


def test_a_department_marking_another_departments_bucket_is_refused(world, people):
    [project] = filler(world)
    with pytest.raises(PermissionDenied, match="重点科创项目集中推介"):
        selection.mark_placement(project, "showcase", None, people["sel_societies"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelectionMark).filter_by(
        stage="placement")) == 0


def test_a_project_must_be_admitted_before_it_is_placed(world, people):
    [project] = filler(world, admitted_by=None, title="待定项目")
    with pytest.raises(Conflict, match="尚未由创发部遴选参会，不能选入重点科创项目集中推介"):
        selection.mark_placement(project, "showcase", None, people["sel_popularisation"])


# Quotas ----------------------------------------------------------------------------------------

def test_the_11th_opening_project_of_one_type_is_refused_while_another_type_has_room(world, people):
    filler(world, "tech_transfer", 10, bucket="opening")
    [eleventh] = filler(world, "tech_transfer")
    [promotion] = filler(world, "tech_promotion")
    with pytest.raises(Conflict, match="^开幕式发布的科技成果转化项目已满10项$"):
        selection.mark_placement(eleventh, "opening", None, people["sel_innovation"])
    mark = selection.mark_placement(promotion, "opening", None, people["sel_innovation"])
    assert (mark.bucket, mark.marked_by_id) == ("opening", people["sel_innovation"].id)
    usage = selection.usage(world["edition"].id)
    assert usage["opening"] == {"tech_transfer": 10, "tech_promotion": 1}


def test_finance_products_never_go_to_the_opening(world, people):
    [product] = filler(world, "finance_product")
    with pytest.raises(Conflict, match="科技金融创新产品项目不参加开幕式发布"):
        selection.mark_placement(product, "opening", None, people["sel_innovation"])


def test_directed_slots_of_a_partner_association_count_apart(world, people, orgs):
    edition = world["edition"]
    filler(world, "tech_transfer", 10, bucket="opening")  # the province's line is full
    beijing = add_recommended(edition, orgs["partner_beijing"], None, "tech_transfer", 6,
                              admitted_by=people["sel_innovation"])
    for project in beijing[:5]:
        selection.mark_placement(project, "opening", None, people["sel_innovation"])
    with pytest.raises(Conflict, match="^开幕式发布给北京市科学技术协会的定向名额已满5项$"):
        selection.mark_placement(beijing[5], "opening", None, people["sel_innovation"])
    usage = selection.usage(edition.id)
    assert (usage["directed"], usage["opening"]) == ({"partner_beijing": 5}, {"tech_transfer": 10})


def test_roadshows_stop_at_their_maximum(world, people):
    filler(world, count=120, bucket="major_roadshow", sector="materials_health")
    [late] = filler(world, sector="materials_health")
    with pytest.raises(Conflict, match="^重大科创项目专场推介会项目已满120项$"):
        selection.mark_placement(late, "major_roadshow", "materials_health", people["sel_societies"])


def test_a_per_sector_cap_when_the_edition_sets_one(world, people):
    edition = world["edition"]
    edition.quotas = {**edition.quotas, "roadshow_sector_max": 2}
    db.session.commit()
    filler(world, count=2, bucket="major_roadshow", sector="modern_agriculture")
    [third, other] = filler(world, count=2)
    with pytest.raises(Conflict, match="^现代农业（乡村振兴）专场项目已满2项$"):
        selection.mark_placement(third, "major_roadshow", "modern_agriculture", people["sel_societies"])
    selection.mark_placement(other, "major_roadshow", "materials_health", people["sel_societies"])
    assert selection.usage(edition.id)["sectors"] == {"modern_agriculture": 2, "materials_health": 1}


def test_a_roadshow_needs_a_sector_of_the_edition(world, people):
    [project] = filler(world)
    with pytest.raises(Conflict, match="须选择本届的「专场领域」"):
        selection.mark_placement(project, "major_roadshow", None, people["sel_societies"])


def test_showcase_maximum_is_a_setting_default_none(world, people):
    edition = world["edition"]
    filler(world, count=30, bucket="showcase")
    [more] = filler(world)
    selection.mark_placement(more, "showcase", None, people["sel_popularisation"])  # no limit
    edition.quotas = {**edition.quotas, "showcase_max": 31}
    db.session.commit()
    [last] = filler(world)
    with pytest.raises(Conflict, match="^重点科创项目集中推介项目已满31项$"):
        selection.mark_placement(last, "showcase", None, people["sel_popularisation"])


def test_one_project_one_bucket_and_unmarking_frees_the_place(world, people):
    [project] = filler(world)
    selection.mark_placement(project, "showcase", None, people["sel_popularisation"])
    with pytest.raises(Conflict, match="已选入重点科创项目集中推介，一个项目只能入选一个推介类别"):
        selection.mark_placement(project, "major_roadshow", "materials_health", people["sel_societies"])
    with pytest.raises(Conflict, match="请先由该部门撤销后再取消参会"):
        selection.mark_admission([project], False, people["sel_innovation"])
    selection.unmark_placement(project, people["sel_popularisation"])
    selection.mark_placement(project, "major_roadshow", "materials_health", people["sel_societies"])
    assert selection.usage(world["edition"].id)["major_roadshow"] == 1


# The deadline ----------------------------------------------------------------------------------

def test_a_mark_one_second_after_the_deadline_is_refused(world, people, clock):
    [project, other] = filler(world, count=2)
    clock.set(datetime(2023, 12, 20, 23, 59, 59, tzinfo=SHANGHAI))
    selection.mark_placement(project, "showcase", None, people["sel_popularisation"])
    clock.set(datetime(2023, 12, 21, 0, 0, 0, tzinfo=SHANGHAI))
    with pytest.raises(Conflict, match="遴选已于2023年12月20日截止"):
        selection.mark_placement(other, "showcase", None, people["sel_popularisation"])


def test_shortfalls_warn_until_the_deadline_then_are_recorded_once(world, people, clock):
    edition = world["edition"]
    filler(world, count=79, bucket="major_roadshow", sector="materials_health")
    board = quota_board(edition.id, world["orgs"]["dept_innovation"].id, people["sel_innovation"])
    assert board.warnings == ["参会项目总数79项，未达到下限3000项",
                              "重大科创项目专场推介项目数79项，未达到下限80项"]
    assert selection.record_due_shortfalls() == 0  # before the deadline: nothing recorded
    clock.set(datetime(2023, 12, 21, 0, 0, 1, tzinfo=SHANGHAI))
    assert selection.record_due_shortfalls() == 2
    assert selection.record_due_shortfalls() == 0  # once per edition
    rows = db.session.execute(sa.select(SelectionShortfall.minimum, SelectionShortfall.required,
                                        SelectionShortfall.reached)).all()
    assert sorted(rows) == [("overall_min", 3000, 79), ("roadshow_min", 80, 79)]
    board = quota_board(edition.id, world["orgs"]["dept_innovation"].id, people["sel_innovation"])
    assert board.warnings == [] and len(board.recorded) == 2


# The board -------------------------------------------------------------------------------------

def test_each_department_sees_only_its_pool(world, people, orgs):
    edition = world["edition"]
    filler(world, count=3, admitted_by=None, intent="showcase")
    filler(world, count=2, intent="major_roadshow", title="专场意向")
    filler(world, count=1, intent="showcase", title="展推意向")
    everything = quota_board(edition.id, orgs["dept_innovation"].id, people["sel_innovation"])
    assert everything.total == 6
    societies = quota_board(edition.id, orgs["dept_societies"].id, people["sel_societies"])
    assert societies.total == 3  # admitted only, its own 推介意向 first
    assert [row["intent"] for row in societies.rows] == ["重大科创项目专场推介会"] * 2 + ["重点科创项目集中推介"]
    with pytest.raises(PermissionDenied):
        quota_board(edition.id, orgs["dept_innovation"].id, people["sel_societies"])


def test_board_lines_count_quota_used_and_left(world, people, orgs):
    filler(world, "tech_transfer", 4, bucket="opening")
    filler(world, count=3, bucket="major_roadshow", sector="modern_agriculture")
    board = quota_board(world["edition"].id, orgs["dept_innovation"].id, people["sel_innovation"])
    lines = {line.label: (line.quota, line.used, line.left) for line in board.lines}
    assert lines["遴选参会（总数下限）"] == ("≥3000", 7, "差2993")
    assert lines["开幕式发布·科技成果转化"] == ("10", 4, "6")
    assert lines["开幕式发布·北京市科学技术协会定向"] == ("5", 0, "5")
    assert lines["重大科创项目专场推介会"] == ("80–120", 3, "117")
    assert lines["专场·现代农业（乡村振兴）"] == ("不限", 3, "不限")
    assert board.by_city == [("绵阳市科学技术协会", 7)]


# Publishing --------------------------------------------------------------------------------------

def test_publish_completes_every_task_and_projects_get_their_buckets(world, people):
    roadshow = real_project(world, "专场项目")
    opening = real_project(world, "开幕式项目", intent="opening", sector=None)
    pitched = real_project(world, "洽谈项目", intent="showcase", sector=None)
    left_out = real_project(world, "未入选项目", intent="showcase", sector=None)
    ids = [p.id for p in (roadshow, opening, pitched)]
    selection.mark_admission(ids, True, people["sel_innovation"])
    selection.mark_placement(roadshow.id, "major_roadshow", "materials_health", people["sel_societies"])
    selection.mark_placement(opening.id, "opening", None, people["sel_innovation"])
    with pytest.raises(Conflict, match="参会项目总数3项，未达到下限3000项；重大科创项目专场推介项目数1项，"
                                       "未达到下限80项。确认仍要发布"):
        selection.publish_selection(world["edition"].id, people["sel_innovation"])
    with pytest.raises(PermissionDenied):
        selection.publish_selection(world["edition"].id, people["sel_societies"], confirm_short=True)
    counts = selection.publish_selection(world["edition"].id, people["sel_innovation"],
                                         confirm_short=True)
    assert counts == {"selected": 3, "not_selected": 1}
    db.session.expire_all()
    buckets = {p.title: (p.bucket, open_tasks(p.instance)) for p in db.session.scalars(sa.select(Project))}
    assert buckets["专场项目"] == ("major_roadshow", ["pitch_project"])
    assert buckets["开幕式项目"] == ("opening", ["pitch_project"])
    assert buckets["洽谈项目"] == ("pitch_sessions", ["pitch_project"])
    assert buckets["未入选项目"][0] is None and db.session.get(Project, left_out.id).outcome == "not_selected"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelectionShortfall)) == 2
    with pytest.raises(NotFound, match="遴选结果已发布"):
        selection.mark_admission([left_out.id], True, people["sel_innovation"])


def test_the_single_decision_keeps_the_ownership_rules(world, people):
    project = real_project(world)
    from app.services.shared.errors import InvalidInput
    with pytest.raises(InvalidInput, match="不由您所在部门遴选"):
        complete(people["sel_innovation"], project.instance, "select_project",
                 {"select_outcome": "selected", "bucket": "showcase"})
    complete(people["sel_innovation"], project.instance, "select_project",
             {"select_outcome": "selected", "bucket": "opening"})
    assert selection.usage(world["edition"].id)["opening"] == {"tech_transfer": 1}


def test_the_board_shows_the_positive_criteria_as_badges(world, people, orgs):
    [project] = filler(world, "tech_promotion", admitted_by=None)
    db.session.get(Project, project).details = {
        "tech_level": "international_advanced", "maturity": "pilot_done",
        "industry_university_contract": True, "provincial_award": False}
    db.session.commit()
    board = quota_board(world["edition"].id, orgs["dept_innovation"].id, people["sel_innovation"])
    assert board.rows[0]["badges"] == ["国际先进", "中试完成", "产学研合同"]


def test_the_timer_sweep_records_the_shortfall_even_if_nobody_opens_the_board(ctx, world, clock):
    from app.scheduler import run_sweep
    filler(world, count=3, bucket="major_roadshow", sector="materials_health")
    clock.set(datetime(2023, 12, 21, 0, 5, tzinfo=SHANGHAI))
    run_sweep(ctx)
    db.session.expire_all()
    rows = db.session.execute(sa.select(SelectionShortfall.minimum, SelectionShortfall.reached)).all()
    assert sorted(rows) == [("overall_min", 3), ("roadshow_min", 3)]
