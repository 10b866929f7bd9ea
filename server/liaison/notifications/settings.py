"""Notification settings from the app config (defaults set by ``api.register``).

| key | default | meaning |
|---|---|---|
| NOTIFICATION_TEMPLATES | "" | JSON override of ``templates.TEMPLATES``/``EVENTS`` |
| MINIPROGRAM_PAGES_FILE | "" | the mini-program's pages list; "": miniprogram/config/pages.js |
| NOTIFICATION_LEASE_SECONDS | 60 | how long a worker's claim on a row lasts |
| NOTIFICATION_MAX_ATTEMPTS | 8 | attempts before a row ends ``failed`` |
| NOTIFICATION_BACKOFF_SECONDS | 15 | first retry delay; doubles per attempt |
| NOTIFICATION_BACKOFF_MAX_SECONDS | 3600 | cap of the retry delay |
| NOTIFICATION_BATCH | 200 | rows one sweep delivers at most |
"""
from __future__ import annotations

import os

from flask import current_app

from . import pages, templates

DEFAULTS = {
    "NOTIFICATION_LEASE_SECONDS": 60.0,
    "NOTIFICATION_MAX_ATTEMPTS": 8,
    "NOTIFICATION_BACKOFF_SECONDS": 15.0,
    "NOTIFICATION_BACKOFF_MAX_SECONDS": 3600.0,
    "NOTIFICATION_BATCH": 200,
}


def init_app(app) -> None:
    """Environment values for keys the app config does not set (config.py stays untouched)."""
    app.config.setdefault("NOTIFICATION_TEMPLATES", os.environ.get("NOTIFICATION_TEMPLATES", ""))
    app.config.setdefault("MINIPROGRAM_PAGES_FILE", os.environ.get("MINIPROGRAM_PAGES_FILE", ""))
    for key, default in DEFAULTS.items():
        raw = os.environ.get(key)
        app.config.setdefault(key, type(default)(float(raw)) if raw not in (None, "") else default)
    templates_config(app)  # a bad NOTIFICATION_TEMPLATES stops the app at start, not at send


def get(key: str):
    return current_app.config.get(key, DEFAULTS.get(key))


def templates_config(app=None) -> dict:
    """The merged template configuration, computed once per distinct override."""
    app = app or current_app
    raw = app.config.get("NOTIFICATION_TEMPLATES") or ""
    pages_file = app.config.get("MINIPROGRAM_PAGES_FILE") or ""
    cached = app.extensions.get("liaison_notification_templates")
    marker = (raw if isinstance(raw, str) else repr(raw), pages_file)
    if cached is None or cached[0] != marker:
        cached = (marker, templates.merge(raw, pages.load(pages_file or None)))
        app.extensions["liaison_notification_templates"] = cached
    return cached[1]


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after ``attempts`` failed ones: base * 2^(n-1), capped."""
    base = float(get("NOTIFICATION_BACKOFF_SECONDS"))
    return min(base * (2 ** max(attempts - 1, 0)), float(get("NOTIFICATION_BACKOFF_MAX_SECONDS")))
