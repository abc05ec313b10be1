"""系统管理 → 流程模型: versions with instance counts, deploying uploaded .bpmn/.dmn files
(validated; refused with the parser's message), admins only, CSRF required."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ProcessDefinition
from app.services.shared.definitions import deploy_upload, latest_definition
from app.services.shared.errors import PermissionDenied
from app.services.kechuang.projects import start_project

from .login import FreshContextClient, csrf_token, logged_in

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
KECHUANG = (BPMN_DIR / "kechuang_project.bpmn").read_text(encoding="utf-8")
ELIGIBILITY = (BPMN_DIR / "grant_eligibility.dmn").read_text(encoding="utf-8")


@pytest.fixture
def admin(app, world):
    """The administrator's client; versions deployed by the test are removed afterwards."""
    yield logged_in(app, "admin")
    db.session.rollback()
    db.session.execute(sa.delete(ProcessDefinition).where(ProcessDefinition.version > 1))
    db.session.commit()


def versions() -> dict[str, list[int]]:
    rows = db.session.execute(sa.select(ProcessDefinition.process_key, ProcessDefinition.version)
                              .order_by(ProcessDefinition.process_key, ProcessDefinition.version))
    found: dict[str, list[int]] = {}
    for key, version in rows:
        found.setdefault(key, []).append(version)
    return found


def upload(client, *files: tuple[str, str | bytes], token: str | None = None):
    """POST the upload form with (name, content) files; follows the redirect."""
    if token is None:
        token = csrf_token(client.get("/admin/definitions").get_data(as_text=True))
    data = {"csrf_token": token,
            "files": [(io.BytesIO(c.encode("utf-8") if isinstance(c, str) else c), name)
                      for name, c in files]}
    return client.post("/admin/definitions", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_index_links_to_definitions(admin):
    assert 'href="/admin/definitions"' in text(admin.get("/admin"))


def test_definitions_list_v1_of_both_processes_with_instance_counts(admin, world):
    orgs = world["orgs"]
    start_project(world["edition"].id, orgs["ent_cloudwise"].id, orgs["city_chengdu"].id,
                  "计数用项目", "tech_transfer", world["users"]["cd_applicant"])
    html = text(admin.get("/admin/definitions"))
    for key in ("kechuang_project", "expert_team_grant"):
        assert f'data-process-key="{key}"' in html
    kechuang = html.split('data-process-key="kechuang_project"')[1].split("</section>")[0]
    assert 'data-version="1"' in kechuang
    assert '<td data-count="running">1</td>' in kechuang and '<td data-count="total">1</td>' in kechuang


def test_modified_bpmn_becomes_v2_and_is_listed(admin):
    changed = KECHUANG.replace('name="资格审查"', 'name="资格审查（复核）"', 1)
    assert changed != KECHUANG
    html = text(upload(admin, ("kechuang_project.bpmn", changed)))
    assert "kechuang_project 新版本 v2" in html
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1, 2]}
    kechuang = html.split('data-process-key="kechuang_project"')[1].split("</section>")[0]
    assert 'data-version="2"' in kechuang and 'data-version="1"' in kechuang


def test_unchanged_model_makes_no_new_version(admin):
    assert "模型未变化，未产生新版本" in text(upload(admin, ("kechuang_project.bpmn", KECHUANG)))
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1]}


def test_changed_dmn_gives_the_process_that_calls_it_a_new_version(admin):
    changed = ELIGIBILITY.replace("上一年度项目绩效评估不合格须全额退还", "上一年度项目全额退还", 1)
    assert "expert_team_grant 新版本 v2" in text(upload(admin, ("grant_eligibility.dmn", changed)))
    assert versions() == {"expert_team_grant": [1, 2], "kechuang_project": [1]}


def test_invalid_model_is_refused_with_the_parsers_message(admin):
    broken = KECHUANG.replace('<bpmn:userTask id="submit_project"', '<bpmn:userTask idx="submit_project"', 1)
    html = text(upload(admin, ("kechuang_project.bpmn", broken)))
    assert "模型无效，未部署" in html and "kechuang_project.bpmn" in html
    assert "The attribute &#39;idx&#39; is not allowed" in html and "行）" in html
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1]}


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", "hello", "只能上传 .bpmn 或 .dmn 文件"),
    ("model.bpmn", "this is not xml", "不是有效的 XML 文件"),
    ("model.bpmn", b"\xff\xfe<x/>", "不是有效的 XML 文件"),
    ("model.bpmn", "<html><body/></html>", "不是 BPMN/DMN 模型文件"),
    ("big.bpmn", b"<definitions>" + b" " * (2 * 1024 * 1024) + b"</definitions>", "文件超过 2 MB"),
])
def test_wrong_files_are_refused_in_chinese(admin, name, content, message):
    html = text(upload(admin, (name, content)))
    assert message in html
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1]}


def test_no_file_chosen(admin):
    token = csrf_token(admin.get("/admin/definitions").get_data(as_text=True))
    response = admin.post("/admin/definitions", data={"csrf_token": token}, follow_redirects=True)
    assert "请选择要部署的 .bpmn 或 .dmn 文件" in text(response)


def test_upload_without_csrf_token_is_400(admin):
    changed = KECHUANG.replace('name="资格审查"', 'name="资格审查（复核）"', 1)
    response = admin.post("/admin/definitions", content_type="multipart/form-data",
                          data={"files": [(io.BytesIO(changed.encode()), "kechuang_project.bpmn")]})
    assert response.status_code == 400
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1]}


@pytest.mark.parametrize("username", ["cd_applicant", "grant_officer", "expert_a"])
def test_admin_pages_are_403_for_others(app, world, username):
    client = logged_in(app, username)
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/definitions").status_code == 403
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/admin/definitions", content_type="multipart/form-data",
                           data={"csrf_token": token,
                                 "files": [(io.BytesIO(b"<x/>"), "kechuang_project.bpmn")]})
    assert response.status_code == 403
    assert versions() == {"expert_team_grant": [1], "kechuang_project": [1]}


def test_admin_pages_need_login(app, world):
    response = FreshContextClient(app, app.response_class).get("/admin/definitions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deploy_service_refuses_non_admins(world):
    with pytest.raises(PermissionDenied):
        deploy_upload({"kechuang_project.bpmn": KECHUANG}, world["users"]["grant_officer"])


def content_hashes(key: str = "kechuang_project") -> list[str]:
    return list(db.session.scalars(sa.select(ProcessDefinition.content_hash)
                                   .filter_by(process_key=key).order_by(ProcessDefinition.version)))


def test_re_uploading_the_earlier_file_makes_it_current_as_a_new_version(admin, world):
    changed = KECHUANG.replace('name="资格审查"', 'name="资格审查（复核）"', 1)
    upload(admin, ("kechuang_project.bpmn", changed))
    html = text(upload(admin, ("kechuang_project.bpmn", KECHUANG)))
    assert "kechuang_project 新版本 v3" in html
    v1, v2, v3 = content_hashes()
    assert v3 == v1 != v2
    assert latest_definition("kechuang_project").version == 3  # what a new instance starts on


def test_an_earlier_version_is_made_current_again_from_the_page(admin):
    upload(admin, ("kechuang_project.bpmn", KECHUANG.replace('name="资格审查"', 'name="资格审查（复核）"', 1)))
    page = text(admin.get("/admin/definitions"))
    kechuang = page.split('data-process-key="kechuang_project"')[1].split("</section>")[0]
    assert kechuang.count(">恢复为当前版本</button>") == 1  # on v1 only, not on the current v2
    v1 = db.session.scalar(sa.select(ProcessDefinition.id).filter_by(process_key="kechuang_project", version=1))
    html = text(admin.post(f"/admin/definitions/{v1}/current", data={"csrf_token": csrf_token(page)},
                           follow_redirects=True))
    assert "已将 kechuang_project 的早期版本恢复为当前版本：新版本 v3" in html
    assert versions()["kechuang_project"] == [1, 2, 3] and content_hashes()[2] == content_hashes()[0]
    again = admin.post(f"/admin/definitions/{v1}/current", data={"csrf_token": csrf_token(page)},
                       follow_redirects=True)
    assert "无需恢复" in again.get_data(as_text=True) and versions()["kechuang_project"] == [1, 2, 3]


def test_making_current_needs_an_admin_and_csrf(app, admin, world):
    v1 = db.session.scalar(sa.select(ProcessDefinition.id).filter_by(process_key="kechuang_project", version=1))
    assert admin.post(f"/admin/definitions/{v1}/current").status_code == 400  # no CSRF token
    other = logged_in(app, "cd_applicant")
    token = csrf_token(other.get("/").get_data(as_text=True))
    assert other.post(f"/admin/definitions/{v1}/current", data={"csrf_token": token}).status_code == 403
    assert versions()["kechuang_project"] == [1]


def test_a_model_with_a_task_in_no_lane_is_refused_naming_it(admin):
    lane_ref = "<bpmn:flowNodeRef>check_exclusions</bpmn:flowNodeRef>"
    assert lane_ref in KECHUANG
    html = text(upload(admin, ("kechuang_project.bpmn", KECHUANG.replace(lane_ref, "", 1))))
    assert "模型无效，未部署" in html and "用户任务「资格审查」（check_exclusions）不在任何泳道中" in html
    assert versions()["kechuang_project"] == [1]


def test_a_model_not_marked_executable_is_refused_not_called_unchanged(admin):
    html = text(upload(admin, ("kechuang_project.bpmn", KECHUANG.replace('isExecutable="true"', 'isExecutable="false"', 1))))
    assert "未标记为可执行" in html and "模型未变化" not in html
