"""API tokens, the current user and role scopes.

Tokens are signed (itsdangerous) with SECRET_KEY, carry the user id and the user's
token version (bumping it revokes every token), and expire after TOKEN_TTL_SECONDS.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .db import db
from .errors import ApiError

SALT = "liaison-api-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_token(user) -> str:
    return _serializer().dumps({"u": user.id, "v": user.token_version})


def user_from_token(token: str):
    from ..users.models import User

    try:
        data = _serializer().loads(token, max_age=current_app.config["TOKEN_TTL_SECONDS"])
    except SignatureExpired:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    except BadSignature:
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    if not isinstance(data, dict) or "u" not in data:
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    user = db.session.get(User, data["u"])
    if user is None or user.token_version != data.get("v"):
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    if user.blocked:
        raise ApiError(403, "user_blocked", "您的账号已被限制使用：" + (user.blocked_reason or "请联系联络站"))
    return user


def current_user(optional: bool = False):
    """The user of this request (Bearer token, or the admin page's session)."""
    if "user" in g:
        return g.user
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = user_from_token(header[7:].strip())
    else:
        from flask import session

        uid = session.get("uid")
        if uid is not None:
            from ..users.models import User

            user = db.session.get(User, uid)
            if user is not None and session.get("v") != user.token_version:
                user = None
    if user is None and not optional:
        raise ApiError(401, "unauthorized", "请先登录")
    g.user = user
    return user


def login_required(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        current_user()
        return fn(*args, **kwargs)

    return wrapper
