"""Page preferences shared by the admin and H5 pages."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request

from ..users.web import safe_next
from .formatting import BIG_TEXT_COOKIE

bp = Blueprint("ui", __name__)


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
