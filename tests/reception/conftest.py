"""Two stations with deputies, codes and a liaison, for the reception API tests."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import factories
import pytest

from liaison.core.clock import CHINA

POINT_S = (28.1955, 112.9430)  # station S's point (GCJ-02); station T has none


def local(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=CHINA).astimezone(timezone.utc)


@pytest.fixture
def planning_2027():
    """The clock late on 2026-12-31: tests that plan the year 2027 and book its days
    (whose weekdays and counts they check) run before its first reception day."""
    from liaison.core import clock

    clock.anchor("2026-12-31T23:30+08:00")


@pytest.fixture
def stations(app):
    from liaison.core.db import db
    from liaison.places.models import Deputy

    S = db.session
    with app.app_context():
        region = factories.region(S, "接待区")
        s = factories.station(S, region, "接待区一街道人大代表联络站", reception_plan={},
                              latitude=POINT_S[0], longitude=POINT_S[1])
        t = factories.station(S, region, "接待区二街道人大代表联络站", reception_plan={})
        deputies = {}
        for name, station, openid in (("王一", s, "deputy-w1"), ("王二", s, "deputy-w2"), ("王三", s, None),
                                      ("李四", t, "deputy-l4")):
            person = factories.user(S, openid, name) if openid else None
            deputies[name] = factories.deputy(S, name, station, user=person).id
        factories.code(S, "stationS", station=s)
        factories.code(S, "stationT", station=t)
        factories.code(S, "oldS", station=s, status="rotated")
        factories.code(S, "goneS", station=s, status="revoked")
        factories.code(S, "deputyW1", deputy=db.session.get(Deputy, deputies["王一"]))
        factories.staff(S, factories.user(S, "liaison-s", "联络员"), "liaison", station_id=s.id)
        factories.staff(S, factories.user(S, "liaison-t", "别站联络员"), "liaison", station_id=t.id)
        db.session.commit()
        return SimpleNamespace(s=s.id, t=t.id, region=region.id, point=POINT_S, deputies=deputies)
