"""Who may manage which codes and batches (staff of a station, NPC office of a region)."""
from __future__ import annotations

from ..core.auth import Scope, current_user, scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Membership, Region, Station
from .models import Code

FORBIDDEN = "您没有管理这个码的权限"


def region_ids_up(region: Region) -> set[int]:
    """The region and its ancestors, from the materialised path."""
    ids = {int(p) for p in (region.path or "").strip("/").split("/") if p}
    ids.add(region.id)
    return ids


def office_over(scope: Scope, region: Region) -> bool:
    """True when the user is the NPC office of the region or of a region above it."""
    return bool(scope.region_ids & region_ids_up(region))


def _station_allowed(scope: Scope, station: Station) -> bool:
    return station.id in scope.station_ids or office_over(scope, station.region)


def code_allowed(scope: Scope, code: Code) -> bool:
    if code.kind == "station":
        station = db.session.get(Station, code.station_id)
        return station is not None and _station_allowed(scope, station)
    # Every station the deputy ever sat in: a deputy who left can still have the code revoked.
    stations = db.session.query(Station).join(Membership, Membership.station_id == Station.id) \
        .filter(Membership.deputy_id == code.deputy_id).all()
    return any(_station_allowed(scope, station) for station in stations)


def staff_scope() -> tuple[object, Scope]:
    """The logged-in user and scope; 403 for anyone who is not staff."""
    user = current_user()
    scope = scope_of(user)
    if not scope.is_staff:
        raise ApiError(403, "forbidden", "只有联络站工作人员和人大工委可以进行此操作")
    return user, scope


def require_code(scope: Scope, code: Code) -> None:
    if not code_allowed(scope, code):
        raise ApiError(403, "forbidden", FORBIDDEN)


def require_office(scope: Scope, region: Region) -> None:
    if not office_over(scope, region):
        raise ApiError(403, "forbidden", "只有本区域（或上级）人大工委可以批量生成海报")
