"""Which reception days a resident can book (预约接待): the one rule behind both the days
a station advertises and the booking itself, so every advertised day can be booked.

A day can be booked when it is a stored reception day (``reception_days``) that is
still planned (not held or cancelled), not past (today counts), and has places left.
The station's plan (``Station.reception_plan``) only describes the rhythm in words;
its dates become bookable once the year's days are generated from it (staff, the
December job for the next year, or ``flask reception plan``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..core.db import db
from ..core.errors import ApiError
from .models import Appointment, ReceptionDay

CHUNK = 20  # candidate days read at a time while looking for days with places left


def booked_count(day_ids) -> dict[int, int]:
    """{reception day id: appointments booked} (days without any are left out)."""
    day_ids = list(day_ids)
    if not day_ids:
        return {}
    return dict(db.session.execute(select(Appointment.reception_day_id, func.count()).where(
        Appointment.reception_day_id.in_(day_ids), Appointment.state == "booked")
        .group_by(Appointment.reception_day_id)).all())


def refusal(day: ReceptionDay | None, booked: int, today: date) -> ApiError | None:
    """Why ``day`` cannot be booked now, or None when it can.

    :param booked: the appointments already booked on the day.
    """
    if day is None or day.status != "planned":
        return ApiError(404, "reception_day_not_found", "这一天不是该联络站的接待日")
    if day.date < today:
        return ApiError(409, "reception_day_past", "这个接待日已经过去了")
    if booked >= day.capacity:
        return ApiError(409, "reception_day_full", "这个接待日的预约已满，请选择其他日期")
    return None


def bookable_days(station_id: int, today: date, limit: int) -> list[tuple[ReceptionDay, int]]:
    """The station's next ``limit`` days that can be booked, each with its places left."""
    found: list[tuple[ReceptionDay, int]] = []
    offset = 0
    while len(found) < limit:
        days = list(db.session.execute(
            select(ReceptionDay).where(ReceptionDay.station_id == station_id, ReceptionDay.date >= today,
                                       ReceptionDay.status == "planned")
            .order_by(ReceptionDay.date).offset(offset).limit(CHUNK)).scalars())
        booked = booked_count(d.id for d in days)
        for day in days:
            taken = booked.get(day.id, 0)
            if refusal(day, taken, today) is None:
                found.append((day, day.capacity - taken))
                if len(found) == limit:
                    break
        if len(days) < CHUNK:
            break
        offset += CHUNK
    return found
