"""The WeChat-only session: WeChat's hosts go to the fake, every other host is refused."""
from __future__ import annotations

import pytest
from wechatpy import WeChatClient

from liaison.wechat.errors import RefusedHost
from liaison.wechat.fake import start_fake_server
from liaison.wechat.transport import WeChatOnlyAdapter, make_session


@pytest.fixture
def bystander():
    """A second fake standing in for "some other host": it records whatever reaches it."""
    base_url, stop, app = start_fake_server()
    yield base_url, app.extensions["fake_wechat"]
    stop()


def test_wechat_hosts_are_rewritten_to_the_fake(fake):
    session = make_session(fake.base_url)
    res = session.post("https://api.weixin.qq.com/cgi-bin/stable_token",
                       json={"grant_type": "client_credential", "appid": "wxdemominiprogram01",
                             "secret": "demo-mp-secret"})
    assert res.json()["expires_in"] == 7200
    page = session.get("https://open.weixin.qq.com/connect/oauth2/authorize", params={
        "appid": "wxdemoofficial0001", "redirect_uri": "http://127.0.0.1:5000/cb",
        "response_type": "code", "scope": "snsapi_base"})
    assert "模拟微信授权" in page.text
    assert [c["path"] for c in fake.calls()] == ["/cgi-bin/stable_token", "/connect/oauth2/authorize"]


def test_session_refuses_any_other_host_before_connecting(fake, bystander):
    other_base, other_state = bystander
    session = make_session(fake.base_url)
    with pytest.raises(RefusedHost):
        session.get(other_base + "/cgi-bin/get_api_domain_ip")
    for url in ("https://example.com/", "http://api.weixin.qq.com/cgi-bin/token",
                "https://api.weixin.qq.com.evil.example/cgi-bin/token"):
        with pytest.raises(RefusedHost):
            session.get(url)
    assert other_state.calls == [] and fake.calls() == []


def test_unmodified_wechatpy_client_reaches_only_the_fake(fake):
    client = WeChatClient("wxdemominiprogram01", "demo-mp-secret", auto_retry=False)
    client._http = make_session(fake.base_url)
    client.fetch_access_token()  # wechatpy's own hard-coded https://api.weixin.qq.com/cgi-bin/token
    assert client.get("get_api_domain_ip")["ip_list"]
    assert [c["path"] for c in fake.calls()] == ["/cgi-bin/token", "/cgi-bin/get_api_domain_ip"]


def test_real_base_passes_wechat_through_and_still_refuses_others():
    adapter = WeChatOnlyAdapter("https://api.weixin.qq.com")
    url = "https://api.weixin.qq.com/cgi-bin/token?appid=x"
    assert adapter.rewrite(url) == url
    assert adapter.rewrite("https://open.weixin.qq.com/connect/x") == "https://open.weixin.qq.com/connect/x"
    with pytest.raises(RefusedHost):
        adapter.rewrite("http://127.0.0.1:5001/cgi-bin/token")


def test_base_with_path_prefix_keeps_query():
    adapter = WeChatOnlyAdapter("http://127.0.0.1:5001/wx/")
    assert adapter.rewrite("https://api.weixin.qq.com/sns/jscode2session?a=1&b=2") == \
        "http://127.0.0.1:5001/wx/sns/jscode2session?a=1&b=2"


def test_plain_token_endpoint_knocks_out_the_previous_token_after_grace(fake):
    """Why the facade uses stable_token: two processes calling /cgi-bin/token collide."""
    first = WeChatClient("wxdemominiprogram01", "demo-mp-secret", auto_retry=False)
    second = WeChatClient("wxdemominiprogram01", "demo-mp-secret", auto_retry=False)
    first._http = make_session(fake.base_url)
    second._http = make_session(fake.base_url)
    first.fetch_access_token()
    second.fetch_access_token()
    assert first.get("get_api_domain_ip")["ip_list"]  # still inside the grace period
    fake.advance(21)
    with pytest.raises(Exception) as caught:
        first.get("get_api_domain_ip")
    assert caught.value.errcode == 40001
    assert second.get("get_api_domain_ip")["ip_list"]
