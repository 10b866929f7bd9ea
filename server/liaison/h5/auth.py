"""Residents' login for the H5 pages: official-account OAuth inside WeChat, and
outside WeChat a page that says how to open the link in WeChat."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request

from ..core.formatting import in_wechat
from ..users.web_login import start_url
from ..core.pagelogin import page_login, page_user

DEMO_RESIDENTS = (("demo-resident", "居民张阿姨"), ("demo-resident2", "居民李师傅"))


def here() -> str:
    return request.full_path if request.query_string else request.path


def resident_user():
    """The logged-in resident or None; :raise UserBlocked: shown as a page (core.errors)."""
    return page_user()


def open_in_wechat(target: str):
    demo = DEMO_RESIDENTS if current_app.config.get("DEMO_MODE") else ()
    return render_template("h5/open_in_wechat.html", target=target, demo=demo,
                           login_url=start_url(target)), 200


def _to_wechat():
    """No login: WeChat's authorisation inside WeChat, elsewhere the how-to page."""
    target = here() if request.method == "GET" else request.path
    if in_wechat():
        return redirect(start_url(target))
    return open_in_wechat(target)


# Logged in (the view gets the user first), or off to WeChat's authorisation / the how-to page.
resident_required = page_login(_to_wechat, pass_user=True)
