"""API tokens of machine clients: created by their user (the secret shown once, only its
SHA-256 kept), with an expiry; revoked by their user or an admin; looked up per request."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from workflows import clock

from ...extensions import db
from ...models import ApiToken, User
from .errors import InvalidInput, NotFound
from .unit_of_work import transaction
from .visibility import is_admin

PREFIX = "gf_"
LIFETIMES = (30, 90, 180, 365)  # days a new token may live: the form's choices
DEFAULT_LIFETIME = 90
USE_NOTED_EVERY = timedelta(minutes=10)  # last_used_at is written at most this often


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str | None, days: int | None) -> NewToken:
    """A new token for ``user`` named ``name`` living ``days`` days."""
    name, errors = (name or "").strip(), {}
    if not name:
        errors["name"] = ["「令牌名称」为必填项"]
    elif len(name) > 100:
        errors["name"] = ["「令牌名称」不能超过100个字"]
    if days not in LIFETIMES:
        errors["days"] = [f"「有效期」应为{'、'.join(map(str, LIFETIMES))}天之一"]
    if errors:
        raise InvalidInput(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret),
                     prefix=secret[:10], created_at=now, expires_at=now + timedelta(days=days))
    with transaction() as session:
        session.add(token)
    return NewToken(token, secret)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).filter_by(user_id=user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(token_id: int, user: User) -> ApiToken:
    """Revoke one of ``user``'s tokens (an admin may revoke anyone's); revoking twice is fine."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not is_admin(user)):
        raise NotFound("令牌不存在")
    with transaction():
        if token.revoked_at is None:
            token.revoked_at = clock.now()
    return token


def is_live(token: ApiToken) -> bool:
    return token.revoked_at is None and token.expires_at > clock.now()


ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"
STATE_LABELS = {ACTIVE: "有效", EXPIRED: "已过期", REVOKED: "已吊销"}


def state_of(token: ApiToken) -> str:
    """``active``, ``expired`` or ``revoked`` (revoked wins: it was a decision); the label in
    STATE_LABELS."""
    if token.revoked_at is not None:
        return REVOKED
    return ACTIVE if token.expires_at > clock.now() else EXPIRED


def user_for_secret(secret: str) -> User | None:
    """The active user of a live token with this secret, else None."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).filter_by(token_hash=digest(secret)))
    if token is None or not is_live(token):
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    _note_use(token)
    return user


def _note_use(token: ApiToken) -> None:
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > USE_NOTED_EVERY:
        with transaction():
            token.last_used_at = now
