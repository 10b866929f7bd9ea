"""GET /healthz: database, Redis and the registered outside services (WeChat) as JSON;
GET /readyz: whether this process may take traffic (database, Redis, and the schema at
the code's migration head).

A service adds its probe with ``add_check(app, name, probe)`` (``create_app`` wires
WeChat's, ``wechat.app.wechat_check``); a probe returns ``{"ok": bool, ...}``.
"""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app
from sqlalchemy import text

from .db import db
from .extensions import get_redis

bp = APIBlueprint("health", __name__, tag="系统状态")
CHECKS = "liaison_health_checks"


def add_check(app, name: str, probe) -> None:
    app.extensions.setdefault(CHECKS, {})[name] = probe


@bp.get("/healthz")
@bp.doc(hide=True)
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:  # report, never raise
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        checks["redis"] = {"ok": bool(get_redis().ping())}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    for name, probe in current_app.extensions.get(CHECKS, {}).items():
        checks[name] = probe()
    ok = all(c["ok"] for c in checks.values())
    return {"ok": ok, "checks": checks}, (200 if ok else 503)


@bp.get("/readyz")
@bp.doc(hide=True)
def readyz():
    """For the load balancer: 503 until the database and Redis answer and the migrations
    the code expects have run (`liaison-migrate` / `flask db upgrade`)."""
    checks = {}
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        head = migration_head()
        checks["database"] = {"ok": True}
        checks["migrations"] = {"ok": current == head, "current": current, "expected": head}
    except Exception as exc:
        db.session.rollback()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        checks["migrations"] = {"ok": False}
    try:
        checks["redis"] = {"ok": bool(get_redis().ping())}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    ok = all(c["ok"] for c in checks.values())
    return {"ok": ok, "checks": checks}, (200 if ok else 503)


_HEAD: list[str] = []


def migration_head() -> str:
    """The newest migration in server/migrations (read once per process)."""
    if not _HEAD:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        from .extensions import migrations_dir

        config = Config()
        config.set_main_option("script_location", migrations_dir())
        _HEAD.append(ScriptDirectory.from_config(config).get_current_head())
    return _HEAD[0]
