"""Notification settings from the app config (declared with their defaults in
``liaison.settings``: NOTIFICATION_TEMPLATES, MINIPROGRAM_PAGES_FILE,
NOTIFICATION_LEASE_SECONDS, NOTIFICATION_MAX_ATTEMPTS, NOTIFICATION_BACKOFF_SECONDS,
NOTIFICATION_BACKOFF_MAX_SECONDS, NOTIFICATION_BATCH).
"""
from __future__ import annotations

from flask import current_app

from . import pages, templates


def init_app(app) -> None:
    templates_config(app)  # a bad NOTIFICATION_TEMPLATES stops the app at start, not at send


def templates_config(app=None) -> dict:
    """The merged template configuration, computed once per distinct override."""
    app = app or current_app
    raw = app.config["NOTIFICATION_TEMPLATES"] or ""
    pages_file = app.config["MINIPROGRAM_PAGES_FILE"] or ""
    cached = app.extensions.get("liaison_notification_templates")
    marker = (raw if isinstance(raw, str) else repr(raw), pages_file)
    if cached is None or cached[0] != marker:
        cached = (marker, templates.merge(raw, pages.load(pages_file or None)))
        app.extensions["liaison_notification_templates"] = cached
    return cached[1]


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after ``attempts`` failed ones: base * 2^(n-1), capped."""
    config = current_app.config
    base = float(config["NOTIFICATION_BACKOFF_SECONDS"])
    return min(base * (2 ** max(attempts - 1, 0)), float(config["NOTIFICATION_BACKOFF_MAX_SECONDS"]))
