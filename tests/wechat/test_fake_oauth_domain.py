"""The official account's 网页授权域名 in the fake WeChat: saved only once the domain serves
its MP_verify file, and no web-authorisation redirect outside it (WeChat's 10003 page).

Sources (the same notes stand in liaison/wechat/fake/oauth_domain.py): 网页授权, 关于网页授权
回调域名的说明 ("授权回调域名配置规范为全域名"; www.qq.com allows http://www.qq.com/login.html, not
http://pay.qq.com or http://qq.com); WeChat 开放社区: only the scheme's default port.
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from liaison.wechat.fake import create_fake_app, start_fake_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import oauth_login, seed_fake_accounts  # noqa: E402

OA_APPID = "wxdemoofficial0001"
PUBLIC_HOST = "liaison.example.gov.cn"  # the host of the suite's PUBLIC_BASE_URL
FORWARDED = {"HTTP_X_FORWARDED_HOST": PUBLIC_HOST, "HTTP_X_FORWARDED_PROTO": "https"}


def authorize_params(redirect_uri: str, appid: str = OA_APPID) -> dict:
    return {"appid": appid, "redirect_uri": redirect_uri, "response_type": "code",
            "scope": "snsapi_base", "state": "s-1"}


def set_domain(fake_base: str, **body) -> requests.Response:
    return requests.post(f"{fake_base}/_fake/oauth-domain", json=body, timeout=10)


def domains(fake_base: str) -> list[str]:
    return requests.get(f"{fake_base}/_fake/oauth-domain", timeout=5).json()["domains"]


@pytest.fixture
def console(fake_wechat, live_server, verify_files):
    """The fake fetches MP_verify files from the live backend (whatever host the domain
    names); returns the console's file for the demo official account."""
    requests.post(f"{fake_wechat}/_fake/config", json={"verify_base": live_server}, timeout=5)
    return requests.get(f"{fake_wechat}/_fake/oauth-verify-file", timeout=5).json()


@pytest.fixture
def gov_fake():
    """A fake whose official account has the 网页授权域名 PUBLIC_HOST (given at start)."""
    base_url, stop, app = start_fake_server(oauth_domains=PUBLIC_HOST)
    yield base_url, app.extensions["fake_wechat"]
    stop()


def test_domain_is_refused_until_the_backend_serves_the_mp_verify_file(fake_wechat, console, verify_files,
                                                                       live_server, live_port):
    assert console["file_name"].startswith("MP_verify_") and console["file_name"].endswith(".txt")
    refused = set_domain(fake_wechat, domain=PUBLIC_HOST)
    assert refused.status_code == 400
    assert "not served" in refused.json()["error"]
    assert refused.json()["checked_url"] == f"{live_server}/{console['file_name']}"
    assert domains(fake_wechat) == ["localhost", f"127.0.0.1:{live_port}"]  # the start-time domains are kept

    (verify_files / console["file_name"]).write_text(console["file_content"])
    saved = set_domain(fake_wechat, domain=PUBLIC_HOST.upper())
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"appid": OA_APPID, "domains": [PUBLIC_HOST]}


def test_a_verification_file_with_other_content_is_refused(fake_wechat, console, verify_files, live_port):
    (verify_files / console["file_name"]).write_text(console["file_content"] + "x")
    refused = set_domain(fake_wechat, domains=[PUBLIC_HOST])
    assert refused.status_code == 400 and "wrong content" in refused.json()["error"]
    assert domains(fake_wechat) == ["localhost", f"127.0.0.1:{live_port}"]


@pytest.mark.parametrize("given", [f"https://{PUBLIC_HOST}", f"{PUBLIC_HOST}/admin", "", None,
                                   ["a.example.gov.cn", "b.example.gov.cn", "c.example.gov.cn"]])
def test_console_refuses_a_url_a_path_an_empty_value_or_a_third_domain(fake_wechat, live_port, given):
    body = {"domains": given} if isinstance(given, list) else {"domain": given}
    refused = set_domain(fake_wechat, **body)
    assert refused.status_code == 400 and refused.json()["error"]
    assert domains(fake_wechat) == ["localhost", f"127.0.0.1:{live_port}"]
    with pytest.raises(ValueError):
        create_fake_app(oauth_domains=given or "http://")


@pytest.mark.parametrize("redirect_uri", [
    f"https://{PUBLIC_HOST}/oauth/wechat/callback",
    f"http://{PUBLIC_HOST}/oauth/wechat/callback?next=%2Fadmin%2F",
    f"https://{PUBLIC_HOST.upper()}:443/oauth/wechat/callback",
])
def test_consent_page_opens_for_a_redirect_inside_the_domain(gov_fake, redirect_uri):
    base, _state = gov_fake
    page = requests.get(f"{base}/connect/oauth2/authorize", params=authorize_params(redirect_uri), timeout=5)
    assert page.status_code == 200 and "模拟微信授权" in page.text


@pytest.mark.parametrize("redirect_uri", [
    "https://pay.example.gov.cn/oauth/wechat/callback",  # another host of the same parent domain
    "https://example.gov.cn/oauth/wechat/callback",  # the parent domain itself
    f"https://{PUBLIC_HOST}:8443/oauth/wechat/callback",  # a custom port
    f"https://{PUBLIC_HOST}.evil.example/oauth/wechat/callback",
    "http://127.0.0.1:5000/oauth/wechat/callback",  # the backend's own address behind nginx
])
def test_redirect_to_another_host_gets_wechats_10003_page_and_no_code(gov_fake, redirect_uri):
    base, state = gov_fake
    params = authorize_params(redirect_uri)
    page = requests.get(f"{base}/connect/oauth2/authorize", params=params, timeout=5)
    assert page.status_code == 400
    assert "redirect_uri域名与后台配置不一致" in page.text and "10003" in page.text
    assert PUBLIC_HOST in page.text  # the developer's line names the configured domain
    confirm = requests.get(f"{base}/connect/oauth2/authorize/confirm?" + urlencode(
        {**params, "openid": "oa-demo-liaison"}), allow_redirects=False, timeout=5)
    assert confirm.status_code == 400 and "10003" in confirm.text
    assert state.oauth_codes == {}


def test_a_fake_without_a_domain_refuses_every_redirect():
    base, stop, _app = start_fake_server()
    try:
        page = requests.get(f"{base}/connect/oauth2/authorize",
                            params=authorize_params("http://127.0.0.1:5000/cb"), timeout=5)
    finally:
        stop()
    assert page.status_code == 400 and "10003" in page.text and "未设置" in page.text


@pytest.fixture
def on_public_domain(make_app, app, fake_wechat, console, verify_files, live_server):
    """The backend behind one trusted nginx (TRUSTED_PROXIES=1) with the demo data, and the
    fake's 网页授权域名 set to PUBLIC_HOST through the console's check (the file served by
    the backend), as in production."""
    from liaison.core.db import db
    from liaison.users.demo import load_demo

    proxied = make_app(TRUSTED_PROXIES=1)  # resets the fake: the domain is set after
    with proxied.app_context():
        load_demo()
    seed_fake_accounts(fake_wechat)
    requests.post(f"{fake_wechat}/_fake/config", json={"verify_base": live_server}, timeout=5)
    (verify_files / console["file_name"]).write_text(console["file_content"])
    assert set_domain(fake_wechat, domain=PUBLIC_HOST).status_code == 200
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_admin_login_works_end_to_end_behind_nginx_with_the_domain_configured(on_public_domain):
    client = on_public_domain.test_client()
    client.environ_base.update(FORWARDED)  # what nginx adds to every request
    start = client.get("/oauth/wechat?next=/admin/queue")
    sent = parse_qs(urlsplit(start.headers["Location"]).query)["redirect_uri"]
    assert sent == [f"https://{PUBLIC_HOST}/oauth/wechat/callback"]  # the domain's host, not localhost
    r = oauth_login(client, "oa-demo-liaison", "/admin/queue")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/queue")
    page = client.get("/admin/queue")
    assert page.status_code == 200 and "待办意见" in page.get_data(as_text=True)


def test_a_backend_that_does_not_trust_nginx_sends_wechat_its_own_host_and_is_refused(on_public_domain, app,
                                                                                       fake_wechat):
    client = app.test_client()  # the same site, TRUSTED_PROXIES=0: the forwarded host is ignored
    client.environ_base.update(FORWARDED)
    start = client.get("/oauth/wechat?next=/admin/")
    page = requests.get(start.headers["Location"].split("#", 1)[0], timeout=5)
    assert page.status_code == 400 and "10003" in page.text and "localhost" in page.text


def test_scripts_run_gives_the_fake_the_public_host_and_the_loopback_web_server():
    from liaison.devserver import oauth_domains

    assert oauth_domains({"PORT": "5100"}, 5100) == ["127.0.0.1:5100"]
    assert oauth_domains({"PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}", "PORT": "5000"}, 5000) == [
        PUBLIC_HOST, "127.0.0.1:5000"]
