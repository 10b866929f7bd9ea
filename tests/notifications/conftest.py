"""A small world for notification tests: one station in a region tree, one person per
audience (and one bystander each who must hear nothing), opinions made with the ORM."""
from __future__ import annotations

from types import SimpleNamespace

import factories
import pytest
import requests

from notification_fixtures import LONG_TEXT, SEND


def _user(session, key, mp=True, oa=False):
    return factories.user(session, f"nt-{key}" if mp else None, key, oa_openid=f"nt-oa-{key}" if oa else None)


@pytest.fixture
def world(app, fake_wechat):
    """Ids of everything; the WeChat side knows every openid, staff follow the account."""
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit

    with app.app_context():
        S = db.session
        city = factories.region(S, "长沙市", "city")
        district = factories.region(S, "岳麓区", "district", city)
        street = factories.region(S, "望月湖街道", "street", district)
        other_district = factories.region(S, "天心区", "district", city)
        station = factories.station(S, street, "望月湖街道人大代表联络站")
        other_station = factories.station(S, other_district, "天心区某街道人大代表联络站")
        unit = HandlingUnit(name="岳麓区住房和城乡建设局", region_id=district.id)
        other_unit = HandlingUnit(name="岳麓区城市管理局", region_id=district.id)
        db.session.add_all([unit, other_unit])
        db.session.flush()

        u = {k: _user(S, k) for k in ("resident", "resident2")}
        # Deputies bind through the official account (invitation), and may use the mini-program.
        u.update({k: _user(S, k, mp=True, oa=True) for k in ("deputy", "home_deputy")})
        u["h5_resident"] = _user(S, "h5_resident", mp=False, oa=True)  # H5 pages only
        u.update({k: _user(S, k, mp=True, oa=True) for k in (
            "liaison", "master", "office", "city_office", "other_office", "unit", "other_unit",
            "other_liaison")})
        u["no_oa_liaison"] = _user(S, "no_oa_liaison", mp=True, oa=False)
        roles = [("liaison", "liaison", dict(station_id=station.id)),
                 ("master", "station_master", dict(station_id=station.id)),
                 ("no_oa_liaison", "liaison", dict(station_id=station.id)),
                 ("other_liaison", "liaison", dict(station_id=other_station.id)),
                 ("office", "office", dict(region_id=district.id)),
                 ("city_office", "office", dict(region_id=city.id)),
                 ("other_office", "office", dict(region_id=other_district.id)),
                 ("unit", "unit", dict(unit_id=unit.id)),
                 ("other_unit", "unit", dict(unit_id=other_unit.id))]
        for key, role, scope in roles:
            factories.staff(S, u[key], role, **scope)
        deputy = factories.deputy(S, "王明", station, "cross", user=u["deputy"])
        home = factories.deputy(S, "李华", station, "home", user=u["home_deputy"])
        db.session.commit()
        ids = SimpleNamespace(
            station=station.id, other_station=other_station.id, unit=unit.id,
            other_unit=other_unit.id, deputy=deputy.id, home_deputy=home.id,
            district=district.id, users={k: v.id for k, v in u.items()},
            openid={k: v.mp_openid for k, v in u.items()},
            oa_openid={k: v.oa_openid for k, v in u.items()})
    for key in ids.users:
        for openid, follows in ((ids.openid[key], False), (ids.oa_openid[key], True)):
            if openid:
                requests.post(f"{fake_wechat}/_fake/users",
                              json={"openid": openid, "follows_oa": follows}, timeout=5)
    return ids


@pytest.fixture
def make_opinion(app, world):
    """An opinion row (and its assignments) made directly with the ORM; returns its id."""
    counter = iter(range(1, 10_000))

    def make(state="submitted", deputy=True, submitter="resident", units=(), text=LONG_TEXT,
             **fields):
        from datetime import date

        from liaison.core.db import db
        from liaison.opinions.models import Assignment
        from liaison.places.models import Station

        with app.app_context():
            n = next(counter)
            op = factories.opinion(db.session, db.session.get(Station, world.station), text,
                                   number=f"LL-2026-{n:06d}", state=state,
                                   deputy_id=world.deputy if deputy else None,
                                   submitter_id=world.users[submitter] if submitter else None, **fields)
            for i, unit_id in enumerate(units):
                db.session.add(Assignment(opinion_id=op.id, unit_id=unit_id,
                                          role="lead" if i == 0 else "co", status="pending",
                                          round=0, deadline=date(2026, 12, 31)))
            db.session.commit()
            return op.id

    return make


@pytest.fixture
def emit(app):
    """Append an event row and emit its notifications in one commit, as operations do."""

    def _emit(opinion_id, notifies, actor=None, units=None, action="test", payload=None):
        from liaison.core.db import db
        from liaison.notifications import outbox
        from liaison.opinions.models import Opinion, OpinionEvent

        with app.app_context():
            opinion = db.session.get(Opinion, opinion_id)
            event = OpinionEvent(opinion_id=opinion_id, action=action, actor_id=actor,
                                 to_state=opinion.state, payload=payload or {})
            db.session.add(event)
            db.session.flush()
            written = outbox.emit(opinion, notifies, event_id=event.id, actor_user_id=actor,
                                  assignment_unit_ids=units)
            db.session.commit()
            return written

    return _emit


@pytest.fixture
def grant(app, phone, world):
    """The resident taps 'allow' on wx.requestSubscribeMessage: WeChat and we both know."""

    def _grant(user_key, template_id, kind="one_time", times=1):
        from liaison.notifications import consents

        for _ in range(times):
            phone.subscribe(world.openid[user_key], template_id, kind)
            with app.app_context():
                consents.record(world.users[user_key], {template_id: "accept"})

    return _grant


@pytest.fixture
def rows(app):
    """Outbox rows as dicts, optionally filtered."""

    def _rows(**where):
        from sqlalchemy import select

        from liaison.core.db import db
        from liaison.notifications.models import Notification

        with app.app_context():
            q = select(Notification).order_by(Notification.id)
            for key, value in where.items():
                q = q.where(getattr(Notification, key) == value)
            out = [{c.name: getattr(n, c.name) for c in Notification.__table__.columns}
                   for n in db.session.scalars(q)]
            db.session.rollback()
            return out

    return _rows


@pytest.fixture
def wechat_log(fake_wechat):
    class Log:
        def messages(self, path=SEND):
            got = requests.get(f"{fake_wechat}/_fake/messages", params={"path": path}, timeout=5)
            return got.json()["messages"]

        def calls(self, path=SEND):
            got = requests.get(f"{fake_wechat}/_fake/calls", params={"path": path}, timeout=5)
            return got.json()["calls"]

    return Log()
