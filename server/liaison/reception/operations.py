"""Use cases of reception planning: the plan, the year's reception days, appointments,
following a station. Each operation commits once; check-ins and reception records
are in ``attendance.py``.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select, update

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Deputy, Membership, Station
from ..places.scopes import current_membership
from ..core.clock import CHINA
from .availability import booked_count, refusal
from .models import Appointment, ReceptionDay, RotaEntry, StationFollow
from .plan import assign_rota, normalize_plan, year_dates

DAY_STATUSES = ("planned", "held", "cancelled")


def member_ids(station_id: int, today: date) -> set[int]:
    """The station's current, active deputies."""
    return set(db.session.execute(
        select(Membership.deputy_id).join(Deputy, Deputy.id == Membership.deputy_id)
        .where(Membership.station_id == station_id, Deputy.active.is_(True),
               current_membership(today))).scalars())


def save_plan(station: Station, data: dict, today: date) -> dict:
    """Replace the station's reception plan (fixed days, hours, capacity, rota)."""
    plan = normalize_plan(data, member_ids(station.id, today),  # or PlanError: 422
                          int(current_app.config["RECEPTION_DEFAULT_CAPACITY"]))
    station.reception_plan = plan
    db.session.flush()
    return plan


def generate_year(station: Station, year: int, today: date, replace: bool = False) -> dict:
    """Create the year's reception days (年度接待计划) from the plan, from today on.

    Days that already exist are kept (staff edits survive); with ``replace``, future
    days generated from an earlier plan and without bookings are dropped first.
    Turns of duty follow the rota over the whole year, so regenerating gives the
    same deputy the same day.
    """
    plan = station.reception_plan or {}
    dates = year_dates(plan, year)
    members = member_ids(station.id, today)
    rota = [d for d in plan.get("rota") or [] if d in members]
    turns = assign_rota(dates, rota, int(plan.get("per_day") or 1))
    existing = {d.date: d for d in db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == station.id, ReceptionDay.date >= date(year, 1, 1),
        ReceptionDay.date <= date(year, 12, 31))).scalars()}
    removed = 0
    if replace:
        booked = set(booked_count(d.id for d in existing.values()))
        for day in list(existing.values()):
            if day.date > today and day.source == "plan" and day.status == "planned" and day.id not in booked:
                db.session.delete(day)
                del existing[day.date]
                removed += 1
        db.session.flush()
    capacity = int(plan.get("capacity", current_app.config["RECEPTION_DEFAULT_CAPACITY"]))
    created = 0
    for d in dates:
        if d < today or d in existing:
            continue
        day = ReceptionDay(station_id=station.id, date=d, start=plan.get("start") or "09:00",
                           end=plan.get("end") or "11:30", capacity=capacity, source="plan")
        day.rota = [RotaEntry(deputy_id=dep) for dep in turns[d]]
        db.session.add(day)
        created += 1
    db.session.flush()
    return {"created": created, "removed": removed, "kept": len(existing)}


def _rota(day: ReceptionDay, deputy_ids, station_id: int, today: date) -> None:
    if not isinstance(deputy_ids, list) or any(isinstance(d, bool) or not isinstance(d, int) for d in deputy_ids):
        raise ApiError(422, "validation_error", "值班代表应为代表编号列表",
                       {"fields": {"deputy_ids": ["值班代表应为代表编号列表"]}})
    members = member_ids(station_id, today)
    if any(d not in members for d in deputy_ids):
        raise ApiError(422, "validation_error", "值班代表必须是本站的代表",
                       {"fields": {"deputy_ids": ["值班代表必须是本站的代表"]}})
    # Keep the rows of deputies who stay on the rota: a new row for the same deputy would be
    # inserted before the old one is deleted and break the day's unique (day, deputy) key.
    kept = {e.deputy_id: e for e in day.rota}
    day.rota = [kept.get(d) or RotaEntry(deputy_id=d) for d in dict.fromkeys(deputy_ids)]


def _times(start: str, end: str) -> None:
    from .plan import _TIME

    if not (_TIME.match(start) and _TIME.match(end)) or start >= end:
        raise ApiError(422, "validation_error", "接待时间不正确（HH:MM，结束晚于开始）",
                       {"fields": {"start": ["接待时间不正确"]}})


def add_day(station: Station, values: dict, today: date) -> ReceptionDay:
    """A reception day staff add by hand (an extra or moved reception)."""
    if values["date"] < today:
        raise ApiError(409, "reception_day_past", "不能安排已经过去的日期")
    if db.session.execute(select(ReceptionDay.id).where(
            ReceptionDay.station_id == station.id, ReceptionDay.date == values["date"])).first():
        raise ApiError(409, "reception_day_exists", "这一天已经是接待日，请直接修改")
    plan = station.reception_plan or {}
    day = ReceptionDay(station_id=station.id, date=values["date"], source="manual",
                       start=values.get("start") or plan.get("start") or "09:00",
                       end=values.get("end") or plan.get("end") or "11:30",
                       capacity=values.get("capacity", plan.get("capacity", current_app.config["RECEPTION_DEFAULT_CAPACITY"])),
                       note=values.get("note") or "")
    _times(day.start, day.end)
    _rota(day, values.get("deputy_ids") or [], station.id, today)
    db.session.add(day)
    db.session.flush()
    return day


def update_day(day: ReceptionDay, values: dict, today: date) -> ReceptionDay:
    """Move, re-time, re-staff or cancel a reception day; booked residents hear of a cancel."""
    if "date" in values and values["date"] != day.date:
        if values["date"] < today:
            raise ApiError(409, "reception_day_past", "不能改到已经过去的日期")
        if db.session.execute(select(ReceptionDay.id).where(
                ReceptionDay.station_id == day.station_id, ReceptionDay.date == values["date"])).first():
            raise ApiError(409, "reception_day_exists", "这一天已经是接待日")
        day.date, day.source, day.reminded_at = values["date"], "manual", None
    for key in ("start", "end", "capacity", "note"):
        if key in values:
            setattr(day, key, values[key])
    _times(day.start, day.end)
    if "deputy_ids" in values:
        _rota(day, values["deputy_ids"], day.station_id, today)
        day.source = "manual"
    cancelled = values.get("status") == "cancelled" and day.status != "cancelled"
    if "status" in values:
        day.status = values["status"]
    if cancelled:
        _tell_of_cancel(day)
        db.session.execute(Appointment.__table__.update().where(
            Appointment.reception_day_id == day.id, Appointment.state == "booked").values(state="cancelled"))
    db.session.flush()
    if cancelled:
        from ..notifications import outbox

        outbox.kick_after_commit()
    return day


def _tell_of_cancel(day: ReceptionDay) -> None:
    """Every resident booked on ``day`` hears of its cancellation through the outbox (no
    commit): the in-app message and, with their consent, the WeChat appointment message;
    the deputies on its rota too (their reception template), so nobody comes for nothing."""
    from ..notifications import outbox

    station = db.session.get(Station, day.station_id)
    body = (f"{station.name}{day.date.month}月{day.date.day}日的接待已取消，"
            f"您的预约随之取消。{day.note or ''}").strip()
    starts = datetime.combine(day.date, time.fromisoformat(day.start), CHINA)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")  # a day cancelled, restored and cancelled again
    fields = {"station": station.name, "station_id": station.id, "time": starts}
    for user_id in db.session.execute(select(Appointment.user_id).where(
            Appointment.reception_day_id == day.id, Appointment.state == "booked")).scalars():
        outbox.emit_direct(user_id, "appointment_cancelled", "接待日取消通知", body, fields,
                           dedupe_key=f"reception-cancelled:{day.id}:{stamp}:{user_id}", audience="resident")
    duty = (f"{station.name}{day.date.month}月{day.date.day}日的接待已取消，"
            f"您这天不用到站值班。{day.note or ''}").strip()
    for user_id in db.session.execute(select(Deputy.user_id).join(RotaEntry, RotaEntry.deputy_id == Deputy.id)
                                      .where(RotaEntry.reception_day_id == day.id,
                                             Deputy.user_id.is_not(None))).scalars():
        outbox.emit_direct(user_id, "reception_cancelled", "接待日取消通知", duty, fields,
                           dedupe_key=f"reception-cancelled:{day.id}:{stamp}:{user_id}", audience="deputy")


def book(user, station_id: int, day_date: date, note: str, today: date) -> Appointment:
    """预约接待: a place on a reception day of the station that can be booked
    (``availability.refusal``: the same rule that picks the days a station advertises).
    """
    day = db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == station_id, ReceptionDay.date == day_date)
        .with_for_update()).scalar_one_or_none()
    appointment = None if day is None else db.session.execute(select(Appointment).where(
        Appointment.reception_day_id == day.id, Appointment.user_id == user.id)).scalar_one_or_none()
    refused = refusal(day, booked_count([day.id]).get(day.id, 0) if day is not None else 0, today)
    mine = appointment is not None and appointment.state == "booked"
    if mine and (refused is None or refused.code == "reception_day_full"):
        raise ApiError(409, "already_booked", "您已经预约了这个接待日")
    if refused is not None:
        raise refused
    if appointment is None:
        appointment = Appointment(reception_day_id=day.id, user_id=user.id)
        db.session.add(appointment)
    appointment.state, appointment.note = "booked", note or ""
    db.session.flush()
    return appointment


def cancel(user, appointment_id: int, today: date) -> Appointment:
    """Cancel one of the user's bookings of a day to come.

    A second cancel changes nothing: the row is updated only while it is still booked,
    so two taps (or two phones) at once cancel it once and the other gets the 409.

    :raise ApiError: 404 for another's or an unknown booking; 409 for a booking already
        cancelled (by the resident or with its reception day), attended, or of a past day.
    """
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.user_id != user.id:
        raise ApiError(404, "appointment_not_found", "没有找到这个预约")
    day = db.session.get(ReceptionDay, appointment.reception_day_id)
    if appointment.state == "attended":
        raise ApiError(409, "appointment_attended", "这次接待您已到场，不能再取消")
    if appointment.state == "cancelled":
        raise ApiError(409, "appointment_cancelled", "这个预约已经取消了")
    if day.date < today:
        raise ApiError(409, "appointment_past", "接待日已经过去，不能再取消预约")
    done = db.session.execute(update(Appointment).where(
        Appointment.id == appointment.id, Appointment.state == "booked").values(state="cancelled"))
    if done.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "appointment_cancelled", "这个预约已经取消了")
    db.session.flush()
    db.session.refresh(appointment)
    return appointment


def follow(user, station: Station, on: bool) -> bool:
    """Follow (关注) or unfollow a station; returns whether the user now follows it."""
    row = db.session.execute(select(StationFollow).where(
        StationFollow.user_id == user.id, StationFollow.station_id == station.id)).scalar_one_or_none()
    if on and row is None:
        db.session.add(StationFollow(user_id=user.id, station_id=station.id))
    elif not on and row is not None:
        db.session.delete(row)
    db.session.flush()
    return on
