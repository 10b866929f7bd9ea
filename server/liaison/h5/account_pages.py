"""The resident's account on the H5 pages: who is logged in, and 「关联小程序账号」.

A resident who uses both these pages (official-account login) and the mini-program is
two users unless WeChat gives a unionid; a link code shown here and typed into the
mini-program makes them one (users/linking.py).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ..core.errors import ApiError
from ..users import linking
from .auth import resident_required
from .blueprint import bp


@bp.get("/h5/account")
@resident_required
def account(user):
    return render_template("h5/account.html", user=user, link=linking.live_code(user))


@bp.post("/h5/account/link-code")
@resident_required
def account_link_code(user):
    try:
        linking.issue_code(user)
    except ApiError as exc:
        flash(exc.message, "error")
    return redirect(url_for("h5.account", _anchor="link"))
