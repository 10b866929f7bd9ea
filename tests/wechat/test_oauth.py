"""Official-account web OAuth through wechatpy's WeChatOAuth and the fake's consent page."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from liaison.wechat import errors

CALLBACK = "http://127.0.0.1:5000/admin/oauth/callback?next=%2Fadmin"


def pick(authorize_url: str, nickname: str) -> dict:
    """Be the browser: open the consent page, tap the person, read where it redirects."""
    browser = requests.Session()
    browser.trust_env = False
    page = browser.get(authorize_url.split("#", 1)[0], timeout=5)
    assert page.status_code == 200 and "模拟微信授权：请选择拿着手机的人" in page.text
    links = dict((html.unescape(m[1]).strip(), html.unescape(m[0]))
                 for m in re.findall(r'<a class="acc" href="([^"]+)">([^<]+)<', page.text))
    res = browser.get(urljoin(page.url, links[nickname]), allow_redirects=False, timeout=5)
    assert res.status_code == 302
    target = urlsplit(res.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == CALLBACK.split("?")[0]
    return {k: v[0] for k, v in parse_qs(target.query).items()}


def test_authorize_url_points_the_browser_at_the_fake(fake, wechat):
    url = wechat.oauth_authorize_url(CALLBACK, state="s-123")
    assert url.startswith(fake.base_url + "/connect/oauth2/authorize?appid=wxdemoofficial0001")
    assert url.endswith("&state=s-123#wechat_redirect")


def test_snsapi_base_round_trip_gives_openid_but_never_unionid(fake, wechat):
    query = pick(wechat.oauth_authorize_url(CALLBACK, state="s-123"), "王站长")
    assert query["state"] == "s-123" and query["next"] == "/admin"
    result = wechat.oauth_fetch(query["code"])
    assert result["openid"] == "oa-demo-master"
    assert "unionid" not in result  # WeChat gives it only with snsapi_userinfo
    assert result["scope"] == "snsapi_base"
    with pytest.raises(errors.CodeUsed):
        wechat.oauth_fetch(query["code"])


def test_snsapi_userinfo_adds_nickname(fake, wechat):
    query = pick(wechat.oauth_authorize_url(CALLBACK, scope="snsapi_userinfo", state="s"), "陈代表")
    result = wechat.oauth_fetch(query["code"], with_userinfo=True)
    assert result["openid"] == "oa-demo-deputy" and result["nickname"] == "陈代表"


def test_userinfo_needs_userinfo_scope(fake, wechat):
    code = fake.post("/_fake/oauth-code", openid="oa-demo-liaison")["code"]
    with pytest.raises(errors.WeChatError) as caught:
        wechat.oauth_fetch(code, with_userinfo=True)
    assert caught.value.errcode == 48001


def test_wechatpy_oauth_object_uses_the_fake(fake, wechat):
    oauth = wechat.oauth(CALLBACK, scope="snsapi_userinfo", state="x")
    code = fake.post("/_fake/oauth-code", openid="oa-demo-office", scope="snsapi_userinfo")["code"]
    oauth.fetch_access_token(code)
    assert oauth.get_user_info()["nickname"] == "赵主任"
    assert oauth.check_access_token() is True
    assert oauth.refresh_access_token(oauth.refresh_token)["openid"] == "oa-demo-office"


def test_unknown_and_expired_oauth_codes(fake, wechat):
    with pytest.raises(errors.CodeInvalid):
        wechat.oauth_fetch("nope")
    code = fake.post("/_fake/oauth-code", openid="oa-demo-master")["code"]
    fake.advance(301)
    with pytest.raises(errors.CodeInvalid):
        wechat.oauth_fetch(code)


def test_accounts_on_the_page_are_configurable(fake, wechat):
    fake.post("/_fake/accounts", accounts=[{"openid": "oa-x", "nickname": "孙科长", "label": "承办单位"}])
    query = pick(wechat.oauth_authorize_url(CALLBACK, state="s"), "孙科长")
    assert wechat.oauth_fetch(query["code"])["openid"] == "oa-x"


def test_consent_page_rejects_a_mini_program_appid(fake):
    res = fake.http.get(fake.base_url + "/connect/oauth2/authorize", params={
        "appid": "wxdemominiprogram01", "redirect_uri": CALLBACK, "response_type": "code",
        "scope": "snsapi_base"}, timeout=5)
    assert res.status_code == 400 and "appid" in res.text
