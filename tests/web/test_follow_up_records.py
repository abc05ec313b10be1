"""登记跟踪记录 on the 跟踪服务 task page through HTTP: records (日期, 采取措施, 结果, files) added
without completing the task, listed on the task and instance pages; only the task's concierge;
a bad record gets every error at once and adds nothing; the conclusion is still the task's submit."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attachment, FollowUpRecord
from tests.factories import CONTRACT, PITCH, recommendation, selection
from tests.services.steps import complete, select, task_of
from tests.web.test_forms_agree import PDF

from .formdata import text as page_text
from .login import csrf_token
from .visible import visible_text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def following(world, chengdu_project):
    """The 成都 project at 跟踪服务 (its concierge: cd_concierge)."""
    users, instance = world["users"], chengdu_project.instance
    complete(users["cd_recommender"], instance, "check_exclusions",
             {"exclusion_outcome": "eligible", "violated_rules": []})
    complete(users["cd_recommender"], instance, "recommend_project",
             recommendation(users["cd_concierge"].id))
    select(users, instance, selection())
    complete(users["cd_concierge"], instance, "pitch_project", PITCH)
    complete(users["cd_concierge"], instance, "sign_project", CONTRACT)
    return chengdu_project


def text(response) -> str:
    return visible_text(page_text(response))


def add(user, task_id: str, data: dict, files=()):
    token = csrf_token(user.get(f"/tasks/{task_id}").get_data(as_text=True))
    return user.post(f"/tasks/{task_id}/follow-ups", data={"csrf_token": token, **data,
                                                           "files": list(files)},
                     content_type="multipart/form-data")


def count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(FollowUpRecord))


def test_two_records_then_the_conclusion(client, following, upload_dir):
    task_id = task_of(following.instance, "follow_up_project").id
    concierge = client("cd_concierge")
    page = concierge.get(f"/tasks/{task_id}")
    assert "登记跟踪记录" in text(page) and "尚未登记跟踪记录" in text(page)
    first = add(concierge, task_id, {"occurred_on": "2023-12-01", "action": "走访需求方",
                                     "result": "确定中试场地"},
                [(io.BytesIO(PDF), "走访记录.pdf"), (io.BytesIO(PNG), "现场照片.png")])
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/tasks/{task_id}#follow-ups")
    second = add(concierge, task_id, {"occurred_on": "2023-12-01", "action": "电话回访项目方",
                                      "result": "样机进入试制"})
    assert second.status_code == 302 and count() == 2
    assert task_of(following.instance, "follow_up_project").id == task_id  # still open
    shown = text(concierge.get(f"/tasks/{task_id}"))
    assert "跟踪记录（2条）" in shown and "走访需求方" in shown and "样机进入试制" in shown
    assert "走访记录.pdf" in shown and "现场照片.png" in shown and "周晓岚" in shown
    files = db.session.scalars(sa.select(Attachment).where(Attachment.follow_up_record_id.is_not(None))).all()
    assert {f.filename for f in files} == {"走访记录.pdf", "现场照片.png"}
    assert {f.content_type for f in files} == {"application/pdf", "image/png"}
    download = concierge.get(f"/attachments/{files[0].id}")
    assert download.status_code == 200 and download.data in (PDF, PNG)
    download.close()
    # the conclusion: the task's own submit
    token = csrf_token(concierge.get(f"/tasks/{task_id}").get_data(as_text=True))
    done = concierge.post(f"/tasks/{task_id}", data={
        "csrf_token": token, "_action": "submit", "follow_up_outcome": "landed",
        "landed_on": "2023-12-01", "landing_evidence": "技术许可合同已履行，产线投产。"})
    assert done.status_code == 302
    db.session.rollback()
    db.session.refresh(following.instance)
    assert following.instance.outcome == "landed"
    instance_page = text(client("cd_recommender").get(f"/instances/{following.instance_id}"))
    assert "跟踪记录（2条）" in instance_page and "电话回访项目方" in instance_page
    assert "走访记录.pdf" in instance_page


def test_only_the_tasks_concierge_adds_records(client, following, upload_dir):
    task_id = task_of(following.instance, "follow_up_project").id
    token = csrf_token(client("cd_concierge").get(f"/tasks/{task_id}").get_data(as_text=True))
    record = {"occurred_on": "2023-12-01", "action": "走访需求方", "result": "确定中试场地"}
    for username in ("my_concierge", "cd_recommender", "cd_applicant"):
        outsider = client(username)
        own = csrf_token(outsider.get("/").get_data(as_text=True))
        response = outsider.post(f"/tasks/{task_id}/follow-ups", data={"csrf_token": own, **record})
        assert response.status_code in (403, 404), username
    assert client("cd_concierge").post(f"/tasks/{task_id}/follow-ups", data=record).status_code == 400
    assert token and count() == 0


def test_a_bad_record_gets_every_error_at_once_and_adds_nothing(client, following, upload_dir):
    task_id = task_of(following.instance, "follow_up_project").id
    concierge = client("cd_concierge")
    refused = add(concierge, task_id, {"occurred_on": "2023-12-02", "action": "", "result": "确定中试场地"},
                  [(io.BytesIO(PDF), "走访记录.pdf"), (io.BytesIO(b"MZ not a pdf"), "病毒.exe")])
    assert refused.status_code == 422
    shown = text(refused)
    assert "「日期」2023年12月2日晚于今天" in shown and "「采取措施」" in shown and "「附件」须为" in shown
    assert "已上传：走访记录.pdf" in shown  # the good file is kept for the next try
    assert count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                             .where(Attachment.follow_up_record_id.is_not(None))) == 0
    before = add(concierge, task_id, {"occurred_on": "2023-11-30", "action": "走访", "result": "无"})
    assert before.status_code == 422 and "「日期」2023年11月30日早于项目发起日期" in text(before) and count() == 0
    assert task_of(following.instance, "follow_up_project").id == task_id
