"""Who holds a staff role at a place: the user ids a message about that place goes to."""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..places.scopes import STATION_ROLES, region_ids_above
from .models import StaffRole


def station_staff_user_ids(station_id: int) -> list[int]:
    return sorted(set(db.session.scalars(select(StaffRole.user_id).where(
        StaffRole.role.in_(STATION_ROLES), StaffRole.station_id == station_id))))


def office_user_ids(station_id: int) -> list[int]:
    """NPC office users of every region containing the station."""
    regions = region_ids_above(station_id)
    if not regions:
        return []
    return sorted(set(db.session.scalars(select(StaffRole.user_id).where(
        StaffRole.role == "office", StaffRole.region_id.in_(regions)))))


def unit_user_ids(unit_ids) -> list[int]:
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    return sorted(set(db.session.scalars(select(StaffRole.user_id).where(
        StaffRole.role == "unit", StaffRole.unit_id.in_(unit_ids)))))
