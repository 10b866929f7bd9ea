"""Fixtures for the resident H5 pages (shares the admin pages' helpers)."""
from __future__ import annotations

import sys
from pathlib import Path

import factories
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import oauth_login, seed_fake_accounts  # noqa: E402


@pytest.fixture
def town(app, demo, fake_wechat):
    """The demo station, its deputy and its codes' tokens."""
    from liaison.codes.models import Code
    from liaison.core.db import db

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        ids = factories.demo_ids(db.session)
        token = lambda kind, column, value: db.session.query(Code).filter(  # noqa: E731
            Code.kind == kind, column == value, Code.status == "active").one().token
        return {"station_id": ids["station_id"], "deputy_id": ids["deputy_id"],
                "station_token": token("station", Code.station_id, ids["station_id"]),
                "deputy_token": token("deputy", Code.deputy_id, ids["deputy_id"])}


@pytest.fixture
def resident(client, town):
    """Log the client in as a demo resident through the H5's OAuth round trip."""

    def _resident(openid: str = "oa-demo-resident", next_url: str = "/h5/opinions"):
        r = oauth_login(client, openid, next_url)
        assert r.status_code == 302, r.get_data(as_text=True)
        return r

    return _resident
