"""Who may plan a station's reception days, record receptions and read its figures.

Staff of a station (联络员、站长) manage that station; the NPC office of a region
(代表工委、乡镇人大) manages every station in the region's subtree (``places.scopes``).
"""
from __future__ import annotations

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..places.scopes import can_manage_station, scope_of
from ..places.models import Station


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
