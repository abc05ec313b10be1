"""A late action through HTTP: the task page opened before the deadline, submitted after it
(before any timer sweep) — the 409 page names the deadline and the outcome, the project has
ended as its timer says, and nothing of the form was recorded."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Project
from tests.conftest import SHANGHAI

from .formdata import text
from .login import csrf_token
from .test_refusals import ELIGIBLE_FORM, check_url


def test_a_check_submitted_after_the_recommendation_deadline_is_refused(client, chengdu_project,
                                                                        clock):
    recommender = client("cd_recommender")
    url = check_url(chengdu_project)
    token = csrf_token(recommender.get(url).get_data(as_text=True))  # opened in time
    clock.set(datetime(2023, 12, 16, 0, 0, tzinfo=SHANGHAI))  # the deadline's next 00:00
    answer = recommender.post(url, data={**ELIGIBLE_FORM, "_action": "submit", "csrf_token": token})
    assert answer.status_code == 409
    assert "「资格审查」已于2023年12月15日截止，不能再办理；已按期限办结：未推荐。" in text(answer)
    db.session.rollback()
    project = db.session.get(Project, chengdu_project.id)
    assert project.outcome == "not_recommended"
    kinds = list(db.session.scalars(sa.select(AuditEvent.kind).filter_by(
        instance_id=project.instance_id).order_by(AuditEvent.id)))
    assert kinds[-1] == "timer" and kinds.count("completed") == 1  # only the submission


def test_a_late_claim_from_the_inbox_is_flashed_with_the_deadline(client, chengdu_project, clock):
    recommender = client("cd_recommender")
    url = check_url(chengdu_project)
    page = recommender.get("/").get_data(as_text=True)
    clock.set(datetime(2023, 12, 16, 0, 0, 1, tzinfo=SHANGHAI))
    answer = recommender.post(f"{url}/claim", data={"csrf_token": csrf_token(page)},
                              follow_redirects=True)
    assert "已于2023年12月15日截止" in text(answer) and "未推荐" in text(answer)
