"""「API令牌」 (/account/tokens) through the test client: a user creates a token and sees its
secret once, in the answer to the POST; the secret authenticates /api/v1; the list never shows
it again; 吊销 kills it (401 invalid_token); nobody else can revoke it (404) but an admin, from
the user's page; every POST needs the CSRF token."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import ApiToken
from tests.api.conftest import api_client

from .login import csrf_token, logged_in

URL = "/account/tokens"
SECRET = re.compile(r'value="(gf_[A-Za-z0-9_-]{20,})"')


def text(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def create(client, name: str, days: str = "90"):
    token = csrf_token(text(client.get(URL)))
    return client.post(URL, data={"name": name, "days": days, "csrf_token": token})


def revoke(client, token_id: int, page: str = URL):
    token = csrf_token(text(client.get(page)))
    return client.post(f"{URL}/{token_id}/revoke", data={"csrf_token": token})


def token_named(name: str) -> ApiToken:
    db.session.rollback()
    return db.session.scalar(sa.select(ApiToken).filter_by(name=name))


def row_of(page: str, token_id: int) -> str:
    match = re.search(rf'<tr data-token="{token_id}".*?</tr>', page, re.DOTALL)
    assert match, f"no row of token {token_id}"
    return match.group(0)


def test_the_secret_is_shown_once_and_authenticates_the_api(app, world):
    applicant = logged_in(app, "cd_applicant")
    form = text(applicant.get(URL))
    assert 'href="/account/tokens"' in form  # linked from the header
    assert re.search(r'<option value="90"\s+selected>90 天</option>', form)
    assert [int(d) for d in re.findall(r'<option value="(\d+)"', form)] == [30, 90, 180, 365]
    answer = create(applicant, "单位财务系统对接", "180")
    page = text(answer)  # the POST's own answer: no redirect carries the secret
    assert answer.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(page).group(1)
    assert "只显示这一次" in page and "单位财务系统对接" in page
    assert secret not in answer.headers.get("Set-Cookie", "")
    me = api_client(app, secret).get("/api/v1/me")
    assert me.status_code == 200 and me.get_json()["username"] == "cd_applicant"

    listed = text(applicant.get(URL))
    assert secret not in listed and not SECRET.search(listed)
    token = token_named("单位财务系统对接")
    row = row_of(listed, token.id)
    assert f"<code>{secret[:10]}…</code>" in row and 'data-state="active"' in row and "有效" in row
    assert re.search(r"<td>\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}</td>", row)  # local_time
    assert (token.expires_at - token.created_at).days == 180


def test_revoking_makes_the_secret_useless(app, world):
    applicant = logged_in(app, "cd_applicant")
    secret = SECRET.search(text(create(applicant, "临时脚本"))).group(1)
    token = token_named("临时脚本")
    answer = revoke(applicant, token.id)
    assert answer.status_code == 302
    page = text(applicant.get(URL))
    assert "已吊销令牌“临时脚本”" in page
    assert 'data-state="revoked"' in row_of(page, token.id) and "吊销</summary>" not in row_of(page, token.id)
    refused = api_client(app, secret).get("/api/v1/me")
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"


def test_another_user_cannot_revoke_it_but_an_admin_can_from_the_users_page(app, world):
    applicant = logged_in(app, "cd_applicant")
    secret = SECRET.search(text(create(applicant, "共享盘同步"))).group(1)
    token = token_named("共享盘同步")
    other = logged_in(app, "cd_recommender")
    assert other.get(URL).status_code == 200
    assert revoke(other, token.id).status_code == 404
    assert f'data-token="{token.id}"' not in text(other.get(URL))
    assert api_client(app, secret).get("/api/v1/me").status_code == 200

    admin = logged_in(app, "admin")
    user_page = f"/admin/users/{world['users']['cd_applicant'].id}"
    assert 'data-state="active"' in row_of(text(admin.get(user_page)), token.id)
    answer = admin.post(f"{URL}/{token.id}/revoke", headers={"Referer": f"http://localhost{user_page}"},
                        data={"csrf_token": csrf_token(text(admin.get(user_page)))})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(user_page)
    assert token_named("共享盘同步").revoked_at is not None
    assert api_client(app, secret).get("/api/v1/me").status_code == 401


def test_invalid_input_is_shown_beside_the_fields_and_creates_nothing(app, world):
    applicant = logged_in(app, "cd_applicant")
    page = text(create(applicant, "   ", "7"), 422)
    assert re.search(r'data-error-for="name">「令牌名称」为必填项<', page)
    assert re.search(r'data-error-for="days">「有效期」应为30、90、180、365天之一<', page)
    assert not SECRET.search(page)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_every_post_needs_the_csrf_token(app, world):
    applicant = logged_in(app, "cd_applicant")
    assert applicant.post(URL, data={"name": "无令牌", "days": "90"}).status_code == 400
    assert token_named("无令牌") is None
    create(applicant, "要留着的")
    token = token_named("要留着的")
    assert applicant.post(f"{URL}/{token.id}/revoke").status_code == 400
    assert token_named("要留着的").revoked_at is None


def test_an_expired_token_is_listed_as_expired(app, world, clock):
    applicant = logged_in(app, "cd_applicant")
    create(applicant, "短期", "30")
    token = token_named("短期")
    clock.advance(days=31)
    row = row_of(text(applicant.get(URL)), token.id)
    assert 'data-state="expired"' in row and "已过期" in row
