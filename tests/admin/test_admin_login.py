"""Staff login through official-account OAuth (wechatpy against the fake WeChat)."""
from __future__ import annotations

from page_helpers import local, oauth_login, pick_on_fake


def test_oauth_login_binds_the_demo_liaison_and_opens_the_queue(client, staff):
    r = staff("liaison", "/admin/queue")
    assert r.headers["Location"].endswith("/admin/queue")
    page = client.get("/admin/queue")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "待办意见" in html and "望月湖街道人大代表联络站" in html


def test_session_cookie_is_httponly_and_samesite(client, staff):
    r = staff("liaison")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test config turns it off for local http


def test_session_cookie_is_secure_by_default(base_config, _schema, places):
    from liaison import create_app

    app = create_app({**base_config, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    r = oauth_login(client, "oa-demo-liaison")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_callback_with_a_forged_state_is_refused(client, places):
    start = client.get("/oauth/wechat?next=/admin/")
    back = pick_on_fake(start.headers["Location"], "oa-demo-liaison")
    forged = local(back).replace("state=", "state=forged")
    r = client.get(forged)
    assert r.status_code == 400
    assert "已失效" in r.get_data(as_text=True)
    assert client.get("/admin/queue").status_code == 302  # still not logged in


def test_callback_that_was_never_started_is_refused(client, phone, places):
    code = phone.oauth_code("oa-demo-liaison")
    r = client.get(f"/oauth/wechat/callback?code={code}&state=anything")
    assert r.status_code == 400
    assert client.get("/admin/queue").status_code == 302


def test_state_is_single_use(client, places):
    start = client.get("/oauth/wechat?next=/admin/")
    back = local(pick_on_fake(start.headers["Location"], "oa-demo-liaison"))
    assert client.get(back).status_code == 302
    client.post("/admin/logout", data={"csrf_token": _token(client)})
    assert client.get(back).status_code == 400  # replaying the same answer does not log in


def test_cancelled_authorisation_explains_and_offers_retry(client, places):
    start = client.get("/oauth/wechat?next=/admin/")
    state = start.headers["Location"].split("state=")[1].split("&")[0].split("#")[0]
    r = client.get(f"/oauth/wechat/callback?state={state}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "取消了微信授权" in html and "重新微信授权" in html


def test_used_oauth_code_gives_a_chinese_error(client, phone, places):
    start = client.get("/oauth/wechat?next=/admin/")
    back = local(pick_on_fake(start.headers["Location"], "oa-demo-liaison"))
    code = back.split("code=")[1].split("&")[0]
    import requests

    from liaison.wechat.fake import state as _  # noqa: F401  (fake is a real server)
    fake = start.headers["Location"].split("/connect/")[0]
    requests.get(f"{fake}/sns/oauth2/access_token", params={
        "appid": "wxdemoofficial0001", "secret": "demo-oa-secret", "code": code,
        "grant_type": "authorization_code"}, timeout=5)  # someone used the code first
    r = client.get(back)
    assert r.status_code == 400
    assert "登录未完成" in r.get_data(as_text=True)


def test_person_without_a_role_sees_how_to_get_one(client, places):
    oauth_login(client, "oa-stranger")
    r = client.get("/admin/queue")
    assert r.status_code == 403
    html = r.get_data(as_text=True)
    assert "还没有开通工作台" in html and "邀请码" in html


def test_login_page_outside_wechat_offers_the_authorisation(client, places):
    html = client.get("/admin/login?next=/admin/queue").get_data(as_text=True)
    assert "微信授权登录" in html and "/oauth/wechat?next=/admin/queue" in html
    assert "/auth/demo-login" not in html  # not in the demo configuration


def test_login_page_inside_wechat_goes_straight_to_authorisation(client, places):
    r = client.get("/admin/login", headers={"User-Agent": "Mozilla/5.0 MicroMessenger/8.0.50"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/oauth/wechat")


def test_demo_login_links_only_in_demo_mode(base_config, _schema, places):
    from liaison import create_app

    app = create_app({**base_config, "DEMO_MODE": True})
    client = app.test_client()
    html = client.get("/admin/login").get_data(as_text=True)
    assert "/auth/demo-login?openid=demo-liaison" in html
    assert client.get("/auth/demo-login?openid=demo-liaison&next=/admin/queue").status_code == 302
    assert client.get("/admin/queue").status_code == 200


def test_next_cannot_leave_the_site(client, places):
    r = oauth_login(client, "oa-demo-liaison", next_url="https://evil.example.com/")
    assert r.headers["Location"] == "/admin/"


def _token(client):
    from page_helpers import page_csrf

    return page_csrf(client, "/admin/me")
