"""Wire the admin pages into the app (``create_app`` registers them): the routes, and
that their errors show in the admin layout (``core.errors.page_layout``)."""
from __future__ import annotations

from flask import redirect, url_for

from ..core.errors import page_layout
from . import (audit_views, auth_views, checkin_views, consultation_views, deputy_views,  # noqa: F401
               import_views, opinion_views, poster_views, queue_views, reception_views, station_views,
               unit_views, wechat_file_views)
from .blueprint import bp


def register(app) -> None:
    app.register_blueprint(bp)
    page_layout(app, "admin", "admin/error.html")


@bp.get("/")
def home():
    return redirect(url_for("admin.queue"))
