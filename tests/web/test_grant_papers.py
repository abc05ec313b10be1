"""The papers after the ranking over HTTP: the instance page offers 实施协议, 中期督查意见 and
全额退还通知 once they exist, each downloads for who may see the instance (404 for others); the
instance list links a call's 公示名单 for its officers only."""
from __future__ import annotations

import pytest

from app.demo.scenario import drive_application
from tests.reports import pdf

from .login import logged_in

PAPERS = ("agreement", "midterm_opinion", "refund_notice")


@pytest.fixture
def refunded(world, clock, upload_dir):
    return drive_application(world, clock, "soc_drone", "soc_drone_applicant", "end", failing=True)


def test_the_instance_page_offers_each_paper_and_it_downloads(app, refunded):
    client = logged_in(app, "soc_drone_applicant")
    page = client.get(f"/instances/{refunded.instance_id}").get_data(as_text=True)
    for kind, title in zip(PAPERS, ("项目实施协议", "中期督查意见", "全额退还通知")):
        url = f"/instances/{refunded.instance_id}/documents/{kind}.pdf"
        assert url in page and title in page, kind
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", kind
        assert "四川省无人机应用学会" in pdf.squeezed(response.data), kind


def test_the_papers_are_not_found_for_others(app, refunded):
    client = logged_in(app, "soc_mfg_applicant")
    for kind in PAPERS:
        assert client.get(f"/instances/{refunded.instance_id}/documents/{kind}.pdf").status_code == 404


def test_a_paper_not_yet_due_is_not_found(app, world, clock, upload_dir):
    application = drive_application(world, clock, "soc_tea_science", "soc_tea_applicant",
                                    "sign_agreement")
    client = logged_in(app, "admin")
    page = client.get(f"/instances/{application.instance_id}").get_data(as_text=True)
    for kind in PAPERS:
        url = f"/instances/{application.instance_id}/documents/{kind}.pdf"
        assert url not in page and client.get(url).status_code == 404, kind


def test_the_publicity_list_is_linked_and_served_to_the_calls_officers_only(app, world, clock,
                                                                             upload_dir):
    call = world["grant_call"]
    url = f"/calls/{call.id}/publicity.pdf"
    assert logged_in(app, "grant_officer").get(url).status_code == 404  # not ranked yet
    drive_application(world, clock, "soc_new_materials", "soc_mat_applicant", "conclude_publicity")
    officer = logged_in(app, "grant_officer")
    assert url in officer.get("/instances").get_data(as_text=True)
    response = officer.get(url)
    assert response.status_code == 200 and "拟立项" in pdf.squeezed(response.data)
    for name in ("soc_mat_applicant", "expert_a"):
        other = logged_in(app, name)
        assert url not in other.get("/instances").get_data(as_text=True)
        assert other.get(url).status_code == 404, name
