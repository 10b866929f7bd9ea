"""Who may read which figures.

- a region's report and league table: the NPC office of that region or one above it;
- a station's monthly figures: its staff, or the office above it;
- a deputy's duty record: the deputy, staff of the deputy's stations, the office above them.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.auth import current_user, scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Deputy, Membership, Region, Station
from ..reception.access import can_manage_station, covers_region, office_paths


def get_region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise ApiError(404, "region_not_found", "没有找到这个区域")
    return region


def require_region(region: Region, user=None):
    user = user or current_user()
    if not covers_region(scope_of(user), region):
        raise ApiError(403, "forbidden", "只有本区域的人大工委可以查看这些统计")
    return user


def visible_regions(user) -> list[Region]:
    scope = scope_of(user)
    if not scope.region_ids:
        return []
    return list(db.session.execute(select(Region).where(Region.id.in_(scope.region_ids))
                                   .order_by(Region.path)).scalars())


def require_station(station: Station, user=None):
    user = user or current_user()
    if not can_manage_station(scope_of(user), station):
        raise ApiError(403, "forbidden", "只有本站工作人员或人大工委可以查看这些统计")
    return user


def get_deputy(deputy_id: int) -> Deputy:
    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None:
        raise ApiError(404, "deputy_not_found", "没有找到这位代表")
    return deputy


def require_deputy(deputy: Deputy, user=None):
    user = user or current_user()
    scope = scope_of(user)
    if scope.deputy_id == deputy.id:
        return user
    stations = db.session.execute(select(Station.id, Region.path).join(Region, Region.id == Station.region_id)
                                  .join(Membership, Membership.station_id == Station.id)
                                  .where(Membership.deputy_id == deputy.id)).all()
    paths = office_paths(scope)
    if any(sid in scope.station_ids or any(path.startswith(p) for p in paths) for sid, path in stations):
        return user
    raise ApiError(403, "forbidden", "只有代表本人、所在联络站工作人员或人大工委可以查看履职档案")
