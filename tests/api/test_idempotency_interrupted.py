"""An Idempotency-Key whose request did its work but died before storing its answer (the web
worker killed between the commit and the answer — tests/faults/test_web_worker_killed.py does it
with a real SIGKILL): retries are "in progress" while a live request could still be answering,
then told the work was done — never is it done a second time."""
from __future__ import annotations

from app.api import idempotency

from .test_tasks_api import ELIGIBLE, check_task, completions


def test_a_key_whose_answer_was_never_stored_is_told_done_never_redone(
        world, api, chengdu_project, clock, monkeypatch):
    task_id = check_task(chengdu_project).id
    recommender = api("cd_recommender")
    headers = {"Idempotency-Key": "tf-died-after-commit"}

    def send():
        return recommender.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ELIGIBLE},
                                headers=headers)
    with monkeypatch.context() as died:  # the work commits; the answer is never stored
        died.setattr(idempotency, "_remember", lambda row, response: response)
        assert send().status_code == 200
    assert completions(task_id) == 1
    soon = send()
    assert soon.status_code == 409 and soon.get_json()["code"] == "idempotency_in_progress"
    assert soon.headers["Retry-After"] == "1"
    clock.advance(seconds=idempotency.ANSWER_TIMEOUT.total_seconds() + 1)
    later = send()
    assert later.status_code == 409 and later.get_json()["code"] == "idempotency_interrupted"
    assert "不会再执行一次" in later.get_json()["detail"]
    assert completions(task_id) == 1
