"""Wire the admin pages into the app (found by ``create_app`` as ``admin.views``).

Also installs what every browser page relies on: CSRF checking for cookie-authenticated
requests, the security headers of HTML answers, the shared template filters, the
official-account OAuth flow and the page-preference route, and which routes are pages
(their errors show in the admin layout: ``core.errors.page_layout``).
"""
from __future__ import annotations

from flask import redirect, url_for

from ..core.csrf import init_csrf
from ..core.errors import page_layout
from ..core.security import init_security
from . import (audit_views, auth_views, checkin_views, deputy_views, import_views, opinion_views,  # noqa: F401
               poster_views, queue_views, reception_views, station_views, unit_views, wechat_file_views)
from .blueprint import bp
from .formatting import init_formatting
from ..users.web_login import bp as oauth_bp
from .ui import bp as ui_bp


def init_pages(app) -> None:
    """What the admin and H5 pages share; safe to call from both."""
    init_csrf(app)
    init_security(app)
    init_formatting(app)
    if "wxauth" not in app.blueprints:
        app.register_blueprint(oauth_bp)
        app.register_blueprint(ui_bp)
        # Pages whose refusals show in the admin layout (core.errors answers them).
        for name in ("admin", "ui", "web_auth"):
            page_layout(app, name, "admin/error.html")


def register(app) -> None:
    init_pages(app)
    app.register_blueprint(bp)


@bp.get("/")
def home():
    return redirect(url_for("admin.queue"))
