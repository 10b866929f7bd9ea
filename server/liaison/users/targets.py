"""What a role or an invitation points at: a station, a region, a handling unit or a
deputy. Where an inviter may invite, how a target reads in Chinese, and the region
and station its audit rows are filed under; whether an invitation may be issued
(``check_target``; the deputy rule is explained in ``roles``). Read-only."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..core.db import db
from ..places.models import Deputy, HandlingUnit, Region, Station
from ..places.serialize import deputy_place, deputy_stations
from ..places.scopes import is_home_office, region_clause, regions_under
from .errors import RoleError
from .identity import normalise_phone

ROLE_LABELS = {"liaison": "联络员", "station_master": "站长", "office": "人大工委工作人员",
               "unit": "承办单位工作人员", "deputy": "人大代表（绑定微信）"}
STATION_ROLES = ("liaison", "station_master", "deputy")
INVITABLE_ROLES = ("liaison", "station_master", "office", "unit", "deputy")
NOT_HOME = ("这位代表的驻站不是您的联络站，您不能邀请他（她）绑定微信。"
            "请由代表驻站的站长或驻站所在地的人大工委发出邀请。")
NO_PHONE = ("代表档案中没有手机号，无法核验本人身份。请先在代表页面补充手机号，"
            "或请驻站所在地的人大工委发出邀请。")


@dataclass
class InviteScope:
    """What an inviter may invite for: stations, regions and units."""

    stations: list[Station]
    regions: list[Region]
    units: list[HandlingUnit]

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.stations:
            roles += ["liaison", "station_master", "deputy"]
        if self.regions:
            roles.append("office")
        if self.units:
            roles.append("unit")
        return roles


def invite_scope(scope) -> InviteScope:
    """Where a staff member may invite people to (``places.scopes``): the stations they are
    master of; every station, region and unit in their NPC office's subtrees."""
    regions = list(db.session.scalars(select(Region).where(region_clause(scope)).order_by(Region.path)))
    station_ids = set(scope.master_station_ids)
    if scope.office_paths:
        station_ids |= set(db.session.scalars(select(Station.id).where(
            Station.region_id.in_(regions_under(scope.office_paths)))))
    stations = list(db.session.execute(
        select(Station).where(Station.id.in_(station_ids), Station.active.is_(True))
        .order_by(Station.name)).scalars()) if station_ids else []
    units = list(db.session.execute(
        select(HandlingUnit).where(HandlingUnit.region_id.in_([r.id for r in regions]),
                                   HandlingUnit.active.is_(True))
        .order_by(HandlingUnit.name)).scalars()) if regions else []
    return InviteScope(stations, regions, units)


def target_names(station_id=None, region_id=None, unit_id=None, deputy_id=None) -> dict:
    """The target's names, for audit snapshots (readable even after a rename)."""
    names = {}
    if station_id:
        names["station"] = db.session.get(Station, station_id).name
    if region_id:
        names["region"] = db.session.get(Region, region_id).full_name()
    if unit_id:
        names["unit"] = db.session.get(HandlingUnit, unit_id).name
    if deputy_id:
        names["deputy"] = db.session.get(Deputy, deputy_id).name
    return names


def describe(obj) -> str:
    """'望月湖街道人大代表联络站 联络员' and the like, for an invitation or a role."""
    names = target_names(obj.station_id, obj.region_id, obj.unit_id, getattr(obj, "deputy_id", None))
    target = names.get("station") or names.get("region") or names.get("unit") or ""
    if names.get("deputy"):
        target += " " + names["deputy"]
    return f"{target} {ROLE_LABELS.get(obj.role, obj.role)}".strip()


def audit_place(station_id=None, region_id=None, unit_id=None, deputy_id=None) -> dict:
    """``region_id``/``station_id`` for the audit row of a role or invitation. A deputy's
    binding is filed under the deputy's home station, where the deputy answers to."""
    if deputy_id:
        region, station = deputy_place(deputy_id)
        if region is not None:
            return {"region_id": region, "station_id": station}
    if station_id:
        return {"region_id": db.session.get(Station, station_id).region_id, "station_id": station_id}
    if unit_id:
        return {"region_id": db.session.get(HandlingUnit, unit_id).region_id, "station_id": None}
    return {"region_id": region_id, "station_id": None}


def check_target(scope, role: str, station_id=None, region_id=None, unit_id=None,
                 deputy_id=None) -> tuple[dict, bool]:
    """(the invitation's target columns, whether accepting needs phone proof).

    ``scope`` is the inviter's ``places.scopes.Scope``; None is the command line.
    :raise RoleError: the target does not exist or is outside the inviter's reach.
    """
    if role not in INVITABLE_ROLES:
        raise RoleError("没有这种身份", 422, "invalid_role")
    allowed = invite_scope(scope) if scope is not None else None
    if allowed is not None and role not in allowed.roles:
        raise RoleError("您不能邀请这种角色", 403, "forbidden")
    fields = dict.fromkeys(("station_id", "region_id", "unit_id", "deputy_id"))
    if role == "deputy":
        return _check_deputy(scope, allowed, station_id, deputy_id)
    if role in STATION_ROLES:
        station = db.session.get(Station, station_id) if station_id else None
        if station is None or not station.active or (
                allowed is not None and station.id not in {s.id for s in allowed.stations}):
            raise RoleError("请选择您负责的联络站", 403, "forbidden")
        fields["station_id"] = station.id
    elif role == "office":
        if (db.session.get(Region, region_id) if region_id else None) is None or (
                allowed is not None and region_id not in {r.id for r in allowed.regions}):
            raise RoleError("请选择您负责的区域", 403, "forbidden")
        fields["region_id"] = region_id
    else:
        unit = db.session.get(HandlingUnit, unit_id) if unit_id else None
        if unit is None or not unit.active or (
                allowed is not None and unit.id not in {u.id for u in allowed.units}):
            raise RoleError("请选择本区域的承办单位", 403, "forbidden")
        fields["unit_id"] = unit.id
    return fields, False


def _check_deputy(scope, allowed, station_id, deputy_id) -> tuple[dict, bool]:
    # The station first: nothing about a deputy is told to someone outside their station.
    if allowed is not None and station_id not in {s.id for s in allowed.stations}:
        raise RoleError("请选择您负责的联络站", 403, "forbidden")
    deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
    if deputy is None or not deputy.active:
        raise RoleError("请选择该联络站的代表", 422, "deputy_not_found")
    seats = deputy_stations(deputy.id)  # current, home first
    homes = [s for s, kind in seats if kind == "home"]
    fields = {"station_id": None, "region_id": None, "unit_id": None, "deputy_id": deputy.id}
    here = next((s for s, _ in seats if s.id == station_id), None)
    if scope is not None and here is None:
        raise RoleError("请选择该联络站的代表", 422, "deputy_not_at_station")
    if deputy.user_id is not None:
        raise RoleError("这位代表已经绑定了微信账号；如需更换，请先由人大工委解除绑定。", 409, "deputy_bound")
    if scope is None:  # the command line: the station named, else the deputy's home station
        if station_id is not None and here is None:
            raise RoleError("这位代表不在该联络站", 422, "deputy_not_at_station")
        here = here or (seats[0][0] if seats else None)
        fields["station_id"] = here.id if here else None
        return fields, False
    if here is None or here.id not in {s.id for s in allowed.stations}:
        raise RoleError("请选择该联络站的代表", 422, "deputy_not_at_station")
    fields["station_id"] = here.id
    if is_home_office(scope, deputy.id):
        return fields, False  # the NPC office of the home region vouches
    if here in homes and here.id in scope.master_station_ids:
        if not normalise_phone(deputy.phone):
            raise RoleError(NO_PHONE, 422, "deputy_without_phone")
        return fields, True  # the home station's master: the deputy proves the phone
    raise RoleError(NOT_HOME, 403, "deputy_home_elsewhere")
