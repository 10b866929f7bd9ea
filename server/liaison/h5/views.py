"""Wire the H5 pages into the app (found by ``create_app`` as ``h5.views``)."""
from __future__ import annotations

from flask import current_app, render_template

from ..admin.views import init_pages
from ..core.auth import UserBlocked
from ..core.errors import ApiError
from . import account_pages, booking_pages, message_pages, opinion_pages, place_pages  # noqa: F401  (routes)
from .blueprint import bp


def register(app) -> None:
    init_pages(app)
    app.register_blueprint(bp)  # also serves the plain-URL codes /s/<token>, /d/<token>


@bp.errorhandler(UserBlocked)
def _blocked(exc: UserBlocked):
    return render_template("h5/error.html", title="账号已被限制使用", message=exc.message,
                           status=exc.status), exc.status


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return render_template("h5/error.html", title="无法完成", message=exc.message,
                           status=exc.status), exc.status


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))
