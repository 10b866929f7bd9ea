"""Fixtures for the opinions API: demo accounts logged in, a few extra people in other
places, images, and a helper that submits an opinion the way the mini-program does."""
from __future__ import annotations

import uuid

import factories
import pytest


@pytest.fixture
def world(app, demo):
    """Ids of the demo station, its deputy and unit, plus people elsewhere.

    other-liaison: liaison of another station; other-deputy: a deputy of another
    station; other-office: NPC office of another district; other-unit: an unassigned
    handling unit.
    """
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership, Region

    with app.app_context():
        ids = factories.demo_ids(db.session)
        units = ids["units"]
        members = [m.deputy_id for m in db.session.query(Membership).filter_by(station_id=ids["other_station_id"])]
        other_deputy = db.session.get(Deputy, members[0])
        furong = db.session.query(Region).filter_by(name="芙蓉区").one()

        def person(openid, role=None, **scope):
            made = factories.user(db.session, openid)
            return factories.staff(db.session, made, role, **scope) if role else made

        person("other-liaison", role="liaison", station_id=ids["other_station_id"])
        person("other-office", role="office", region_id=furong.id)
        person("other-unit", role="unit", unit_id=units["岳麓区教育局"])
        other_deputy.user_id = person("other-deputy").id
        db.session.commit()
        return {
            **{k: ids[k] for k in ("station_id", "other_station_id", "deputy_id")},
            "other_deputy_id": other_deputy.id, "unit_id": units["岳麓区住房和城乡建设局"],
            "unit2_id": units["岳麓区城市管理和综合执法局"],
            "other_unit_id": units["岳麓区教育局"],
        }


@pytest.fixture
def inline_only(app):
    """Every submit registered in its request, however many run at once (as the suite's
    config has it): for the races of that path (the intake's own are in test_intake.py)."""
    app.config["OPINION_INLINE_PER_SECOND"] = 1_000_000


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
