"""The resident's messages on the H5 pages, and the prompt to follow the official account.

A resident who only uses the H5 pages cannot subscribe to mini-program messages; WeChat
reaches them through the official account's template messages, and only while they
follow it. The list shows the same in-app messages as the mini-program's 消息 tab
(``notifications.operations``); whether they follow is asked of WeChat
(``/cgi-bin/user/info``), and the prompt shows when WeChat says they do not.
"""
from __future__ import annotations


from flask import current_app, redirect, render_template, request, url_for

from ..notifications import official_account, operations
from .auth import resident_required
from .blueprint import bp

PER_PAGE = 20


def follows_account(user) -> bool | None:
    """True / False as WeChat says; None when unknown (no openid, WeChat unreachable)."""
    return official_account.follows(user)


def follow_prompt(user) -> dict | None:
    """What the follow prompt needs, or None when it should not show."""
    if follows_account(user) is not False:
        return None
    return {"name": current_app.config["WECHAT_OA_NAME"],
            "qrcode_url": current_app.config["WECHAT_OA_QRCODE_URL"]}


@bp.get("/h5/messages")
@resident_required
def messages(user):
    page = max(1, min(request.args.get("page", 1, type=int), 500))
    listing = operations.list_messages(user, page, PER_PAGE)
    return render_template("h5/messages.html", listing=listing, page=page,
                           has_more=page * PER_PAGE < listing["total"], user=user,
                           follow=follow_prompt(user))


@bp.post("/h5/messages/<int:message_id>/read")
@resident_required
def read_message(user, message_id):
    """Mark one message read (404 for someone else's), then open what it is about."""
    operations.mark_read(user, message_id)
    opinion_id = request.form.get("opinion_id", type=int)
    if opinion_id:
        return redirect(url_for("h5.opinion", opinion_id=opinion_id))
    return redirect(url_for("h5.messages", page=request.form.get("page", 1, type=int)))
