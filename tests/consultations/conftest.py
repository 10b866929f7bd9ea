"""A district with two stations, a station in another district, their NPC offices, two
deputies and two residents, for the consultation tests."""
from __future__ import annotations

from types import SimpleNamespace

import factories
import pytest


@pytest.fixture
def world(app):
    from liaison.core.db import db

    S = db.session
    with app.app_context():
        city = factories.region(S, "征集市", "city")
        district = factories.region(S, "征集区", parent=city)
        street = factories.region(S, "一街道", "street", parent=district)
        other = factories.region(S, "别区", parent=city)
        s = factories.station(S, street, "一街道人大代表联络站")
        t = factories.station(S, district, "征集区中心联络站")
        x = factories.station(S, other, "别区人大代表联络站")
        deputy_user = factories.user(S, "deputy-w", "王代表微信")
        wang = factories.deputy(S, "王代表", s, user=deputy_user)
        deputy_user.oa_openid = "oa-deputy-w"
        li = factories.deputy(S, "李代表", x, user=factories.user(S, "deputy-x", "李代表微信", oa_openid="oa-deputy-x"))
        factories.staff(S, factories.user(S, "office-d", "征集区人大工委"), "office", region_id=district.id)
        factories.staff(S, factories.user(S, "office-o", "别区人大工委"), "office", region_id=other.id)
        factories.staff(S, factories.user(S, "liaison-s", "联络员"), "liaison", station_id=s.id)
        for openid in ("res-a", "res-b"):
            factories.user(S, openid, openid)
        db.session.commit()
        return SimpleNamespace(city=city.id, district=district.id, street=street.id, other=other.id,
                               s=s.id, t=t.id, x=x.id, wang=wang.id, li=li.id)


@pytest.fixture
def as_(login):
    """Headers of a logged-in person by openid, logged in once per test."""
    cache = {}

    def _as(openid):
        if openid not in cache:
            cache[openid] = login(openid)
        return cache[openid]

    return _as
