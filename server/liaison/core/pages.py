"""What every browser page (admin, H5, reports) shares, installed by ``create_app``:
CSRF checking for cookie-authenticated requests, the security headers of HTML answers,
the template filters, the refused form carried to the next page, safe redirect
targets and the page-preference route.
"""
from __future__ import annotations

import json
from urllib.parse import urlparse, urlsplit

from flask import Blueprint, current_app, redirect, request, session

from .csrf import init_csrf
from .formatting import BIG_TEXT_COOKIE, init_formatting
from .security import init_security

bp = Blueprint("ui", __name__)

REFUSED_KEY = "refused_form"
# Never kept for the page after a refusal: the CSRF token, secrets, anything long.
_SECRET_WORDS = ("csrf", "password", "passwd", "secret", "token")
_MAX_FIELDS = 60
# The session is a signed cookie (browsers drop cookies over 4 KB): values beyond this
# many characters of JSON stay out; the page shows those fields as stored.
_BUDGET = 1800


def init_pages(app) -> None:
    init_csrf(app)
    init_security(app)
    init_formatting(app)
    app.jinja_env.globals["refused_form"] = refused_form
    app.register_blueprint(bp)


def safe_next(target: str | None, default: str = "/admin/") -> str:
    """Only same-site relative paths may be redirect targets."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _kept_values() -> dict[str, list[str]]:
    """What was typed into the refused form (files are in request.files, never here)."""
    kept: dict[str, list[str]] = {}
    used = 0
    for name in list(request.form.keys())[:_MAX_FIELDS]:
        if any(word in name.lower() for word in _SECRET_WORDS):
            continue
        values = request.form.getlist(name)[:_MAX_FIELDS]
        size = len(json.dumps([name, values]))
        if used + size > _BUDGET:
            continue
        kept[name], used = values, used + size
    return kept


def keep_refused(message: str, target: str) -> None:
    """Carry the refused form to the page at ``target`` (``refused_form()``): the path it
    was posted to, what was typed and the message, so the page's script puts the message
    beside that form, open and filled in again."""
    session[REFUSED_KEY] = {"action": request.path, "page": urlsplit(target).path,
                            "message": message, "values": _kept_values()}


def refused_form() -> dict | None:
    """The refused form to show on this page, once (a template global)."""
    refused = session.pop(REFUSED_KEY, None)
    if not isinstance(refused, dict) or refused.get("page") != request.path:
        return None
    return {key: refused.get(key) for key in ("action", "message", "values")}


@bp.post("/ui/text-size")
def text_size():
    """Large-text mode for older staff and residents: a preference cookie the layout reads."""
    target = safe_next(request.form.get("next"), "/admin/")
    response = redirect(target)
    if request.form.get("big") == "1":
        response.set_cookie(BIG_TEXT_COOKIE, "1", max_age=3 * 365 * 86400, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    else:
        response.delete_cookie(BIG_TEXT_COOKIE)
    return response
