"""The staff pages' view of ``places.scopes``: stations, regions and deputies as pages need them."""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..places.scopes import can_manage_deputy, covers_region, office_regions, station_clause
from ..places.models import HandlingUnit, Region, Station
from .common import PageError


def stations_in_scope(scope, q: str = "") -> list[Station]:
    query = select(Station).where(station_clause(scope), Station.active.is_(True))
    if q:
        query = query.where(Station.name.icontains(q, autoescape=True))
    return list(db.session.execute(query.order_by(Station.name)).scalars())


def station_for(scope, station_id: int) -> Station:
    """A station the staff member runs, else a 404 page."""
    station = db.session.execute(select(Station).where(
        Station.id == station_id, station_clause(scope))).scalar_one_or_none()
    if station is None:
        raise PageError(404, "没有找到这个联络站，或它不在您负责的范围内。")
    return station


def deputy_in_scope(scope, deputy_id: int) -> bool:
    return can_manage_deputy(scope, deputy_id)


def region_in_scope(scope, region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if not covers_region(scope, region):
        raise PageError(404, "没有找到这个区域，或它不在您负责的范围内。")
    return region


def scope_title(scope) -> str:
    """A short name for the header: the station, the region, or the unit."""
    if scope.station_ids:
        names = list(db.session.execute(select(Station.name).where(
            Station.id.in_(scope.station_ids)).order_by(Station.id)).scalars())
        return names[0] + (f" 等{len(names)}个站" if len(names) > 1 else "")
    if scope.region_ids:
        regions = office_regions(scope)
        return regions[0].full_name() + " 人大工委" if regions else ""
    if scope.unit_ids:
        unit = db.session.get(HandlingUnit, next(iter(sorted(scope.unit_ids))))
        return unit.name if unit else ""
    return ""
