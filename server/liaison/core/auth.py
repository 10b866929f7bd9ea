"""API tokens, browser sessions and the current user (what they cover: ``places.scopes``).

Two kinds of login, both signed with SECRET_KEY and both held against the user row on
every request, so that the server can end them:

- mini-program tokens (itsdangerous) carry the user id and ``token_version`` and expire
  after TOKEN_TTL_SECONDS;
- browser sessions (Flask's signed cookie, started by ``users.web.login_session``) carry
  the user id, ``session_version`` and the login time ``iat``; a session older than
  SESSION_TTL_SECONDS is refused even if the browser still sends the cookie.

Why a version on the user row rather than a server-side session store: the cookie lives
in the browser, so "logged out" has to be a fact the server holds. ``session_version``
costs nothing (every request loads the user anyway), keeps Redis off the path of every
page and survives a Redis flush. Bumping it ends every browser session of that person
at once (logging out on the phone also logs out the office computer), which for staff
who see residents' phone numbers is the safe side. It is separate from ``token_version``
so that logging out of the admin pages does not log the mini-program out; a block or a
role removal bumps both (``users.operations.revoke_sessions``).

A blocked user is refused on every path with 403 ``user_blocked`` (``UserBlocked``); the
page handler shows it as a page saying the account is restricted. The block is told
before the revocation it caused, so the person holding a login we signed learns why it
stopped working rather than being sent round to log in again; the revocation is what
keeps old logins dead once the block is lifted.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from . import clock
from .db import db
from .errors import ApiError

SALT = "liaison-api-token"
SESSION_KEYS = ("uid", "sv", "iat")  # what a browser login puts in the cookie session
CLOCK_SKEW_SECONDS = 300  # web processes on different machines may disagree a little


class UserBlocked(ApiError):
    """403 ``user_blocked``: the account is restricted, with the recorded reason."""

    title = "账号已被限制使用"

    def __init__(self, user):
        super().__init__(403, "user_blocked",
                         "您的账号已被限制使用：" + (user.blocked_reason or "请联系联络站"))


def refuse_blocked(user):
    """Return ``user``; :raise UserBlocked: when the account is blocked."""
    if user is not None and user.blocked:
        raise UserBlocked(user)
    return user


def init_app(app, user_model) -> None:
    """Name the user model (``users.models.User``; ``create_app`` wires it, core knows no users)."""
    app.extensions["liaison_user_model"] = user_model


def _user_model():
    return current_app.extensions["liaison_user_model"]


def _serializer() -> URLSafeTimedSerializer:
    """The app's token serializer, made once per secret (it derives its key when made)."""
    secret = current_app.config["SECRET_KEY"]
    made = current_app.extensions.get("liaison_token_serializer")
    if made is None or made[0] != secret:
        made = current_app.extensions["liaison_token_serializer"] = (secret, URLSafeTimedSerializer(secret, salt=SALT))
    return made[1]


def issue_token(user) -> str:
    """A mini-program token for ``user``; :raise UserBlocked: a blocked user gets none."""
    refuse_blocked(user)
    return _serializer().dumps({"u": user.id, "v": user.token_version})


def user_from_token(token: str):
    """The user of a mini-program token.

    :raise ApiError: 401 ``token_expired`` / ``token_invalid`` (also for a revoked
        token), 403 ``user_blocked``.
    """
    try:
        data = _serializer().loads(token, max_age=current_app.config["TOKEN_TTL_SECONDS"])
    except SignatureExpired:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    except BadSignature:
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    if not isinstance(data, dict) or "u" not in data:
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    user = refuse_blocked(db.session.get(_user_model(), data["u"]))  # blocked before revoked: say why
    if user is None or user.token_version != data.get("v"):
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新登录")
    return user


def session_fields(user, now: float | None = None) -> dict:
    """What a browser session holds for ``user`` logged in at ``now`` (default: now).

    :raise UserBlocked: a blocked user cannot log in.
    """
    refuse_blocked(user)
    return {"uid": user.id, "sv": user.session_version,
            "iat": int(clock.timestamp() if now is None else now)}


def user_from_session(data, now: float):
    """The user of a browser session's ``data`` at time ``now`` (seconds since the epoch).

    None when the session holds no login, or one that was revoked (logout, block, role
    removal bump ``session_version``) or began more than SESSION_TTL_SECONDS before ``now``.

    :raise UserBlocked: the session is one we signed, not expired, for a blocked account.
    """
    uid, version, issued = data.get("uid"), data.get("sv"), data.get("iat")
    if not isinstance(uid, int) or not isinstance(issued, int) or isinstance(issued, bool):
        return None
    age = now - issued
    if age > current_app.config["SESSION_TTL_SECONDS"] or age < -CLOCK_SKEW_SECONDS:
        return None
    user = refuse_blocked(db.session.get(_user_model(), uid))  # blocked before revoked: say why
    if user is None or version != user.session_version:
        return None
    return user


def current_user(optional: bool = False):
    """The user of this request: the Bearer token if one is sent, else the browser session.

    :param optional: return None instead of raising 401 when nobody is logged in.
    :raise ApiError: 401 not logged in (or a bad/expired/revoked token), 403 ``user_blocked``.
    """
    if "user" in g:
        return g.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_from_token(header[7:].strip())
    else:
        user = user_from_session(session, clock.timestamp())
        if user is None and "uid" in session:
            for key in SESSION_KEYS:  # a dead login: stop sending it (and its CSRF duty)
                session.pop(key, None)
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
