"""Wire the admin pages into the app (found by ``create_app`` as ``admin.views``).

Also installs what every browser page relies on: CSRF checking for cookie-authenticated
requests, the security headers of HTML answers, the shared template filters, the
official-account OAuth flow and the page-preference route.
"""
from __future__ import annotations

from flask import jsonify, redirect, request, url_for

from ..core.auth import UserBlocked
from ..core.csrf import CSRFError, init_csrf
from ..core.errors import ApiError
from ..core.security import init_security
from . import (audit_views, auth_views, checkin_views, deputy_views, import_views, opinion_views,  # noqa: F401
               poster_views, queue_views, reception_views, station_views, unit_views, wechat_file_views)
from .blueprint import bp
from .common import PageError, error_page
from .formatting import init_formatting
from .oauth import bp as oauth_bp
from .ui import bp as ui_bp


def init_pages(app) -> None:
    """What the admin and H5 pages share; safe to call from both."""
    init_csrf(app)
    init_security(app)
    init_formatting(app)
    if "wxauth" not in app.blueprints:
        app.register_blueprint(oauth_bp)
        app.register_blueprint(ui_bp)

        @app.errorhandler(CSRFError)
        def _csrf_refused(exc: CSRFError):
            wants_json = (request.path.startswith("/api/") or request.is_json
                          or bool(request.headers.get("X-CSRF-Token")))
            if wants_json:
                body = {"error": {"code": exc.code, "message": exc.message}}
                return jsonify(body), exc.status
            template = "h5/error.html" if request.path.startswith(("/h5/", "/s/", "/d/")) else "admin/error.html"
            return error_page(exc.status, exc.message, "操作未执行", template)


def register(app) -> None:
    init_pages(app)
    app.register_blueprint(bp)


@bp.errorhandler(PageError)
def _page_error(exc: PageError):
    return error_page(exc.status, exc.message, exc.title)


@bp.errorhandler(UserBlocked)
def _blocked_page(exc: UserBlocked):
    return error_page(exc.status, exc.message, "账号已被限制使用")


@bp.errorhandler(ApiError)
def _api_error_in_page(exc: ApiError):
    return error_page(exc.status, exc.message, "无法完成")


@bp.get("/")
def home():
    return redirect(url_for("admin.queue"))
