"""Use cases for users: WeChat login (mini-program and official account), and ending
logins server-side: logout, blocking an account, removing a staff role.

Every place that logs out, blocks or removes a role goes through ``revoke_sessions``
(why two versions, and why on the user row: core/auth.py).
"""
from __future__ import annotations

from cryptography.fernet import Fernet
import base64
import hashlib
import logging

from flask import current_app

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..core.transaction import retry_on_race
from .models import ROLE_LABELS, User

log = logging.getLogger(__name__)

LOGIN_CONFLICT = "登录时遇到冲突，请稍后重试"  # two concurrent first logins collided twice


def _fernet() -> Fernet:
    key = hashlib.sha256(("session-key:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_session_key(session_key: str) -> str:
    return _fernet().encrypt(session_key.encode()).decode()


def wechat_error_to_api(exc) -> ApiError:
    """Turn a WeChat error into a clear 4xx/503 for the client."""
    from ..wechat import errors as wx

    if isinstance(exc, wx.CodeUsed):
        return ApiError(400, "wechat_code_used", "登录码已使用，请重新进入小程序再试")
    if isinstance(exc, wx.CodeInvalid):
        return ApiError(400, "wechat_code_invalid", "登录码无效或已过期，请重新登录")
    if isinstance(exc, wx.RiskyUser):  # 40226: WeChat's own judgement; retrying will not help
        return ApiError(403, "wechat_user_risky",
                        "微信判定该账号存在风险，暂时无法登录，请稍后再试或前往联络站现场反映")
    if isinstance(exc, wx.QuotaLimited):
        return ApiError(429, "wechat_rate_limited", "登录太频繁，请稍后再试")
    if isinstance(exc, wx.Unavailable):
        return ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试")
    return ApiError(502, "wechat_error", "微信登录失败，请稍后再试")


def login_miniprogram(code: str, wechat) -> User:
    """Exchange a wx.login code (code2session) and return the user; commits once.

    The user is the one person behind the mini-program openid (and the unionid, when
    WeChat gives one): ``users.identity.resolve_login``.
    """
    from ..wechat.errors import WeChatError
    from .identity import resolve_login

    try:
        result = wechat.code2session(code)
    except WeChatError as exc:
        raise wechat_error_to_api(exc)
    openid = result["openid"]

    def write() -> User:
        user = resolve_login(mp_openid=openid, unionid=result.get("unionid"))
        user.mp_active_at = clock.now()  # the visit WeChat's content security counts (2 hours)
        if result.get("session_key"):
            user.session_key_enc = encrypt_session_key(result["session_key"])
        db.session.flush()
        return user

    return retry_on_race(write, LOGIN_CONFLICT, "login_conflict")


def is_snapshot_visit(info: dict) -> bool:
    """Whether a web OAuth answer is WeChat's 朋友圈 snapshot mode (a virtual account)."""
    return str(info.get("is_snapshotuser") or "0") == "1"


def known_web_user(oa_openid: str) -> bool:
    """Whether this official-account openid already belongs to a user."""
    return db.session.query(User.id).filter_by(oa_openid=oa_openid).first() is not None


def login_web(info: dict, invite_code: str | None = None) -> User:
    """The user behind a web OAuth answer ({"openid", "unionid"?, "nickname"?, ...}),
    with the pending invitation applied; commits once.

    :raise ApiError: 409 when the openid and unionid point at users that cannot be one.
    :raise RoleError: the invitation is refused (nothing is written).
    """
    from . import roles
    from .identity import resolve_login

    if is_snapshot_visit(info):
        raise ValueError("a snapshot-mode visitor is a virtual account, not a person")

    def write() -> User:
        user = resolve_login(oa_openid=info["openid"], unionid=info.get("unionid"))
        nickname = (info.get("nickname") or "").strip()
        if nickname and user.nickname in (None, "", "微信用户"):
            user.nickname = nickname[:64]
        if info.get("headimgurl") and not user.avatar_url:
            user.avatar_url = info["headimgurl"][:255]
        db.session.flush()
        if invite_code:
            roles.accept_invitation(invite_code, user, commit=False)
        db.session.flush()
        return user

    return retry_on_race(write, LOGIN_CONFLICT, "login_conflict")


def user_json(user: User, deputy_id: int | None) -> dict:
    return {
        "id": user.id,
        "nickname": user.nickname,
        "avatar_url": user.avatar_url,
        "deputy_id": deputy_id,
        "roles": [
            {"role": r.role, "role_label": ROLE_LABELS.get(r.role, r.role),
             "station_id": r.station_id, "region_id": r.region_id, "unit_id": r.unit_id}
            for r in user.roles
        ],
    }


def revoke_sessions(user: User, *, miniprogram: bool = True) -> None:
    """End ``user``'s logins on the server; the caller commits.

    Every browser session (admin, H5 and report pages) ends, and with ``miniprogram``
    every mini-program token too. Logout passes ``miniprogram=False``: leaving the admin
    pages must not log the phone's mini-program out. A block or a role removal ends
    both, so that lifting a block later does not bring the old logins back.
    The increments run in SQL, so two revocations at once cannot cancel each other.
    """
    user.session_version = User.session_version + 1
    if miniprogram:
        user.token_version = User.token_version + 1
    db.session.flush()


def log_out(user: User) -> None:
    """The browser's logout: every browser session of ``user`` ends; commits once."""
    revoke_sessions(user, miniprogram=False)
    db.session.flush()


def sign_out_everywhere(user_id: int) -> User:
    """End every login of a user (e.g. a lost phone), pages and mini-program; commits once.

    :raise ApiError: 404 unknown user.
    """
    user = _user(user_id)
    revoke_sessions(user)
    db.session.flush()
    log.info("user %s signed out everywhere", user.id)
    return user


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError(404, "user_not_found", "没有这个用户")
    return user


def block_user(user_id: int, reason: str) -> User:
    """Restrict an account everywhere and end all its logins; commits once.

    :raise ApiError: 404 unknown user, 422 without a reason (a block always says why).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApiError(422, "validation_error", "请填写限制使用的原因")
    user = _user(user_id)
    user.blocked, user.blocked_reason = True, reason[:255]
    revoke_sessions(user)
    db.session.flush()
    log.info("user %s blocked: %s", user.id, reason)
    return user


def unblock_user(user_id: int) -> User:
    """Lift a block; the person logs in again (old logins stay ended); commits once."""
    user = _user(user_id)
    user.blocked, user.blocked_reason = False, ""
    db.session.flush()
    log.info("user %s unblocked", user.id)
    return user
