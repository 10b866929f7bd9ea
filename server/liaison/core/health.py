"""GET /healthz: database, Redis and WeChat reachability as JSON."""
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
