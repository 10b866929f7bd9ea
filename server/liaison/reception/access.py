"""Who may plan a station's reception days, record receptions and read its figures.

Staff of a station (联络员、站长) manage that station; the NPC office of a region
(代表工委、乡镇人大) manages every station in the region's subtree.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.auth import Scope, current_user, scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Region, Station


def office_paths(scope: Scope) -> list[str]:
    """Materialised paths of the regions the user's NPC office roles cover."""
    if not scope.region_ids:
        return []
    return list(db.session.execute(select(Region.path).where(Region.id.in_(scope.region_ids))).scalars())


def covers_region(scope: Scope, region: Region) -> bool:
    """Whether the user's office roles cover ``region`` (it or a region above it)."""
    return any(region.path.startswith(p) for p in office_paths(scope))


def can_manage_station(scope: Scope, station: Station) -> bool:
    if station.id in scope.station_ids:
        return True
    return covers_region(scope, db.session.get(Region, station.region_id))


def get_station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站")
    return station


def require_station_staff(station: Station):
    """The current user, if they may manage ``station``. :raise ApiError: 401/403."""
    user = current_user()
    if not can_manage_station(scope_of(user), station):
        raise ApiError(403, "forbidden", "只有本站联络员、站长或人大工委可以进行此操作")
    return user
