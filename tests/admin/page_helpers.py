"""Helpers for the server-rendered pages' tests (admin and H5): the fake WeChat's
OAuth picker driven over HTTP, CSRF tokens read from pages, opinions submitted the way
the mini-program does."""
from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50.2701 NetType/WIFI Language/zh_CN")
XSS_TEXT = "<script>alert(1)</script><img src=x onerror=alert(2)> 小区门口积水严重"


def seed_fake_accounts(fake_base: str) -> None:
    """The demo people on the fake's OAuth picker, with the unionids of users/demo.py."""
    from liaison.users.demo import fake_wechat_setup

    accounts, users = fake_wechat_setup()
    accounts.append({"openid": "oa-newcomer", "nickname": "新来的小王", "label": "受邀的新联络员",
                     "unionid": "u-newcomer", "follows_oa": True})
    accounts.append({"openid": "oa-stranger", "nickname": "路人甲", "label": "没有身份的人",
                     "unionid": "u-stranger", "follows_oa": True})
    requests.post(f"{fake_base}/_fake/accounts", json={"accounts": accounts}, timeout=5).raise_for_status()
    for user in users:
        requests.post(f"{fake_base}/_fake/users", json=user, timeout=5).raise_for_status()


def csrf_of(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, "page without a csrf-token meta tag"
    return match.group(1)


def page_csrf(client, path: str = "/admin/login") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def pick_on_fake(authorize_url: str, openid: str) -> str:
    """What the person does on the fake consent page: pick ``openid``; returns the
    redirect back to us (``redirect_uri?code=&state=``)."""
    parts = urlsplit(authorize_url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    confirm = f"{parts.scheme}://{parts.netloc}/connect/oauth2/authorize/confirm?" + urlencode(
        {**params, "openid": openid})
    r = requests.get(confirm, allow_redirects=False, timeout=5)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def oauth_login(client, openid: str, next_url: str = "/admin/", start: str | None = None):
    """Run the whole official-account OAuth round trip; returns the callback's response.

    A person new to us is asked again with snsapi_userinfo (users/web_login.py): the person
    picks themselves on the consent page once more, as they would confirm on WeChat's."""
    r = client.get(start or f"/oauth/wechat?next={next_url}")
    assert r.status_code == 302, r.get_data(as_text=True)
    back = client.get(local(pick_on_fake(r.headers["Location"], openid)))
    if back.status_code == 302 and urlsplit(back.headers["Location"]).path == "/oauth/wechat":
        again = client.get(local(back.headers["Location"]))
        assert "snsapi_userinfo" in again.headers["Location"]
        back = client.get(local(pick_on_fake(again.headers["Location"], openid)))
    return back


def submit_opinion(client, headers: dict, station_id: int, text: str, **fields) -> dict:
    body = {"station_id": station_id, "category": "housing", "text": text, **fields}
    r = client.post("/api/v1/opinions", json=body,
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["opinion"]


def post_form(client, path: str, data: dict, csrf_from: str | None = None, **kwargs):
    """POST a form the way the page does: with the session's CSRF token."""
    token = page_csrf(client, csrf_from or "/admin/login")
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)
