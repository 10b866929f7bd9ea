"""CSRF protection for everything a browser session cookie can authenticate.

A per-session random token lives in the (signed) session. Pages put it in a
``<meta name="csrf-token">`` tag and in every form's hidden ``csrf_token`` field;
scripts send it back in the ``X-CSRF-Token`` header.

Which unsafe requests (POST/PUT/PATCH/DELETE) are checked:

- every request outside ``/api/`` (the server-rendered forms), logged in or not;
- API requests authenticated by the session cookie (the session holds a user).

The message-push endpoint WeChat's servers call (``SIGNED_PATHS``) is exempt: WeChat
signs each push (``liaison.wechat.push`` checks it) and no session is read there.
API requests with ``Authorization: Bearer`` are exempt too: the mini-program's token is
not sent by the browser on its own, so a forged cross-site request cannot carry it
(and ``current_user`` never looks at the cookie when a Bearer header is present).
"""
from __future__ import annotations

import hmac
import secrets

from flask import request, session

from .errors import ApiError

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# API paths that never read the session: the mini-program's login answers with a token
# in the body, so a browser that happens to hold an admin session gains nothing there.
SESSIONLESS_API_PATHS = frozenset({"/api/v1/auth/wechat"})
# Paths WeChat's servers call: they carry WeChat's signature, never a cookie session.
SIGNED_PATHS = frozenset({"/wechat/push"})
MESSAGE = "页面已过期或来源不明，操作未执行。请返回上一页，刷新后重试。"


class CSRFError(ApiError):
    """A state-changing request without the session's CSRF token (403)."""

    title = "操作未执行"

    def __init__(self):
        super().__init__(403, "csrf_failed", MESSAGE)


def csrf_token() -> str:
    """This session's token, created on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate_csrf_token() -> str:
    """A fresh token, e.g. right after login (the session is cleared there anyway)."""
    session.pop(SESSION_KEY, None)
    return csrf_token()


def _bearer() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def needs_check() -> bool:
    """Whether this request must carry the CSRF token (see the module docstring)."""
    if request.method not in UNSAFE_METHODS or _bearer() or request.path in SIGNED_PATHS:
        return False
    if request.path.startswith("/api/"):
        return session.get("uid") is not None and request.path not in SESSIONLESS_API_PATHS
    return True


def sent_token() -> str:
    token = request.headers.get(HEADER, "")
    if not token and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        token = request.form.get(FORM_FIELD, "")
    return token


def check_csrf() -> None:
    """before_request hook: refuse an unsafe request whose token is missing or wrong.

    :raise CSRFError: 403 with a Chinese message.
    """
    if not needs_check():
        return
    expected = session.get(SESSION_KEY)
    token = sent_token()
    if not expected or not token or not hmac.compare_digest(str(expected), str(token)):
        raise CSRFError()


def init_csrf(app) -> None:
    """Check every request and offer ``csrf_token()`` to templates (idempotent)."""
    if app.extensions.get("liaison_csrf"):
        return
    app.extensions["liaison_csrf"] = True
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
