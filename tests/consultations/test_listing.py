"""The consultation lists filter state and station in the query: every matching
consultation is listed (no cap), in the order newest closing first."""
from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def listed(app, world):
    """Consultations of 征集区 in every state, aimed at stations and regions in turn."""
    from liaison.consultations.models import Consultation
    from liaison.core import clock
    from liaison.core.db import db

    today = clock.today()
    with app.app_context():
        def add(title, opens, closes, stations=(), regions=(), closed=False, region=world.district):
            c = Consultation(region_id=region, title=title, opens_on=today + timedelta(days=opens),
                             closes_on=today + timedelta(days=closes), station_ids=list(stations),
                             target_region_ids=list(regions), closed_at=clock.now() if closed else None)
            db.session.add(c)
            db.session.flush()
            return c.id

        ids = {"to_s": add("发往一街道站", -5, 10, stations=[world.s]),
               "to_street": add("发往一街道", -3, 9, regions=[world.street]),
               "to_district": add("发往征集区", 0, 8, regions=[world.district]),
               "to_t": add("发往中心站", -2, 7, stations=[world.t]),
               "today_last": add("今天截止", -10, 0, stations=[world.s]),
               "early_close": add("提前结束", -4, 6, stations=[world.s], closed=True),
               "ended": add("已过截止日", -20, -1, regions=[world.city]),
               "not_yet": add("还没开始", 1, 20, stations=[world.s]),
               "elsewhere": add("别区的", -1, 5, stations=[world.x], region=world.other)}
        ids["many"] = [add(f"批量{n}", -1, 30, stations=[world.t]) for n in range(505)]
        db.session.commit()
    return ids


def _ids(client, query):
    r = client.get(f"/api/v1/consultations?{query}")
    assert r.status_code == 200
    return [c["id"] for c in r.get_json()["items"]]


def test_open_list_reads_state_from_the_dates_in_the_query(client, world, listed):
    open_ids = _ids(client, "state=open")
    assert len(open_ids) == 505 + 6  # more than the old 500 cap
    assert set(open_ids) == {*listed["many"], listed["to_s"], listed["to_street"], listed["to_district"],
                             listed["to_t"], listed["today_last"], listed["elsewhere"]}
    assert set(_ids(client, "state=closed")) == {listed["early_close"], listed["ended"]}
    assert listed["not_yet"] not in _ids(client, "state=all")  # the public never sees one not open yet


def test_station_filter_takes_named_stations_and_target_regions_subtrees(client, world, listed):
    at_s = _ids(client, f"station_id={world.s}&state=all")
    # named, in a targeted street, in a targeted district, in a targeted city (closed) — newest closing first
    assert at_s == [listed["to_s"], listed["to_street"], listed["to_district"], listed["early_close"],
                    listed["today_last"], listed["ended"]]
    at_t = _ids(client, f"station_id={world.t}")
    assert listed["to_t"] in at_t and listed["to_district"] in at_t and listed["to_street"] not in at_t
    assert len(at_t) == 505 + 2
    assert _ids(client, f"station_id={world.x}") == [listed["elsewhere"]]
    assert _ids(client, f"station_id={world.x}&state=closed") == [listed["ended"]]
    assert _ids(client, "station_id=999999") == []


def test_managed_list_has_the_offices_own_in_every_state(client, world, listed, as_):
    r = client.get("/api/v1/consultations?managed=true&state=all", headers=as_("office-o"))
    assert [c["id"] for c in r.get_json()["items"]] == [listed["elsewhere"]]
    r = client.get("/api/v1/consultations?managed=true&state=all", headers=as_("office-d"))
    ids = [c["id"] for c in r.get_json()["items"]]
    assert listed["not_yet"] in ids and listed["elsewhere"] not in ids and len(ids) == 505 + 8
