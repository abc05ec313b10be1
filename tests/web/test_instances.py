"""流程实例 pages: the list within the user's scope, the instance page (diagram data, entered
data, history), and attachment downloads — 404 for whoever may not see the instance."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest

from app.extensions import db
from app.models import Attachment
from app.demo.samples import CONTRACT, PITCH, application_form, recommendation
from app.services.steps.form_display import shown_form
from app.services.reading.inbox import claim_task
from app.services.kechuang.projects import start_project
from tests.conftest import SHANGHAI
from tests.factories import submission
from tests.services.grant_steps import apply
from tests.services.steps import complete, task_of
from workflows import clock

from .login import FreshContextClient, logged_in
from tests.uploads import use_upload_dir
from tests.forms.step_forms import step_named

CHENGDU_TITLE = "视觉引导柔性装配"


@pytest.fixture
def people(world):
    return world["users"]


def new_project(world, owner, city, title, applicant):
    orgs = world["orgs"]
    return start_project(world["edition"].id, orgs[owner].id, orgs[city].id, title,
                         "tech_transfer", world["users"][applicant])


@pytest.fixture
def chengdu(world, people):
    """A Chengdu project, submitted: waiting for the recommender's 资格审查."""
    project = new_project(world, "ent_cloudwise", "city_chengdu", CHENGDU_TITLE, "cd_applicant")
    complete(people["cd_applicant"], project.instance, "submit_project", submission())
    return project


@pytest.fixture
def mianyang(world, people):
    project = new_project(world, "ent_greenfield", "city_mianyang", "绵阳农业项目", "my_applicant")
    complete(people["my_applicant"], project.instance, "submit_project",
             submission(title="绵阳智慧农业监测", owner_unit="绵阳绿野农业科技有限公司",
                        platform_listing_id="TFKJY-2023-0002"))
    return project


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_list_shows_only_visible_instances(app, chengdu, mianyang):
    mianyang_official = page(logged_in(app, "my_recommender"), "/instances")
    assert mianyang.instance.business_key in mianyang_official
    assert chengdu.instance.business_key not in mianyang_official
    assert "绵阳智慧农业监测" in mianyang_official and "工业机器人" not in mianyang_official
    admin = page(logged_in(app, "admin"), "/instances")
    assert chengdu.instance.business_key in admin and mianyang.instance.business_key in admin


def test_list_search_by_business_key_title_owner_status_and_city(app, world, chengdu, mianyang):
    client = logged_in(app, "admin")
    keys = (chengdu.instance.business_key, mianyang.instance.business_key)

    def found(query: str) -> list[bool]:
        html = page(client, "/instances?" + query)
        return [f'data-business-key="{key}"' in html for key in keys]

    assert found(f"q={keys[0].lower()}") == [True, False]
    assert found("q=智慧农业") == [False, True]
    assert found("owner=云智") == [True, False]
    assert found(f"city={world['orgs']['city_mianyang'].id}") == [False, True]
    assert found("status=running") == [True, True]
    assert found("status=completed") == [False, False]
    assert found("q=%25") == [False, False]  # a LIKE wildcard is searched for literally


def test_search_narrows_what_the_person_may_see_and_never_widens_it(app, chengdu, mianyang):
    mianyang_official = logged_in(app, "my_recommender")
    key = chengdu.instance.business_key
    assert f'data-business-key="{key}"' not in page(mianyang_official, f"/instances?q={key.lower()}")
    found = page(mianyang_official, "/instances?q=农业")  # two characters of a title
    assert f'data-business-key="{mianyang.instance.business_key}"' in found


def test_a_text_without_case_finds_what_a_case_insensitive_search_finds(people, chengdu, mianyang,
                                                                       monkeypatch):
    """On PostgreSQL a search text with no letter that has a case (Chinese, digits,
    punctuation) is asked with LIKE, four times cheaper than ILIKE: the same instances as
    ILIKE finds — and any text with a letter that has a case is still asked with ILIKE."""
    from app.services.reading import instance_views
    from app.services.reading.instance_views import InstanceFilter, _caseless, list_instances
    assert all(map(_caseless, ["智慧农业", "农业", "2023", "-", "%", "_", "（一）"]))
    assert not any(map(_caseless, ["kc", "KC", "Ａ", "ß", "ǅ", "智慧a", "\u0307"]))
    key = chengdu.instance.business_key
    texts = ["智慧农业", "农业", "业", CHENGDU_TITLE, "柔性装", key[-4:], key[:3], key.lower(),
             "绵阳", "云智", "%", "_", "不存在"]

    def found() -> dict:
        return {(field, text): [i.business_key for i, _ in list_instances(
                    people["admin"], InstanceFilter(**{field: text})).rows]
                for field in ("text", "owner") for text in texts}
    asked = found()
    assert asked[("text", "智慧农业")] == [mianyang.instance.business_key]
    assert asked[("text", key.lower())] == [key]
    monkeypatch.setattr(instance_views, "_caseless", lambda text: False)  # ILIKE for every text
    assert found() == asked


def test_a_long_list_walked_in_its_order_shows_the_same_rows_to_the_same_people(app, chengdu, mianyang,
                                                                              monkeypatch):
    """From WALK_FROM matching instances a page asks of each instance, in the list's order,
    whether the reader may see it (instead of gathering the visible ones first): the same
    rows in the same order, and nothing another city may not see."""
    from app.services.reading import instance_views

    def keys(username: str) -> list[str]:
        return re.findall(r'data-business-key="([^"]+)"', page(logged_in(app, username), "/instances"))
    people = ("my_recommender", "cd_recommender", "cd_applicant", "admin")
    gathered = {username: keys(username) for username in people}
    assert gathered["my_recommender"] == [mianyang.instance.business_key]
    monkeypatch.setattr(instance_views, "WALK_FROM", 1)
    assert {username: keys(username) for username in people} == gathered


@pytest.mark.parametrize("walk_from", [1000, 1])
def test_a_filtered_list_however_read_shows_the_rows_and_total_its_filters_and_scope_allow(
        app, world, chengdu, mianyang, monkeypatch, walk_from):
    """A 市州 chosen, its projects are looked up and each asked whether the reader may see it;
    walked or looked up, the status and process filters are checked row by row (on SQLite an
    expression no index serves): the same rows, total and scope as any other way."""
    from app.services.reading import instance_views
    monkeypatch.setattr(instance_views, "WALK_FROM", walk_from)
    chengdu_id, mianyang_id = world["orgs"]["city_chengdu"].id, world["orgs"]["city_mianyang"].id

    def listed(username: str, query: str) -> tuple[list[str], str]:
        html = page(logged_in(app, username), f"/instances?{query}")
        return re.findall(r'data-business-key="([^"]+)"', html), re.search(r"共 (\d+) 个项目或申报", html).group(1)
    both = sorted([chengdu.instance.business_key, mianyang.instance.business_key])
    assert sorted(listed("admin", "status=running&process=kechuang_project")[0]) == both
    assert listed("admin", f"city={chengdu_id}&status=running") == ([chengdu.instance.business_key], "1")
    assert listed("admin", f"city={mianyang_id}&process=kechuang_project") == ([mianyang.instance.business_key], "1")
    assert listed("admin", f"city={chengdu_id}&status=completed") == ([], "0")
    assert listed("my_recommender", f"city={chengdu_id}") == ([], "0")  # another 市州's project stays unseen
    assert listed("my_recommender", f"city={mianyang_id}&status=running") == ([mianyang.instance.business_key], "1")
    assert listed("cd_applicant", "status=running&process=kechuang_project") == ([chengdu.instance.business_key], "1")


def test_list_columns_show_process_version_step_and_outcome(app, people, chengdu):
    complete(people["cd_recommender"], chengdu.instance, "check_exclusions",
             {"exclusion_outcome": "excluded", "violated_rules": ["widely_promoted"],
              "comment": "已在省内大面积推广"})
    html = page(logged_in(app, "cd_recommender"), "/instances")
    assert "科创项目" in html and "（第1版）" in html and "成都云智装备科技有限公司" in html
    assert "不予推荐" in html  # the outcome, in Chinese


@pytest.mark.parametrize("username, status", [
    ("cd_applicant", 200), ("cd_recommender", 200), ("admin", 200),
    ("my_recommender", 404), ("expert_a", 404)])
def test_instance_page_only_for_those_who_may_see_it(app, chengdu, username, status):
    client = logged_in(app, username)
    instance_id = chengdu.instance.id
    assert client.get(f"/instances/{instance_id}").status_code == status
    assert client.get(f"/instances/{instance_id}/diagram.json").status_code == status


def test_unknown_instance_is_404(app, chengdu):
    assert logged_in(app, "admin").get("/instances/999999").status_code == 404


def test_pages_need_login(app, chengdu):
    response = FreshContextClient(app, app.response_class).get(f"/instances/{chengdu.instance.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_diagram_json_marks_done_and_current_steps_of_the_xml(app, chengdu):
    data = json.loads(page(logged_in(app, "cd_recommender"),
                           f"/instances/{chengdu.instance.id}/diagram.json"))
    assert 'id="kechuang_project"' in data["xml"]
    assert {"start_project", "submit_project"} <= set(data["completed"])
    assert "check_exclusions" in data["current"] and "submit_project" not in data["current"]
    assert not set(data["completed"]) & set(data["current"])
    for bpmn_id in data["completed"] + data["current"]:
        assert f'id="{bpmn_id}"' in data["xml"]


def test_diagram_current_step_after_return_is_not_also_done(app, people, chengdu):
    complete(people["cd_recommender"], chengdu.instance, "check_exclusions",
             {"exclusion_outcome": "returned", "violated_rules": [], "comment": "请补充材料"})
    data = json.loads(page(logged_in(app, "cd_applicant"),
                           f"/instances/{chengdu.instance.id}/diagram.json"))
    assert "submit_project" in data["current"] and "check_exclusions" in data["completed"]
    assert "submit_project" not in data["completed"]


def test_instance_page_shows_header_diagram_and_entered_data(app, chengdu):
    html = page(logged_in(app, "cd_recommender"), f"/instances/{chengdu.instance.id}")
    assert chengdu.instance.business_key in html and "科创项目" in html and "（第1版）" in html
    assert "资格审查" in html  # the current step
    assert 'id="diagram"' in html and "bpmn-navigated-viewer.production.min.js" in html
    assert "js/diagram.js" in html and "cdn" not in html.lower()
    assert "已填报信息" in html and 'data-task-name="submit_project"' in html
    for text in ("项目名称", "工业机器人视觉引导柔性装配技术", "项目类型", "科技成果转化",
                 "所属领域", "电子信息和装备制造", "承诺所填信息真实有效", "联系电话", "13800000001"):
        assert text in html, text


def test_instance_page_lists_the_full_history(app, people, chengdu):
    claim_task(task_of(chengdu.instance, "check_exclusions").id, people["cd_recommender"])
    html = page(logged_in(app, "cd_applicant"), f"/instances/{chengdu.instance.id}")
    history = html.split('id="history"')[1].split("<tbody>")[1]
    for text in ("发起", "办理", "认领", "李思远", "陈嘉禾", "提交科创项目", "资格审查"):
        assert text in history, text
    assert history.index("发起") < history.index("办理") < history.index("认领")


def store_attachment(upload_dir, instance, user, content=b"%PDF-1.4 test", name="申报书（盖章）.pdf"):
    digest = hashlib.sha256(content).hexdigest()
    (upload_dir / digest[:2]).mkdir(exist_ok=True)
    (upload_dir / digest[:2] / digest).write_bytes(content)
    attachment = Attachment(instance_id=instance.id, task_name="submit_project", field="proof_ref",
                            filename=name, content_type="application/pdf", size=len(content),
                            sha256=digest, storage_key=f"{digest[:2]}/{digest}",
                            uploaded_by_id=user.id, uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.commit()
    return attachment


@pytest.fixture
def attachment_dir(app, tmp_path, monkeypatch):
    """Stored files live in a temporary UPLOAD_DIR for this test."""
    use_upload_dir(monkeypatch, tmp_path)
    return tmp_path


def test_attachment_download_for_insiders_only(app, people, chengdu, attachment_dir):
    attachment = store_attachment(attachment_dir, chengdu.instance, people["cd_applicant"])
    url = f"/attachments/{attachment.id}"
    assert url in page(logged_in(app, "cd_recommender"), f"/instances/{chengdu.instance.id}")
    response = logged_in(app, "cd_recommender").get(url)
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6" in disposition  # 申报书…
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    for outsider in ("my_recommender", "expert_a"):
        assert logged_in(app, outsider).get(url).status_code == 404
    assert logged_in(app, "cd_recommender").get("/attachments/999999").status_code == 404


def test_attachment_whose_file_is_missing_is_404(app, people, chengdu, attachment_dir):
    attachment = store_attachment(attachment_dir, chengdu.instance, people["cd_applicant"])
    digest = attachment.sha256
    (attachment_dir / digest[:2] / digest).unlink()
    assert logged_in(app, "cd_applicant").get(f"/attachments/{attachment.id}").status_code == 404


def test_entered_forms_walk_nested_sections_and_tables():
    pitch = {item.label: item for item in shown_form(step_named("pitch_project").form, PITCH)}
    assert pitch["推介时间"].text == "2024年1月18日 14:30"
    parties = pitch["对接洽谈方"]
    assert parties.kind == "table" and parties.columns[:2] == ("洽谈方名称", "洽谈方类型")
    assert [cell.text for cell in parties.rows[0]] == ["德阳某重型装备公司", "需求方", "—"]
    application = {item.label: item for item in shown_form(step_named("submit_application").form, application_form())}
    budget = {item.label: item for item in application["五、项目经费预算"].fields}
    lines = budget["经费支出预算表"]
    assert lines.kind == "table" and lines.rows[0][0].text == "专家咨询费"


def test_grant_application_page_shows_the_application_sections(app, world, clock):
    clock.set(datetime(2024, 3, 20, 10, 0, tzinfo=SHANGHAI))
    application = apply(world)
    html = page(logged_in(app, "soc_mfg_applicant"), f"/instances/{application.instance.id}")
    for text in ("申报资格自查", "最近一次年检结论", "合格", "封面",
                 "一、项目申报单位基本情况", "经费支出预算表", "专家咨询费", "专家团成员", "专家01"):
        assert text in html, text
    assert logged_in(app, "soc_agri_applicant").get(
        f"/instances/{application.instance.id}").status_code == 404


def test_entered_forms_show_amounts_and_people_readably(world):
    concierge = world["users"]["cd_concierge"]
    stored = {**CONTRACT, "amount_wan": "120.5000"}  # as the JSON column keeps a Decimal
    step = step_named("recommend_project")
    signing = {item.label: item.text for item in shown_form(step_named("sign_project").form, stored)}
    assert signing["合同金额（万元）"] == "120.5" and signing["合同类型"] == "技术许可"
    recommending = {item.label: item.text for item in shown_form(
        step.form, recommendation(concierge.id), step.labels)}
    assert recommending["科服保姆"] == concierge.display_name
    assert recommending["推介意向"] == "重大科创项目专场推介会"


def test_uploaded_file_named_in_a_form_links_to_its_download(app, world, people, attachment_dir):
    project = new_project(world, "ent_cloudwise", "city_chengdu", "带附件的项目", "cd_applicant")
    attachment = store_attachment(attachment_dir, project.instance, people["cd_applicant"],
                                  name="成果证明.pdf")
    complete(people["cd_applicant"], project.instance, "submit_project",
             submission(proof_ref=f"attachment:{attachment.id}"))
    html = page(logged_in(app, "cd_recommender"), f"/instances/{project.instance.id}")
    entered = html.split('id="entered"')[1].split('id="attachments"')[0]
    assert f'href="/attachments/{attachment.id}"' in entered and "成果证明.pdf" in entered


def test_the_whole_list_counts_each_visible_instance_once(app, world, chengdu, mianyang):
    """Unfiltered, the list's total is counted on the reader's viewer rows alone: an instance
    they may see both through their organisation and by name still counts once."""
    from app.models import InstanceViewer
    db.session.add(InstanceViewer(instance_id=chengdu.instance.id, org_id=None,
                                  user_id=world["users"]["cd_recommender"].id))
    db.session.commit()
    for username, expected in [("cd_recommender", 1), ("my_recommender", 1), ("cd_applicant", 1),
                               ("admin", 2), ("expert_a", 0)]:
        html = page(logged_in(app, username), "/instances")
        keys = re.findall(r'data-business-key="([^"]+)"', html)
        assert re.search(r"共 (\d+) 个项目或申报", html).group(1) == str(len(keys)) == str(expected), username


@pytest.mark.parametrize("walk_from", [1000, 1])  # all matches found at once · more than that: counted, walked
def test_a_search_lists_its_matches_in_order_however_many_there_are(app, world, clock, chengdu, walk_from,
                                                                    monkeypatch):
    from app.services.reading import instance_views
    monkeypatch.setattr(instance_views, "WALK_FROM", walk_from)
    clock.advance(minutes=5)
    later = new_project(world, "ent_cloudwise", "city_chengdu", "柔性装配产线改造", "cd_applicant")
    db.session.commit()

    def listed(query: str) -> tuple[list[str], str]:
        html = page(logged_in(app, "cd_applicant"), f"/instances?{query}")
        return re.findall(r'data-business-key="([^"]+)"', html), re.search(r"共 (\d+) 个项目或申报", html).group(1)
    both = [later.instance.business_key, chengdu.instance.business_key]  # latest change first
    assert listed("q=柔性装配") == (both, "2")
    assert listed("q=产线改造") == ([later.instance.business_key], "1")
    assert listed("q=柔性装配&status=completed") == ([], "0")
    assert listed("q=柔性装配&owner=云智") == (both, "2")
    monkeypatch.setattr(instance_views, "PAGE_SIZE", 1)  # a page of one: which one is on it
    assert [listed(f"q=柔性装配&page={n}") for n in (1, 2)] == [(both[:1], "2"), (both[1:], "2")]
