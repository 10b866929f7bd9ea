"""Fixtures for the opinions API: demo accounts logged in, a few extra people in other
places, images, and a helper that submits an opinion the way the mini-program does."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def world(app, demo):
    """Ids of the demo station, its deputy and unit, plus people elsewhere.

    other-liaison: liaison of another station; other-deputy: a deputy of another
    station; other-office: NPC office of another district; other-unit: an unassigned
    handling unit.
    """
    from liaison.core.db import db
    from liaison.places.models import Deputy, HandlingUnit, Membership, Region, Station
    from liaison.users.demo import DEMO_STATION
    from liaison.users.models import StaffRole, User

    with app.app_context():
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        other = db.session.query(Station).filter(Station.name.like("%芙蓉区五里牌街道人大代表联络站")).one()
        deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()
        members = [m.deputy_id for m in db.session.query(Membership).filter_by(station_id=other.id)]
        other_deputy = db.session.get(Deputy, members[0])
        units = {u.name: u.id for u in db.session.query(HandlingUnit)}
        furong = db.session.query(Region).filter_by(name="芙蓉区").one()

        def person(openid, **role):
            user = User(mp_openid=openid, nickname=openid)
            db.session.add(user)
            db.session.flush()
            if role:
                db.session.add(StaffRole(user_id=user.id, **role))
            return user

        person("other-liaison", role="liaison", station_id=other.id)
        person("other-office", role="office", region_id=furong.id)
        person("other-unit", role="unit", unit_id=units["岳麓区教育局"])
        other_deputy.user_id = person("other-deputy").id
        db.session.commit()
        return {
            "station_id": station.id, "other_station_id": other.id, "deputy_id": deputy.id,
            "other_deputy_id": other_deputy.id, "unit_id": units["岳麓区住房和城乡建设局"],
            "unit2_id": units["岳麓区城市管理和综合执法局"],
            "other_unit_id": units["岳麓区教育局"],
        }


@pytest.fixture
def who(world, login):
    """Auth headers per person, logged in through the fake WeChat server (lazily)."""
    cache = {}

    def _who(openid: str) -> dict:
        if openid not in cache:
            cache[openid] = login(openid)
        return cache[openid]

    return _who


@pytest.fixture
def submit(client, world, who):
    """POST /api/v1/opinions as ``openid``; returns the response."""

    def _submit(openid="demo-resident", key=None, **fields):
        body = {"station_id": world["station_id"], "category": "housing",
                "text": "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"}
        body.update(fields)
        headers = {**who(openid), "Idempotency-Key": key or str(uuid.uuid4())}
        return client.post("/api/v1/opinions", json=body, headers=headers)

    return _submit


@pytest.fixture
def act(client, who):
    """POST a transition as ``openid``; returns the response."""

    def _act(openid, opinion_id, action, **fields):
        return client.post(f"/api/v1/opinions/{opinion_id}/transitions",
                           json={"action": action, **fields}, headers=who(openid))

    return _act
