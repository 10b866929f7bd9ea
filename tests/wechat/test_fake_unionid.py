"""The fake gives unionids only where WeChat does, and marks snapshot-mode visitors.

Sources (the same notes stand beside each rule in liaison/wechat/fake/):
- code2Session: unionid "若当前小程序已绑定到微信开放平台帐号下会返回";
- 通过code换取网页授权access_token: unionid "只有当scope为"snsapi_userinfo"时返回";
  is_snapshotuser "只有当用户是快照页模式虚拟账号时返回,值为1";
- 拉取用户信息 (sns/userinfo): unionid only once the account is bound to the open platform;
- 网页快照页模式 (微信网页授权能力调整公告): in the snapshot the openId and unionId are a
  virtual account's.
"""
from __future__ import annotations

import pytest

from liaison.wechat.fake import start_fake_server

MP, OA = "wxdemominiprogram01", "wxdemoofficial0001"
PERSON = "o-person"


def _bind(fake, appid: str, bound: bool) -> None:
    fake.post("/_fake/open-platform", appid=appid, bound=bound)


def _oauth(fake, wechat, scope: str, **extra) -> dict:
    code = fake.post("/_fake/oauth-code", openid=PERSON, scope=scope, unionid="u-person", **extra)["code"]
    return wechat.oauth_fetch(code, with_userinfo=scope == "snsapi_userinfo")


@pytest.mark.parametrize("bound, expected", [(True, "u-person"), (False, None)])
def test_jscode2session_gives_unionid_only_to_a_bound_mini_program(fake, wechat, bound, expected):
    _bind(fake, MP, bound)
    result = wechat.code2session(fake.login_code(PERSON, unionid="u-person"))
    assert result["openid"] == PERSON
    assert result.get("unionid") == expected


@pytest.mark.parametrize("scope, bound, expected", [
    ("snsapi_base", True, None), ("snsapi_base", False, None),
    ("snsapi_userinfo", True, "u-person"), ("snsapi_userinfo", False, None)])
def test_web_oauth_gives_unionid_only_with_userinfo_scope_on_a_bound_account(fake, wechat, scope, bound,
                                                                               expected):
    _bind(fake, OA, bound)
    code = fake.post("/_fake/oauth-code", openid=PERSON, scope=scope, unionid="u-person")["code"]
    token = wechat.oauth("").fetch_access_token(code)  # the access_token answer alone
    assert token["openid"] == PERSON and token.get("unionid") == expected
    if scope == "snsapi_userinfo":
        assert _oauth(fake, wechat, scope).get("unionid") == expected  # with sns/userinfo


def test_binding_the_mini_program_does_not_bind_the_official_account(fake, wechat):
    _bind(fake, MP, True)
    _bind(fake, OA, False)
    assert fake.get("/_fake/open-platform")["bound"] == [MP]
    assert wechat.code2session(fake.login_code(PERSON, unionid="u-person"))["unionid"] == "u-person"
    assert "unionid" not in _oauth(fake, wechat, "snsapi_userinfo")


def test_an_ordinary_visitor_gets_no_is_snapshotuser_field(fake, wechat):
    assert "is_snapshotuser" not in _oauth(fake, wechat, "snsapi_base")


@pytest.mark.parametrize("scope", ["snsapi_base", "snsapi_userinfo"])
def test_snapshot_mode_visitor_gets_a_virtual_openid_marked_is_snapshotuser(fake, wechat, scope):
    fake.post("/_fake/snapshot", openid=PERSON, on=True)
    result = _oauth(fake, wechat, scope)
    assert result["is_snapshotuser"] == 1
    assert result["openid"] != PERSON and result["openid"].startswith("o-snapshot-")
    assert result.get("unionid") != "u-person"  # a virtual unionid at most
    fake.post("/_fake/snapshot", openid=PERSON, on=False)  # the person taps 「使用完整服务」
    again = _oauth(fake, wechat, scope)
    assert again["openid"] == PERSON and "is_snapshotuser" not in again


def test_snapshot_code_for_one_request_without_switching_the_person(fake, wechat):
    result = _oauth(fake, wechat, "snsapi_userinfo", snapshot=True)
    assert result["is_snapshotuser"] == 1 and result["unionid"] != "u-person"
    assert _oauth(fake, wechat, "snsapi_userinfo")["openid"] == PERSON


def test_consent_page_in_snapshot_mode_redirects_with_a_snapshot_code(fake, wechat):
    fake.post("/_fake/snapshot", openid="oa-demo-master", on=True)
    url = wechat.oauth_authorize_url("http://127.0.0.1:5000/oauth/wechat/callback", state="s")
    confirm = url.split("#", 1)[0].replace("/connect/oauth2/authorize?", "/connect/oauth2/authorize/confirm?")
    res = fake.http.get(confirm + "&openid=oa-demo-master", allow_redirects=False, timeout=5)
    code = res.headers["Location"].split("code=", 1)[1].split("&", 1)[0]
    assert wechat.oauth_fetch(code)["is_snapshotuser"] == 1


def test_user_info_of_the_official_account_gives_unionid_only_when_bound(fake, wechat):
    fake.post("/_fake/users", openid="oa-follower", unionid="u-follower", follows_oa=True)
    client = wechat._oa_client()
    info = lambda: wechat._call(client, lambda params: client.get(  # noqa: E731
        "https://api.weixin.qq.com/cgi-bin/user/info", params={**params, "openid": "oa-follower"}))
    assert info()["unionid"] == "u-follower"
    _bind(fake, OA, False)
    assert "unionid" not in info()


def test_open_platform_binding_refuses_an_unknown_app_and_resets(fake):
    res = fake.http.post(fake.base_url + "/_fake/open-platform", json={"appid": "wx-nobody", "bound": True},
                         timeout=5)
    assert res.status_code == 400
    _bind(fake, OA, False)
    fake.post("/_fake/reset")
    assert fake.get("/_fake/open-platform")["bound"] == sorted([MP, OA])


def test_a_fake_built_unbound_gives_no_unionid_until_bound(redis):
    import requests

    from liaison.wechat.client import WeChat

    base_url, stop, _app = start_fake_server(open_platform=())
    try:
        wechat = WeChat(appid=MP, secret="demo-mp-secret", api_base=base_url, redis=redis)
        code = requests.post(base_url + "/_fake/login-code", json={"openid": PERSON}, timeout=5).json()["code"]
        assert "unionid" not in wechat.code2session(code)
        assert requests.get(base_url + "/_fake/open-platform", timeout=5).json()["bound"] == []
    finally:
        stop()
