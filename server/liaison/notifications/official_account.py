"""Whether WeChat can reach a person through the official account.

Template messages (deputies' 点将, progress and the day-before duty reminder; H5-only
residents' messages) reach a person only while they follow the account, and only once we
know their official-account openid (from a web login in the account: the admin or H5
pages, or a merge by unionid). ``status`` says which of these is missing, so the page can
tell the person what to do (the mini-program's duty page, the H5 message list).
"""
from __future__ import annotations

import logging

from flask import current_app

from ..wechat.app import get_wechat
from ..wechat.errors import WeChatError

log = logging.getLogger(__name__)


def follows(user) -> bool | None:
    """True / False as WeChat says (``/cgi-bin/user/info``); None when unknown (no
    official-account openid, WeChat unreachable)."""
    if user is None or not user.oa_openid:
        return None
    try:
        return get_wechat().follows(user.oa_openid)
    except WeChatError as exc:
        log.info("notifications: cannot tell whether %s follows the account: %s", user.id, exc)
        return None


def status(user) -> dict:
    """``linked``: we know the person's official-account openid; ``follows``: WeChat's
    answer (None when not linked or WeChat did not answer); the account's name and QR code."""
    linked = bool(user is not None and user.oa_openid)
    return {"linked": linked, "follows": follows(user) if linked else None,
            "name": current_app.config["WECHAT_OA_NAME"],
            "qrcode_url": current_app.config["WECHAT_OA_QRCODE_URL"] or None}
