"""Official-account web authorisation (OAuth2) for the admin and the H5 pages (WeChat web login).

``/oauth/wechat?next=&scope=base|userinfo`` sends the browser to WeChat with a fresh
random ``state`` kept in the session; the callback refuses any answer whose state is
not that one (the CSRF guard of the OAuth flow), exchanges the code through
wechatpy's ``WeChatOAuth`` (``get_wechat().oauth_fetch``), applies a pending invitation
and starts the cookie session. A silent (snsapi_base) openid new to us is asked once more with
snsapi_userinfo, whose unionid ties the person to their mini-program user; the user is
resolved by ``users.operations.login_web`` (one person, one user: users/identity.py).
"""
from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from ..core.db import db
from ..core.errors import ApiError
from ..core.pages import safe_next
from ..wechat.app import get_wechat
from ..wechat.errors import WeChatError
from . import operations
from .errors import RoleError
from .operations import wechat_error_to_api
from .web import login_session

bp = Blueprint("wxauth", __name__)
SCOPES = {"base": "snsapi_base", "userinfo": "snsapi_userinfo"}
# A page opened from 朋友圈 may first show WeChat's snapshot (网页快照页模式): the OAuth
# answer then has is_snapshotuser=1 and a virtual openid, not the person's, and nothing
# is done with it. Only the person's tap on 「使用完整服务」 opens the real page.
SNAPSHOT = ("您现在看到的是微信朋友圈的网页快照（快照模式），无法在这里登录。"
            "请点击屏幕下方的「使用完整服务」，在完整页面中再登录。")


def start_url(next_url: str, scope: str = "base") -> str:
    return url_for("wxauth.start", next=next_url, scope=scope)


def _page(message: str, title: str, status: int, retry: str | None = None):
    return render_template("admin/oauth_problem.html", message=message, title=title,
                           retry=retry), status


@bp.get("/oauth/wechat")
def start():
    """Begin the authorisation: remember state, target and scope, go to WeChat."""
    target = safe_next(request.args.get("next"), "/admin/")
    scope = SCOPES.get(request.args.get("scope", "base"), "snsapi_base")
    if session.get("invite"):
        scope = "snsapi_userinfo"  # the inviter wants to see who accepted
    state = secrets.token_urlsafe(24)
    session["oauth_state"] = state
    session["oauth_next"] = target
    session["oauth_scope"] = scope
    redirect_uri = url_for("wxauth.callback", _external=True)
    return redirect(get_wechat().oauth_authorize_url(redirect_uri, scope=scope, state=state))


def _fetch_identity(code: str, scope: str) -> dict:
    try:
        return get_wechat().oauth_fetch(code, with_userinfo=scope == "snsapi_userinfo")
    except WeChatError as exc:
        raise wechat_error_to_api(exc) from exc


@bp.get("/oauth/wechat/callback")
def callback():
    expected = session.pop("oauth_state", None)
    target = session.pop("oauth_next", "/admin/")
    scope = session.pop("oauth_scope", "snsapi_base")
    invite_code = session.pop("invite", None)
    state = request.args.get("state", "")
    if not expected or not hmac.compare_digest(str(expected), state):
        return _page("这个登录请求已失效或不是从本站发起的，请重新登录。", "登录未完成", 400,
                     retry=start_url(target))
    code = request.args.get("code", "")
    if not code:
        return _page("您取消了微信授权，没有登录。", "已取消授权", 200, retry=start_url(target))
    try:
        info = _fetch_identity(code, scope)
        if operations.is_snapshot_visit(info):
            return _page(SNAPSHOT, "请使用完整服务", 200)  # no user row for a virtual account
        if scope == "snsapi_base" and not operations.known_web_user(info["openid"]):
            # New to us: only snsapi_userinfo carries the unionid that may show this person
            # already uses the mini-program (users/identity.py). Asked once per person.
            if invite_code:
                session["invite"] = invite_code
            return redirect(start_url(target, scope="userinfo"))
        user = operations.login_web(info, invite_code)
    except RoleError as exc:
        db.session.rollback()
        return _page(exc.message, "无法接受邀请", 409)
    except ApiError as exc:
        db.session.rollback()
        return _page(exc.message, "登录未完成", exc.status if exc.status < 500 else 503,
                     retry=start_url(target))
    if user.blocked:
        return _page("您的账号已被限制使用：" + (user.blocked_reason or "请联系联络站"), "无法登录", 403)
    login_session(user)
    if invite_code:
        flash("已接受邀请，欢迎使用联络站工作台。", "success")
    current_app.logger.info("web login user=%s via official-account OAuth", user.id)
    return redirect(target)
