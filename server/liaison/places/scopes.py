"""Who covers what in the places tree: the one answer every package asks.

A user's reach comes from their staff roles (``StaffRole`` rows) and their deputy seat:

- **liaison** / **station_master** of a station: they manage that station (a master is
  also a liaison for the workflow's purposes, with the master's own actions);
- **office** (人大工委) of a region: they cover the region and its whole subtree
  (``Region.path`` prefix), every station in it and every deputy sitting there;
- **unit** (承办单位): they see what is assigned to their unit and nothing else;
- **deputy**: the user bound to a ``Deputy`` sits at the stations where the deputy has
  a *current membership* (home 驻站 or cross 交叉进站).

**Current membership** (the one definition): on China's calendar day ``day`` a
membership is current when ``started_on`` is empty or not after ``day`` and
``ended_on`` is empty or not before ``day``. A move ends the old seat yesterday and
starts the new one today, so exactly one of them is current.

``scope_of(user)`` resolves all of this once per request; the predicates below take
the resolved ``Scope`` and never reload roles. Routes turn a ``False`` into their own
403/404 (the opinion routes answer 404 so existence does not leak).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, false, or_, select

from ..core import clock
from ..core.db import db
from .models import Deputy, Membership, Region, Station

STATION_ROLES = ("liaison", "station_master")


# --- current membership -----------------------------------------------------------

def is_current(started_on: date | None, ended_on: date | None, day: date) -> bool:
    """Whether a seat running ``started_on``..``ended_on`` (inclusive, open ends) holds on ``day``."""
    return (started_on is None or started_on <= day) and (ended_on is None or ended_on >= day)


def current_membership(day: date | None = None):
    """WHERE clause on ``Membership``: the seats current on ``day`` (default today in China)."""
    day = day or clock.today()
    return and_(or_(Membership.started_on.is_(None), Membership.started_on <= day),
                or_(Membership.ended_on.is_(None), Membership.ended_on >= day))


# --- the resolved scope -----------------------------------------------------------

@dataclass
class Scope:
    """What one user covers, resolved from their roles and deputy seat.

    :param station_ids: stations where the user is liaison or station master.
    :param region_ids: regions whose NPC office the user is; ``office_paths`` their paths.
    :param deputy_station_ids: stations where the user's deputy currently sits.
    """

    user_id: int | None
    deputy_id: int | None = None
    station_ids: set[int] = field(default_factory=set)
    master_station_ids: set[int] = field(default_factory=set)
    liaison_station_ids: set[int] = field(default_factory=set)
    region_ids: set[int] = field(default_factory=set)
    office_paths: tuple[str, ...] = ()
    unit_ids: set[int] = field(default_factory=set)
    deputy_station_ids: set[int] = field(default_factory=set)

    @property
    def is_staff(self) -> bool:
        """Liaison, station master or NPC office somewhere (units and deputies are not staff)."""
        return bool(self.station_ids or self.region_ids)

    @property
    def has_any_role(self) -> bool:
        return bool(self.is_staff or self.unit_ids or self.deputy_id)


def scope_of(user, day: date | None = None) -> Scope:
    """Resolve ``user``'s roles and seats (an anonymous caller gets an empty scope)."""
    scope = Scope(user_id=user.id if user is not None else None)
    if user is None:
        return scope
    for r in user.roles:
        if r.role in STATION_ROLES and r.station_id:
            scope.station_ids.add(r.station_id)
            (scope.master_station_ids if r.role == "station_master" else scope.liaison_station_ids).add(r.station_id)
        elif r.role == "office" and r.region_id:
            scope.region_ids.add(r.region_id)
        elif r.role == "unit" and r.unit_id:
            scope.unit_ids.add(r.unit_id)
    if scope.region_ids:
        scope.office_paths = tuple(sorted(db.session.scalars(
            select(Region.path).where(Region.id.in_(scope.region_ids)))))
    scope.deputy_id = db.session.scalar(select(Deputy.id).where(Deputy.user_id == user.id,
                                                                Deputy.active.is_(True)))
    if scope.deputy_id is not None:
        scope.deputy_station_ids = set(db.session.scalars(select(Membership.station_id).where(
            Membership.deputy_id == scope.deputy_id, current_membership(day))))
    return scope


# --- regions and stations ---------------------------------------------------------

def path_covered(scope: Scope, path: str | None) -> bool:
    """Whether a region with materialised ``path`` lies in the user's office subtrees."""
    return bool(path) and any(path.startswith(p) for p in scope.office_paths)


def covers_region(scope: Scope, region) -> bool:
    """NPC office of ``region`` or of a region above it."""
    return region is not None and path_covered(scope, region.path)


def covers_whole_tree(scope: Scope) -> bool:
    """The city office: NPC office of every top-level region, so of every region there is.

    Site-wide settings (WeChat's domain verification files) belong to it alone.
    """
    if not scope.office_paths:
        return False
    roots = list(db.session.scalars(select(Region).where(Region.parent_id.is_(None))))
    return bool(roots) and all(covers_region(scope, r) for r in roots)


def station_path(station_id: int) -> str | None:
    return db.session.scalar(select(Region.path).join(Station, Station.region_id == Region.id)
                             .where(Station.id == station_id))


def covers_station(scope: Scope, station_id: int | None) -> bool:
    """NPC office over the station's region (not station staff: see ``can_manage_station``)."""
    return station_id is not None and bool(scope.office_paths) and path_covered(scope, station_path(station_id))


def can_manage_station(scope: Scope, station) -> bool:
    """Staff of the station, or the NPC office over it."""
    return station is not None and (station.id in scope.station_ids or covers_station(scope, station.id))


def regions_under(paths) -> object:
    """SELECT of region ids inside the subtrees with materialised ``paths``."""
    paths = list(paths)
    if not paths:
        return select(Region.id).where(false())
    return select(Region.id).where(or_(*[Region.path.startswith(p, autoescape=True) for p in paths]))


def region_clause(scope: Scope):
    """WHERE on ``Region``: the regions the user's office roles cover."""
    return Region.id.in_(regions_under(scope.office_paths)) if scope.office_paths else false()


def station_clause(scope: Scope):
    """WHERE on ``Station``: the stations the user manages (own stations, office subtrees)."""
    parts = []
    if scope.station_ids:
        parts.append(Station.id.in_(scope.station_ids))
    if scope.office_paths:
        parts.append(Station.region_id.in_(regions_under(scope.office_paths)))
    return or_(*parts) if parts else false()


def managed_station_ids(scope: Scope) -> list[int]:
    if not scope.is_staff:
        return []
    return sorted(db.session.scalars(select(Station.id).where(station_clause(scope))))


def office_regions(scope: Scope) -> list:
    """The regions the user is NPC office of (the tops of their subtrees), by path."""
    if not scope.region_ids:
        return []
    return list(db.session.scalars(select(Region).where(Region.id.in_(scope.region_ids)).order_by(Region.path)))


def region_ids_above(station_id: int) -> list[int]:
    """The station's region and every region containing it (whose offices cover it)."""
    return [int(p) for p in (station_path(station_id) or "").strip("/").split("/") if p.isdigit()]


def scope_region(station_id: int | None):
    """The region a station's cases are read across in (similar cases, suggested routing):
    its district (区/县, the level of the NPC office that runs the handling units), else the
    top of its line when no district lies above it. None for an unknown station."""
    ids = region_ids_above(station_id) if station_id is not None else []
    if not ids:
        return None
    regions = {r.id: r for r in db.session.scalars(select(Region).where(Region.id.in_(ids)))}
    line = [regions[i] for i in ids if i in regions]
    return next((r for r in reversed(line) if r.level == "district"), line[0] if line else None)


def in_region_clause(region):
    """WHERE on ``Station``: the stations in ``region``'s subtree."""
    return Station.region_id.in_(regions_under([region.path]))


# --- deputies ---------------------------------------------------------------------

def can_manage_deputy(scope: Scope, deputy_id: int, *, current_only: bool = True) -> bool:
    """Staff of a station where the deputy sits (currently, or ever with
    ``current_only=False``: a departed deputy's code can still be revoked), or the office over it."""
    if not scope.is_staff:
        return False
    query = select(Membership.id).join(Station, Station.id == Membership.station_id).where(
        Membership.deputy_id == deputy_id, station_clause(scope))
    if current_only:
        query = query.where(current_membership())
    return db.session.execute(query.limit(1)).first() is not None


def home_region_paths(deputy_id: int, day: date | None = None) -> list[str]:
    """Paths of the regions of the deputy's current home (驻站) stations."""
    return list(db.session.scalars(select(Region.path).join(Station, Station.region_id == Region.id)
                                   .join(Membership, Membership.station_id == Station.id)
                                   .where(Membership.deputy_id == deputy_id, Membership.kind == "home",
                                          current_membership(day))))


def is_home_office(scope: Scope, deputy_id: int) -> bool:
    """NPC office of (a region above) one of the deputy's current home stations."""
    return any(path_covered(scope, p) for p in home_region_paths(deputy_id))


def can_read_duty_record(scope: Scope, deputy_id: int) -> bool:
    """The deputy, staff of a station where they ever sat, the office over it."""
    return scope.deputy_id == deputy_id or can_manage_deputy(scope, deputy_id, current_only=False)


# --- who sits there ----------------------------------------------------------------

def seated_deputy_user_ids(station_id: int, kind: str | None = "home") -> list[int]:
    """Users of active deputies currently sitting at the station (home seats by default)."""
    query = select(Deputy.user_id).join(Membership, Membership.deputy_id == Deputy.id).where(
        Membership.station_id == station_id, current_membership(), Deputy.active.is_(True),
        Deputy.user_id.is_not(None))
    if kind:
        query = query.where(Membership.kind == kind)
    return sorted(set(db.session.scalars(query)))
