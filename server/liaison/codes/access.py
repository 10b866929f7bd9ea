"""Who may manage which codes and batches: asks ``places.scopes`` (station staff, the office above)."""
from __future__ import annotations

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..places.scopes import Scope, can_manage_deputy, can_manage_station, covers_region, scope_of
from ..places.models import Region, Station
from .models import Code

FORBIDDEN = "您没有管理这个码的权限"


def code_allowed(scope: Scope, code: Code) -> bool:
    if code.kind == "station":
        return can_manage_station(scope, db.session.get(Station, code.station_id))
    # Every station the deputy ever sat in: a deputy who left can still have the code revoked.
    return can_manage_deputy(scope, code.deputy_id, current_only=False)


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
    if not covers_region(scope, region):
        raise ApiError(403, "forbidden", "只有本区域（或上级）人大工委可以批量生成海报")
