"""Who an audience is, for one opinion: user ids, resolved in the caller's session.

- resident: the submitter (none for opinions entered on someone's behalf).
- deputy: the summoned deputy's user. For events other than ``summoned``, when no
  deputy was summoned, the deputies with a current home membership (驻站) at the
  station: "deputies hear when an opinion at their station changes".
- staff: liaison staff and station masters of the opinion's station.
- office: NPC office users of every region that contains the station's region.
- units: users of the given handling units, else of the opinion's active
  assignments in the current round.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from ..core.db import db
from ..opinions.states import ACTIVE_ASSIGNMENT_STATUSES
from ..places.models import Deputy, Membership, Region, Station
from ..users.models import StaffRole


def resolve(audience: str, event: str, opinion, unit_ids: Iterable[int] | None = None) -> list[int]:
    """User ids for ``audience`` about ``opinion``, without duplicates, in a stable order."""
    if audience == "resident":
        ids = [opinion.submitter_id] if opinion.submitter_id else []
    elif audience == "deputy":
        ids = _deputies(opinion, summoned_only=(event == "summoned"))
    elif audience == "staff":
        ids = db.session.scalars(select(StaffRole.user_id).where(
            StaffRole.role.in_(("liaison", "station_master")),
            StaffRole.station_id == opinion.station_id)).all()
    elif audience == "office":
        ids = _office(opinion.station_id)
    elif audience == "units":
        ids = unit_users(_unit_ids(opinion) if unit_ids is None else list(unit_ids))
    else:
        ids = []
    return sorted(set(ids))


def _deputies(opinion, summoned_only: bool) -> list[int]:
    if opinion.deputy_id is not None:
        user_id = db.session.scalar(select(Deputy.user_id).where(Deputy.id == opinion.deputy_id))
        return [user_id] if user_id else []
    if summoned_only:
        return []
    return [u for u in db.session.scalars(
        select(Deputy.user_id).join(Membership, Membership.deputy_id == Deputy.id).where(
            Membership.station_id == opinion.station_id, Membership.kind == "home",
            Membership.ended_on.is_(None), Deputy.active.is_(True),
            Deputy.user_id.is_not(None))).all()]


def region_ids_above(station_id: int) -> list[int]:
    """The station's region and every region containing it (from the materialised path)."""
    path = db.session.scalar(select(Region.path).join(Station, Station.region_id == Region.id)
                             .where(Station.id == station_id))
    return [int(p) for p in (path or "").strip("/").split("/") if p.isdigit()]


def _office(station_id: int) -> list[int]:
    regions = region_ids_above(station_id)
    if not regions:
        return []
    return list(db.session.scalars(select(StaffRole.user_id).where(
        StaffRole.role == "office", StaffRole.region_id.in_(regions))).all())


def _unit_ids(opinion) -> list[int]:
    from ..opinions.models import Assignment

    return list(db.session.scalars(select(Assignment.unit_id).where(
        Assignment.opinion_id == opinion.id, Assignment.round == opinion.rounds,
        Assignment.status.in_(tuple(ACTIVE_ASSIGNMENT_STATUSES)))).all())


def unit_users(unit_ids: list[int]) -> list[int]:
    if not unit_ids:
        return []
    return list(db.session.scalars(select(StaffRole.user_id).where(
        StaffRole.role == "unit", StaffRole.unit_id.in_(unit_ids))).all())


def station_ids_for_staff(station_ids: Iterable[int], region_ids: Iterable[int]) -> list[int]:
    """Stations a staff member sees: their own, plus every station under their regions."""
    ids = set(station_ids)
    region_ids = list(region_ids)
    if region_ids:
        paths = db.session.scalars(select(Region.path).where(Region.id.in_(region_ids))).all()
        if paths:
            ids.update(db.session.scalars(
                select(Station.id).join(Region, Station.region_id == Region.id).where(
                    or_(*[Region.path.startswith(p) for p in paths]))).all())
    return sorted(ids)
