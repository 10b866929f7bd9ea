"""Wire the H5 pages into the app (``create_app`` registers them)."""
from __future__ import annotations

from flask import current_app

from ..core.errors import page_layout
from . import (account_pages, booking_pages, consultation_pages, message_pages, opinion_pages,  # noqa: F401
               place_pages)  # (routes)
from .blueprint import bp


def register(app) -> None:
    app.register_blueprint(bp)  # also serves the plain-URL codes /s/<token>, /d/<token>
    page_layout(app, "h5", "h5/error.html")  # refusals show in the H5 layout (core.errors)


def demo_mode() -> bool:
    return bool(current_app.config.get("DEMO_MODE"))
