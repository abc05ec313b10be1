"""My API tokens over the API: listed without secrets, revoked by their owner (or an admin);
another user's token is "not found"; creating stays in the UI."""
from __future__ import annotations

from app.extensions import db
from app.services.shared import api_tokens

from .conftest import api_client


def test_i_list_my_tokens_without_secrets_and_revoke_one(ctx, world, api, clock):
    user = world["users"]["cd_applicant"]
    spare = api_tokens.create_token(user, "备用对接", 30)
    me = api("cd_applicant")
    listed = me.get("/api/v1/tokens")
    assert listed.status_code == 200
    rows = listed.get_json()["items"]
    assert [r["name"] for r in rows] == ["测试令牌 cd_applicant", "备用对接"]  # newest first
    assert spare.secret not in listed.get_data(as_text=True) and me.token not in listed.get_data(as_text=True)
    row = next(r for r in rows if r["name"] == "备用对接")
    assert (row["state"], row["state_label"], row["prefix"]) == ("active", "有效", spare.secret[:10])

    revoked = me.delete(f"/api/v1/tokens/{spare.token.id}")
    assert revoked.status_code == 200 and revoked.get_json()["state_label"] == "已吊销"
    assert api_client(ctx, spare.secret).get("/api/v1/me").get_json()["code"] == "invalid_token"
    assert me.delete(f"/api/v1/tokens/{spare.token.id}").status_code == 200  # twice is fine

    clock.advance(days=91)  # my own token expired too: nothing more answers it
    assert me.get("/api/v1/tokens").status_code == 401


def test_another_users_token_is_not_found_but_an_admin_may_revoke_it(ctx, world, api):
    theirs = api_tokens.create_token(world["users"]["cd_recommender"], "推荐单位系统", 90)
    other = api("cd_applicant")
    assert other.delete(f"/api/v1/tokens/{theirs.token.id}").status_code == 404
    assert theirs.token.name not in other.get("/api/v1/tokens").get_data(as_text=True)
    assert api_client(ctx, theirs.secret).get("/api/v1/me").status_code == 200
    assert api("admin").delete(f"/api/v1/tokens/{theirs.token.id}").status_code == 200
    db.session.rollback()
    assert api_client(ctx, theirs.secret).get("/api/v1/me").status_code == 401


def test_creating_a_token_is_not_offered_over_the_api(ctx, world, api):
    me = api("cd_applicant")
    assert me.post("/api/v1/tokens", json={"name": "x", "days": 90}).status_code == 405
    spec = me.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"]["/api/v1/tokens"]) == {"get"}
    assert "API令牌" in spec["paths"]["/api/v1/tokens/{token_id}"]["delete"]["description"]
