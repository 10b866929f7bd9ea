"""Fixtures for the admin pages: demo data, the fake WeChat picker, logged-in staff."""
from __future__ import annotations

import factories
import pytest
from page_helpers import oauth_login, seed_fake_accounts, submit_opinion


@pytest.fixture
def places(app, demo, fake_wechat):
    """Ids of the demo station, its district, its deputy and the handling units."""
    from liaison.core.db import db

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        return factories.demo_ids(db.session)


@pytest.fixture
def staff(client, places):
    """Log the test client in as a demo person through the OAuth pages (oa-demo-...)."""

    def _staff(name: str = "liaison", next_url: str = "/admin/"):
        r = oauth_login(client, f"oa-demo-{name}", next_url)
        assert r.status_code == 302, r.get_data(as_text=True)
        return r

    return _staff


@pytest.fixture
def opinion(app, phone, places):
    """Submit an opinion as a resident through the mini-program API (its own client,
    without the staff's cookies); returns the opinion's JSON."""
    phone_client = app.test_client()
    tokens = {}

    def _opinion(text: str = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。",
                 resident: str = "demo-resident", **fields):
        if resident not in tokens:
            r = phone_client.post("/api/v1/auth/wechat", json={"code": phone.login_code(resident)})
            tokens[resident] = {"Authorization": f"Bearer {r.get_json()['token']}"}
        fields.setdefault("station_id", places["station_id"])
        return submit_opinion(phone_client, tokens[resident], text=text, **fields)

    return _opinion
