"""Browser sessions for server-rendered pages (admin, H5, reports).

``login_session(user)`` starts a cookie session; ``current_user()`` in core.auth reads
it and holds it against the user row and SESSION_TTL_SECONDS; ``logout_session()``
ends it on the server (the old cookie is useless afterwards, wherever it was copied). In the demo configuration only (LIAISON_DEMO=1), ``/auth/demo-login`` logs the
browser in as a demo account without WeChat, for trying the system on a desktop.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, session

from ..core.auth import session_fields
from ..core.db import db
from ..core.pages import safe_next
from . import operations
from .models import User

bp = Blueprint("web_auth", __name__)


def login_session(user: User) -> None:
    """Start a fresh browser session for ``user``; :raise UserBlocked: if blocked."""
    fields = session_fields(user)
    session.clear()
    session.update(fields)
    session.permanent = True


def logout_session() -> None:
    """End this browser's login, and with it every browser session of the same person
    (core/auth.py says why); the mini-program stays logged in. Commits once."""
    uid = session.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    # Only a live session revokes: a stale cookie replayed here must not log out others.
    if user is not None and session.get("sv") == user.session_version:
        operations.log_out(user)
    session.clear()


@bp.get("/auth/demo-login")
def demo_login():
    if not current_app.config.get("DEMO_MODE"):
        abort(404)
    openid = request.args.get("openid", "")
    user = db.session.query(User).filter_by(mp_openid=openid).first()
    if user is None or not openid.startswith("demo-"):
        abort(404)
    login_session(user)
    return redirect(safe_next(request.args.get("next")))


@bp.post("/auth/logout")
def logout():
    logout_session()
    return redirect("/")
