"""The API's common ground: tokens, problem+json, 401/404, CSRF for session writes, the
OpenAPI document and its docs page."""
from __future__ import annotations

from app.services.shared import api_tokens
from tests.web.login import csrf_token, logged_in

from .conftest import api_client


def test_a_token_authenticates_and_only_its_hash_is_kept(ctx, world, api):
    made = api_tokens.create_token(world["users"]["cd_applicant"], "天府科技云对接", 90)
    assert made.secret.startswith("gf_") and len(made.secret) > 40
    assert made.token.token_hash == api_tokens.digest(made.secret) != made.secret
    me = api_client(ctx, made.secret).get("/api/v1/me")
    assert me.status_code == 200 and me.get_json()["username"] == "cd_applicant"
    assert {r["role"] for r in me.get_json()["roles"]} >= {"applicant"}
    assert "Set-Cookie" not in me.headers  # a machine client gets no session


def test_revoked_expired_and_unknown_tokens_are_401_problems(ctx, world, clock):
    user = world["users"]["cd_applicant"]
    revoked = api_tokens.create_token(user, "旧令牌", 30)
    api_tokens.revoke_token(revoked.token.id, user)
    expiring = api_tokens.create_token(user, "短期", 30)
    for secret in (revoked.secret, "gf_" + "x" * 43, "not-a-token"):
        answer = api_client(ctx, secret).get("/api/v1/me")
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
        assert answer.get_json()["code"] == "invalid_token"
        assert "invalid_token" in answer.headers["WWW-Authenticate"]
    assert api_client(ctx, expiring.secret).get("/api/v1/me").status_code == 200
    clock.advance(days=31)
    assert api_client(ctx, expiring.secret).get("/api/v1/me").get_json()["code"] == "invalid_token"


def test_no_credentials_is_401_but_health_and_the_contract_are_public(ctx, world):
    anonymous = ctx.test_client()
    answer = anonymous.get("/api/v1/me")
    assert answer.status_code == 401 and answer.get_json()["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.get("/api/v1/health").get_json() == {"status": "ok"}
    spec = anonymous.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/me" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    docs = anonymous.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_an_unknown_path_under_the_api_is_a_404_problem(ctx, world, api):
    answer = api("cd_applicant").get("/api/v1/no-such-thing")
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    assert answer.get_json()["detail"] == "您访问的页面不存在，或您无权查看。"


def test_a_session_write_needs_the_csrf_token_a_token_write_does_not(ctx, world, tmp_path):
    admin = logged_in(ctx, "admin")
    refused = admin.post("/api/v1/definitions", data={})
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf_failed"
    token = csrf_token(admin.get("/admin/definitions").get_data(as_text=True))
    with_token = admin.post("/api/v1/definitions", data={}, headers={"X-CSRFToken": token})
    assert with_token.status_code == 422  # past CSRF: the missing files are the problem
    assert with_token.get_json()["errors"]["files"]


def test_deploying_over_the_api_is_for_admins_only(ctx, world, api):
    from io import BytesIO
    applicant = api("cd_applicant")
    answer = applicant.post("/api/v1/definitions", data={
        "files": (BytesIO(b"<definitions/>"), "x.bpmn")}, content_type="multipart/form-data")
    assert answer.status_code == 403 and answer.get_json()["code"] == "forbidden"
    admin = api("admin")
    listed = admin.get("/api/v1/definitions").get_json()
    assert {d["process_key"] for d in listed} >= {"kechuang_project", "expert_team_grant"}
    bad = admin.post("/api/v1/definitions", data={"files": (BytesIO(b"not xml"), "x.bpmn")},
                     content_type="multipart/form-data")
    assert bad.status_code == 422 and "不是有效的 XML" in bad.get_json()["errors"]["files"][0]
    assert admin.get("/api/v1/definitions").get_json() == listed


def test_numbers_past_the_database_integer_are_refused_before_the_database(ctx, world, api):
    """A path id past 2**31 − 1 matches no route (404); an integer argument past it is a 422
    naming the field — neither reaches SQLite (which raised OverflowError: a 500)."""
    selector = api("sel_innovation")
    edition = world["edition"].id
    huge = 2**63 + 1
    missing = selector.get(f"/api/v1/editions/{huge}/selection")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    refused = selector.get(f"/api/v1/editions/{edition}/selection?city={huge}")
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"query.city": ["「市州」数值超出范围"]}
    assert selector.get(f"/api/v1/editions/{edition}/selection").status_code == 200


def test_an_earlier_model_version_is_made_current_over_the_api(ctx, world, api):
    from io import BytesIO
    from pathlib import Path

    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ProcessDefinition
    original = (Path(__file__).resolve().parents[2] / "bpmn" / "kechuang_project.bpmn").read_text()
    changed = original.replace('name="资格审查"', 'name="资格审查（复核）"', 1).encode()
    admin = api("admin")
    assert admin.post("/api/v1/definitions", data={"files": (BytesIO(changed), "kechuang_project.bpmn")},
                      content_type="multipart/form-data").status_code == 201
    v1 = db.session.scalar(sa.select(ProcessDefinition.id).filter_by(process_key="kechuang_project", version=1))
    try:
        assert api("cd_applicant").post(f"/api/v1/definitions/{v1}/current").status_code == 403
        made = admin.post(f"/api/v1/definitions/{v1}/current")
        assert made.status_code == 201 and made.get_json()["deployed"] == [
            {"process_key": "kechuang_project", "version": 3, "new": True}]
        again = admin.post(f"/api/v1/definitions/{v1}/current")
        assert again.status_code == 409 and "无需恢复" in again.get_json()["detail"]
        assert admin.post("/api/v1/definitions/999999/current").status_code == 404
    finally:
        db.session.rollback()
        db.session.execute(sa.delete(ProcessDefinition).where(ProcessDefinition.version > 1))
        db.session.commit()
