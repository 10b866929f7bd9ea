"""Test data from factories: plain functions that take the session and keyword overrides,
add the row, flush (so it has its id) and return it. Nothing is committed here: the
fixture that builds a world commits once when it is done.

    from factories import deputy, region, station, user
    city = region(db.session, "测试市", "city")
    s = station(db.session, city, reception_plan={"monthly_days": [15]})
    d = deputy(db.session, "王一", s, user=user(db.session, "deputy-w1"))

``demo_ids`` reads the ids tests need out of the demo data set (``users/demo.py``).
"""
from __future__ import annotations

from datetime import date
from itertools import count

_serial = count(1)


def _saved(session, row):
    session.add(row)
    session.flush()
    return row


def region(session, name: str = "", level: str = "district", parent=None, **fields):
    """A region under ``parent`` (a Region), its materialised ``path`` set."""
    from liaison.places.models import Region

    r = _saved(session, Region(name=name or f"测试区{next(_serial)}", level=level,
                               parent_id=parent.id if parent else None, **fields))
    r.path = (parent.path if parent else "/") + f"{r.id}/"
    return r


def station(session, region, name: str = "", **fields):
    """A station in ``region`` (a Region); its name defaults to one from the region's."""
    from liaison.places.models import Station

    name = name or f"{region.name}人大代表联络站{next(_serial)}"
    return _saved(session, Station(name=name, region_id=region.id, **fields))


def user(session, mp_openid: str | None = None, nickname: str = "", **fields):
    """A person (``oa_openid=``, ``unionid=`` ... as overrides)."""
    from liaison.users.models import User

    return _saved(session, User(mp_openid=mp_openid, nickname=nickname or mp_openid or "", **fields))


def staff(session, person, role: str, **scope):
    """Grant ``person`` (a User) ``role`` over ``station_id=`` / ``region_id=`` / ``unit_id=``."""
    from liaison.users.models import StaffRole

    _saved(session, StaffRole(user_id=person.id, role=role, **scope))
    return person


def membership(session, deputy, station, kind: str = "home", started_on: date | None = None, **fields):
    from liaison.places.models import Membership

    return _saved(session, Membership(deputy_id=deputy.id, station_id=station.id, kind=kind,
                                      started_on=started_on, **fields))


def deputy(session, name: str, station=None, kind: str = "home", user=None, levels=("county",),
           started_on: date | None = None, **fields):
    """A deputy (bound to ``user`` when given), seated in ``station`` when given."""
    from liaison.places.models import Deputy

    d = _saved(session, Deputy(name=name, levels=list(levels), user_id=user.id if user else None, **fields))
    if station is not None:
        membership(session, d, station, kind, started_on)
    return d


def code(session, token: str, station=None, deputy=None, **fields):
    """A station code (``station=``) or a deputy code (``deputy=``)."""
    from liaison.codes.models import Code

    kind = "deputy" if deputy is not None else "station"
    return _saved(session, Code(token=token, kind=kind, station_id=station.id if station else None,
                                deputy_id=deputy.id if deputy else None, **fields))


def opinion(session, station, text: str = "测试意见", **fields):
    """An opinion row as it stands (``state=``, ``deputy_id=``, dates ...), numbered T-0001 on."""
    from liaison.opinions.models import Opinion

    fields.setdefault("number", f"T-{next(_serial):04d}")
    return _saved(session, Opinion(station_id=station.id, text=text, original_text=text, **fields))


def demo_ids(session) -> dict:
    """Ids in the demo data set: the demo station (and one in another district), its
    street and district, its deputy 王明, the handling units by name."""
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Deputy, HandlingUnit, Region, Station

    s = session.query(Station).filter_by(name=DEMO_STATION).one()
    other = session.query(Station).filter(Station.name.like("%芙蓉区五里牌街道人大代表联络站")).one()
    return {"station_id": s.id, "other_station_id": other.id, "street_id": s.region_id,
            "region_id": session.query(Region).filter_by(name="岳麓区").one().id,
            "deputy_id": session.query(Deputy).filter_by(external_id="CS-WANGMING").one().id,
            "units": {u.name: u.id for u in session.query(HandlingUnit)}}
