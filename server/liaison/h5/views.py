"""Wire the H5 pages into the app (found by ``create_app`` as ``h5.views``)."""
from __future__ import annotations

from flask import current_app

from ..admin.views import init_pages
from ..core.errors import page_layout
from . import account_pages, booking_pages, message_pages, opinion_pages, place_pages  # noqa: F401  (routes)
from .blueprint import bp


def register(app) -> None:
    init_pages(app)
    app.register_blueprint(bp)  # also serves the plain-URL codes /s/<token>, /d/<token>
    page_layout(app, "h5", "h5/error.html")  # refusals show in the H5 layout (core.errors)


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))
