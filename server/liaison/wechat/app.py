"""The app's WeChat: the facade built from the settings once per app, and its health probe."""
from __future__ import annotations

from flask import current_app

from ..core.extensions import get_redis
from .client import WeChat


def get_wechat():
    """The WeChat facade (wechatpy underneath), created on first use."""
    app = current_app
    client = app.extensions.get("liaison_wechat")
    if client is None:
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


WECHAT_CHECK_TTL = 60  # seconds: probes every few seconds must not spend WeChat's API quota


def wechat_check() -> dict:
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
