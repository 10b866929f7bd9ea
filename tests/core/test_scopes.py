"""The specification of ``places.scopes``: who covers which regions, stations, units and seats.

Built on the demo data (Changsha: 岳麓区 and 天心区 among nine districts); each test
states one rule of the module's docstring.
"""
from __future__ import annotations

from datetime import date, timedelta

import factories
import pytest
from sqlalchemy import select

from liaison.places import scopes
from liaison.core.db import db
from liaison.places.scopes import is_current

DAY = date(2026, 12, 1)


@pytest.mark.parametrize("started, ended, current", [
    (None, None, True),
    (DAY, None, True),                        # starts today
    (DAY + timedelta(days=1), None, False),   # starts tomorrow
    (None, DAY, True),                        # ends today (inclusive)
    (None, DAY - timedelta(days=1), False),   # ended yesterday
    (DAY - timedelta(days=30), DAY + timedelta(days=30), True),
])
def test_a_membership_is_current_from_its_start_to_its_end_inclusive(started, ended, current):
    assert is_current(started, ended, DAY) is current


@pytest.fixture
def world(app, demo):
    from liaison.places.models import Region, Station

    with app.app_context():
        def station(district):
            return db.session.scalars(select(Station).join(Region, Region.id == Station.region_id).where(
                Region.path.like(db.session.scalar(select(Region.path).where(Region.name == district)) + "%"))
                .order_by(Station.id)).first()

        city = db.session.scalar(select(Region).where(Region.name == "长沙市"))
        yuelu = db.session.scalar(select(Region).where(Region.name == "岳麓区"))
        tianxin = db.session.scalar(select(Region).where(Region.name == "天心区"))
        city_office = factories.staff(db.session, factories.user(db.session, "city-office"), "office",
                                      region_id=city.id)
        db.session.commit()
        return {"city": city.id, "yuelu": yuelu.id, "tianxin": tianxin.id,
                "yuelu_station": station("岳麓区").id, "tianxin_station": station("天心区").id,
                "city_office": city_office.id}


def _scope(openid, day=None):
    from liaison.users.models import User

    user = db.session.scalar(select(User).where(User.mp_openid == openid))
    return scopes.scope_of(user, day)


def _get(model, id_):
    return db.session.get(model, id_)


def test_a_district_office_covers_its_subtree_and_nothing_beside_it(app, world):
    from liaison.places.models import Region, Station

    with app.app_context():
        office = _scope("demo-office")
        assert scopes.covers_region(office, _get(Region, world["yuelu"]))
        assert not scopes.covers_region(office, _get(Region, world["tianxin"]))
        assert not scopes.covers_region(office, _get(Region, world["city"]))  # not upwards
        assert scopes.can_manage_station(office, _get(Station, world["yuelu_station"]))
        assert not scopes.can_manage_station(office, _get(Station, world["tianxin_station"]))
        managed = set(scopes.managed_station_ids(office))
        assert world["yuelu_station"] in managed and world["tianxin_station"] not in managed


def test_a_city_office_covers_every_district_below(app, world):
    from liaison.places.models import Region, Station

    with app.app_context():
        city = _scope("city-office")
        assert scopes.covers_region(city, _get(Region, world["tianxin"]))
        assert scopes.can_manage_station(city, _get(Station, world["tianxin_station"]))
        assert len(scopes.managed_station_ids(city)) == db.session.query(Station).count()


def test_a_liaison_manages_their_own_station_only(app, world):
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Region, Station

    with app.app_context():
        liaison = _scope("demo-liaison")
        own = db.session.scalar(select(Station).where(Station.name == DEMO_STATION))
        assert scopes.can_manage_station(liaison, own)
        assert not scopes.can_manage_station(liaison, _get(Station, world["tianxin_station"]))
        assert not scopes.covers_region(liaison, _get(Region, world["yuelu"]))
        assert scopes.managed_station_ids(liaison) == [own.id]
        assert own.id in liaison.liaison_station_ids and not liaison.master_station_ids
        master = _scope("demo-master")
        assert master.master_station_ids == {own.id} and not master.liaison_station_ids


def test_units_and_deputies_are_not_staff(app, world):
    with app.app_context():
        for openid in ("demo-unit", "demo-deputy", "demo-resident"):
            scope = _scope(openid)
            assert not scope.is_staff and scopes.managed_station_ids(scope) == []
        assert _scope("demo-unit").unit_ids and _scope("demo-deputy").deputy_id
        assert not _scope("demo-resident").has_any_role


def test_a_deputy_sits_only_where_the_membership_is_current_on_that_day(app, world):
    from liaison.places.models import Membership

    with app.app_context():
        deputy = _scope("demo-deputy")
        seats = db.session.scalars(select(Membership).where(Membership.deputy_id == deputy.deputy_id)).all()
        assert {m.station_id for m in seats} == deputy.deputy_station_ids
        seat = seats[0]
        seat.ended_on = DAY - timedelta(days=1)
        db.session.commit()
        assert seat.station_id not in _scope("demo-deputy", DAY).deputy_station_ids
        assert seat.station_id in _scope("demo-deputy", DAY - timedelta(days=1)).deputy_station_ids


def test_an_inactive_deputy_holds_no_seat(app, world):
    from liaison.places.models import Deputy

    with app.app_context():
        deputy = _get(Deputy, _scope("demo-deputy").deputy_id)
        deputy.active = False
        db.session.commit()
        scope = _scope("demo-deputy")
        assert scope.deputy_id is None and not scope.deputy_station_ids


def test_the_home_office_of_a_deputy_is_the_office_over_their_home_station(app, world):
    with app.app_context():
        deputy_id = _scope("demo-deputy").deputy_id
        assert scopes.is_home_office(_scope("demo-office"), deputy_id)
        assert scopes.is_home_office(_scope("city-office"), deputy_id)
        assert not scopes.is_home_office(_scope("demo-master"), deputy_id)


def test_offices_over_a_station_are_told_and_no_other(app, world):
    from liaison.users import staff
    from liaison.users.models import User

    with app.app_context():
        ids = staff.office_user_ids(world["yuelu_station"])
        district = db.session.scalar(select(User.id).where(User.mp_openid == "demo-office"))
        assert set(ids) == {district, world["city_office"]}
        assert staff.office_user_ids(world["tianxin_station"]) == [world["city_office"]]
