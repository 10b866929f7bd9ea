"""GET /healthz: database, Redis and WeChat reachability as JSON; GET /readyz: whether this
process may take traffic (database, Redis, and the schema at the code's migration head)."""
from __future__ import annotations

from apiflask import APIBlueprint
from sqlalchemy import text

from .db import db
from .extensions import get_redis, get_wechat

bp = APIBlueprint("health", __name__, tag="系统状态")


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
    checks["wechat"] = _wechat_check()
    ok = all(c["ok"] for c in checks.values())
    return {"ok": ok, "checks": checks}, (200 if ok else 503)


WECHAT_CHECK_TTL = 60  # seconds: probes every few seconds must not spend WeChat's API quota


def _wechat_check() -> dict:
    """WeChat reachability, remembered in Redis for a minute (shared by every process)."""
    key = "liaison:health:wechat"
    try:
        cached = get_redis().get(key)
    except Exception:
        cached = None
    if cached is not None:
        return {"ok": cached == b"1", "cached": True}
    try:
        ok = bool(get_wechat().ping())
        result = {"ok": ok}
    except Exception as exc:
        ok, result = False, {"ok": False, "error": type(exc).__name__}
    try:
        get_redis().set(key, b"1" if ok else b"0", ex=WECHAT_CHECK_TTL if ok else 10)
    except Exception:
        pass
    return result


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
