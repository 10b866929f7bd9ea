"""Booking a reception day from the station page (预约接待), for residents without the
mini-program: the days offered are the station's advertised ones
(``reception.serialize.next_reception_days``), and the booking is ``reception.operations.book``,
the same operation and Chinese messages as ``POST /api/v1/appointments``.

The page is a GET (the login round trip comes back to it, date included); the form
posts to the same address and returns to the station page.
"""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..core import clock
from ..places.models import Station
from ..places.schedule import format_day, hours_of
from ..reception.serialize import next_reception_days
from ..reception.models import Appointment, ReceptionDay
from ..reception.operations import book as book_day
from .auth import resident_required
from .blueprint import bp


def _station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站")
    return station


def _mine(user_id: int, station_id: int, dates: list[str]) -> set[str]:
    """Which of ``dates`` the resident has booked at the station already."""
    if not dates:
        return set()
    rows = db.session.execute(select(ReceptionDay.date).join(Appointment, Appointment.reception_day_id == ReceptionDay.id)
                              .where(ReceptionDay.station_id == station_id, Appointment.user_id == user_id,
                                     Appointment.state == "booked",
                                     ReceptionDay.date.in_([date.fromisoformat(d) for d in dates]))).scalars()
    return {d.isoformat() for d in rows}


def _form(user, station: Station, chosen: str, note: str, error: str = "", status: int = 200):
    days = next_reception_days(station, clock.today())
    booked = _mine(user.id, station.id, [d["date"] for d in days])
    if chosen not in {d["date"] for d in days} - booked:
        chosen = next((d["date"] for d in days if d["date"] not in booked), "")
    return render_template("h5/book.html", station=station, days=days, booked=booked, chosen=chosen,
                           note=note, error=error, user=user), status


@bp.get("/h5/stations/<int:station_id>/book")
@resident_required
def book_form(user, station_id):
    station = _station(station_id)
    return _form(user, station, (request.args.get("date") or "")[:10], "")


@bp.post("/h5/stations/<int:station_id>/book")
@resident_required
def book(user, station_id):
    station = _station(station_id)
    raw = (request.form.get("date") or "").strip()[:10]
    note = (request.form.get("note") or "").strip()[:255]
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return _form(user, station, "", note, "请选择一个接待日", 422)
    try:
        appointment = book_day(user, station.id, day, note, clock.today())
    except DomainError as exc:
        return _form(user, station, raw, note, exc.message, exc.status)
    reception = db.session.get(ReceptionDay, appointment.reception_day_id)
    when = f"{format_day(reception.date)} {hours_of({'start': reception.start, 'end': reception.end})}".strip()
    flash(f"预约成功：{when}，请按时到{station.name}。如不能前来，请提前告知联络站。", "success")
    return redirect(url_for("h5.station", station_id=station.id))
