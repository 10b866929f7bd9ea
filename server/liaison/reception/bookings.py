"""Who booked a reception day (预约接待): the list the deputy on duty and staff see.

Staff of the station and the NPC office above it see every booking; a deputy sees
the bookings of the days they are on the rota for (轮值) and of their own stations.
Residents' phone numbers are masked: the list is for preparing the reception, the
full number is on the resident's opinions for the staff who need it.
"""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import select

from ..places.scopes import scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..opinions.serialize import mask_phone
from ..places.models import Station
from ..users.models import User
from ..places.scopes import can_manage_station
from .models import Appointment, ReceptionDay, RotaEntry

STATE_LABELS = {"booked": "已预约", "cancelled": "已取消", "attended": "已到场"}


def may_see_bookings(user, day: ReceptionDay) -> bool:
    scope = scope_of(user)
    station = db.session.get(Station, day.station_id)
    if can_manage_station(scope, station):
        return True
    if scope.deputy_id is None:
        return False
    on_rota = db.session.scalar(select(RotaEntry.id).where(
        RotaEntry.reception_day_id == day.id, RotaEntry.deputy_id == scope.deputy_id))
    return bool(on_rota or day.station_id in scope.deputy_station_ids)


def day_bookings(user, day_id: int) -> tuple[ReceptionDay, list[dict]]:
    """The reception day and its bookings (booked first, then by time of booking).

    :raise ApiError: 404 for an unknown day or one the user may not see (leaks nothing).
    """
    day = db.session.get(ReceptionDay, day_id)
    if day is None or not may_see_bookings(user, day):
        raise ApiError(404, "reception_day_not_found", "没有找到这个接待日")
    rows = db.session.execute(
        select(Appointment, User).join(User, User.id == Appointment.user_id)
        .where(Appointment.reception_day_id == day.id)
        .order_by((Appointment.state != "booked"), Appointment.created_at, Appointment.id)).all()
    items = [{
        "id": a.id, "state": a.state, "state_label": STATE_LABELS.get(a.state, a.state),
        "resident": u.nickname or "微信用户", "phone": mask_phone(u.phone) if u.phone else None,
        "note": a.note, "booked_at": a.created_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
    } for a, u in rows]
    return day, items
