"""Who may read which figures.

- a region's report and league table: the NPC office of that region or one above it;
- a station's monthly figures: its staff, or the office above it;
- a deputy's duty record: the deputy, staff of the deputy's stations, the office above them.
"""
from __future__ import annotations

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..places.scopes import can_manage_station, can_read_duty_record, covers_region, office_regions, scope_of
from ..places.models import Deputy, Region, Station


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
    return office_regions(scope_of(user))


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
    if not can_read_duty_record(scope_of(user), deputy.id):
        raise ApiError(403, "forbidden", "只有代表本人、所在联络站工作人员或人大工委可以查看履职档案")
    return user
