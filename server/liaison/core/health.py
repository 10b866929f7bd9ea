"""GET /healthz: database, Redis and WeChat reachability as JSON."""
from __future__ import annotations

from apiflask import APIBlueprint
from sqlalchemy import text

from .db import db
from .extensions import get_redis, get_wechat

bp = APIBlueprint("health", __name__)


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
    try:
        checks["wechat"] = {"ok": bool(get_wechat().ping())}
    except Exception as exc:
        checks["wechat"] = {"ok": False, "error": type(exc).__name__}
    ok = all(c["ok"] for c in checks.values())
    return {"ok": ok, "checks": checks}, (200 if ok else 503)
