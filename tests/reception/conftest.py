"""Two stations with deputies, codes and a liaison, for the reception API tests."""
from __future__ import annotations

from datetime import datetime, timezone

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
    from liaison.codes.models import Code
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership, Region, Station
    from liaison.users.models import StaffRole, User

    with app.app_context():
        region = Region(name="接待区", level="district", path="/")
        db.session.add(region)
        db.session.flush()
        region.path = f"/{region.id}/"
        s = Station(name="接待区一街道人大代表联络站", region_id=region.id, reception_plan={},
                    latitude=POINT_S[0], longitude=POINT_S[1])
        t = Station(name="接待区二街道人大代表联络站", region_id=region.id, reception_plan={})
        db.session.add_all([s, t])
        db.session.flush()
        deputies = {}
        for name, station, openid in (("王一", s, "deputy-w1"), ("王二", s, "deputy-w2"), ("王三", s, None),
                                      ("李四", t, "deputy-l4")):
            user_id = None
            if openid:
                user = User(mp_openid=openid, nickname=name)
                db.session.add(user)
                db.session.flush()
                user_id = user.id
            d = Deputy(name=name, levels=["county"], user_id=user_id)
            db.session.add(d)
            db.session.flush()
            db.session.add(Membership(deputy_id=d.id, station_id=station.id))
            deputies[name] = d.id
        db.session.add_all([Code(token="stationS", kind="station", station_id=s.id),
                            Code(token="stationT", kind="station", station_id=t.id),
                            Code(token="oldS", kind="station", station_id=s.id, status="rotated"),
                            Code(token="goneS", kind="station", station_id=s.id, status="revoked"),
                            Code(token="deputyW1", kind="deputy", deputy_id=deputies["王一"])])
        liaison = User(mp_openid="liaison-s", nickname="联络员")
        other = User(mp_openid="liaison-t", nickname="别站联络员")
        db.session.add_all([liaison, other])
        db.session.flush()
        db.session.add_all([StaffRole(user_id=liaison.id, role="liaison", station_id=s.id),
                            StaffRole(user_id=other.id, role="liaison", station_id=t.id)])
        db.session.commit()

        class NS:
            pass

        ns = NS()
        ns.s, ns.t, ns.region = s.id, t.id, region.id
        ns.point = POINT_S
        ns.deputies = deputies
        return ns
