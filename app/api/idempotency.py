"""``Idempotency-Key`` on the API's creating and completing requests: a retried request is
answered as the first one was, and never done twice.

The key's row is added before the use case runs, so it commits in the use case's own
transaction: either both the change and the key are kept, or neither (a refused request is not
remembered; its retry runs again and changes nothing more than the first could have). Two
requests racing with one key: the second's commit hits the unique key and is rolled back whole.
The answer is stored after the commit and replayed, with ``Idempotent-Replayed: true``.

A row without an answer is "in progress" (409 with ``Retry-After``) — but since it is only ever
committed with the change, another request sees it only once the work is done. When it is still
unanswered after ``ANSWER_TIMEOUT`` (longer than any web worker may take to answer: gunicorn
kills one after 30 s), the process that did the work died before storing its answer: a retry is
told the work was done and never does it again (409 ``idempotency_interrupted``)."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Response, json, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from workflows import clock

from ..extensions import db
from ..models import IdempotentRequest
from ..views.errors import answer

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
ANSWER_TIMEOUT = timedelta(minutes=2)
HEADER_DOC = {"in": "header", "name": HEADER, "required": False,
              "schema": {"type": "string", "minLength": 1, "maxLength": 200},
              "description": "客户端生成的唯一值（如 UUID）。带同一值重试时返回首次的结果，不会再执行一次；"
                             "24小时内有效"}


def idempotent(view):
    """Wrap a view (outside its argument parsing and response serialisation)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        key = key.strip()
        if not key or len(key) > 200:
            return answer(400, f"{HEADER} 应为1至200个字符。", code="invalid_idempotency_key")
        fingerprint = _fingerprint()
        prior = _prior(key)
        if prior is not None:
            return _replay(prior, fingerprint)
        row = IdempotentRequest(user_id=current_user.id, key=key, method=request.method,
                                path=request.path, fingerprint=fingerprint,
                                created_at=clock.now())
        db.session.add(row)  # committed by the use case's transaction, with its change
        try:
            response = view(*args, **kwargs)
        except IntegrityError:
            db.session.rollback()
            prior = _prior(key)
            if prior is not None:
                return _replay(prior, fingerprint)
            raise
        finally:
            if row in db.session and sa.inspect(row).pending:
                db.session.expunge(row)  # refused before any commit: not remembered
        return _remember(row, response)
    return guarded


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _prior(key: str) -> IdempotentRequest | None:
    row = db.session.scalar(sa.select(IdempotentRequest).filter_by(user_id=current_user.id, key=key))
    if row is not None and row.created_at < clock.now() - KEPT_FOR:
        db.session.delete(row)  # expired: the key may be used afresh
        db.session.commit()
        return None
    return row


def _replay(prior: IdempotentRequest, fingerprint: str):
    if prior.fingerprint != fingerprint:
        return answer(422, f"此 {HEADER} 已用于另一个请求（方法、地址或请求体不同）；"
                           "新的请求请使用新的值。", code="idempotency_key_reused")
    if prior.status is None and prior.created_at < clock.now() - ANSWER_TIMEOUT:
        return answer(409, "使用此 Idempotency-Key 的请求已执行完毕，但服务在答复前中断，答复未能保存；"
                           "不会再执行一次，请读取当前状态。", code="idempotency_interrupted")
    if prior.status is None:
        return answer(409, "使用此 Idempotency-Key 的请求正在处理中，请稍后重试。",
                      code="idempotency_in_progress", headers={"Retry-After": "1"})
    response = Response(json.dumps(prior.body, ensure_ascii=False), status=prior.status,
                        mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if prior.location:
        response.headers["Location"] = prior.location
    return response


def _remember(row: IdempotentRequest, response) -> Response:
    """Keep a successful answer for the retries (an answer that is not a success was not a
    change: its row went with the rollback)."""
    from flask import make_response
    response = make_response(response)
    if not (200 <= response.status_code < 300) or sa.inspect(row).transient:
        return response
    row.status, row.body = response.status_code, response.get_json(silent=True)
    row.location = response.headers.get("Location")
    db.session.commit()
    return response
