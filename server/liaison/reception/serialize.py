"""Reception days, appointments, check-ins and reception records as API JSON."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import clock
from ..core.clock import CHINA
from ..core.db import db
from ..places.models import Deputy, Station
from ..places.serialize import deputy_briefs
from .availability import bookable_days
from .models import Appointment, CheckIn, ReceptionDay, ReceptionRecord, RotaEntry
from .operations import booked_count
from .presence import status_text


def _briefs(ids) -> dict[int, dict]:
    ids = set(ids)
    if not ids:
        return {}
    deputies = db.session.execute(select(Deputy).where(Deputy.id.in_(ids))).scalars()
    return {b["id"]: b for b in deputy_briefs(deputies)}


def deputy_names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(ids))).all())


def days(rows: list[ReceptionDay]) -> list[dict]:
    """ReceptionDay JSON: ``{"id", "date", "start", "end", "deputies", "slots_left", ...}``."""
    ids = [d.id for d in rows]
    rota = db.session.execute(select(RotaEntry.reception_day_id, RotaEntry.deputy_id)
                              .where(RotaEntry.reception_day_id.in_(ids)).order_by(RotaEntry.id)).all() if ids else []
    briefs = _briefs(r.deputy_id for r in rota)
    booked = booked_count(ids)
    out = []
    for d in rows:
        out.append({"id": d.id, "date": d.date.isoformat(), "start": d.start, "end": d.end,
                    "status": d.status, "source": d.source, "note": d.note, "capacity": d.capacity,
                    "booked": booked.get(d.id, 0),
                    "slots_left": max(0, d.capacity - booked.get(d.id, 0)) if d.status == "planned" else 0,
                    "deputies": [briefs[r.deputy_id] for r in rota
                                 if r.reception_day_id == d.id and r.deputy_id in briefs]})
    return out


APPOINTMENT_LABELS = {"booked": "已预约", "cancelled": "已取消", "attended": "已到场"}


def appointment(a: Appointment, today: date) -> dict:
    """A resident's booking; a booked day that has passed is labelled 已过期 (it cannot be cancelled)."""
    day = db.session.get(ReceptionDay, a.reception_day_id)
    station = db.session.get(Station, day.station_id)
    upcoming = day.date >= today
    label = APPOINTMENT_LABELS.get(a.state, a.state)
    if a.state == "booked" and not upcoming:
        label = "已过期"
    return {"id": a.id, "station": {"id": station.id, "name": station.name, "address": station.address,
                                    "latitude": station.latitude, "longitude": station.longitude},
            "date": day.date.isoformat(), "start": day.start, "end": day.end, "state": a.state,
            "state_label": label, "day_cancelled": day.status == "cancelled", "upcoming": upcoming,
            "can_cancel": a.state == "booked" and upcoming, "note": a.note}


def check_in(c: CheckIn, on_rota: bool | None = None) -> dict:
    station = db.session.get(Station, c.station_id)
    out = {"id": c.id, "station": {"id": station.id, "name": station.name},
           "deputy_id": c.deputy_id, "date": c.day.isoformat(),
           "at": c.at.astimezone(CHINA).isoformat(timespec="seconds"),
           "in_plan": c.in_plan, "source": c.source, "reception_record_id": c.reception_record_id,
           "verified": c.verified, "unverified_reason": c.unverified_reason, "distance_m": c.distance_m,
           "confirmed": c.confirmed_by_id is not None, "verification": verification(c)}
    if on_rota is not None:
        out["on_rota"] = on_rota
    return out


def verification(c: CheckIn) -> str:
    """The check-in's standing in Chinese ("距联络站约3.2公里，已记录，待工作人员确认")."""
    return status_text(c.verified, c.unverified_reason, c.distance_m, c.source, c.confirmed_by_id is not None)


def record(r: ReceptionRecord) -> dict:
    briefs = _briefs(r.deputy_ids or [])
    return {"id": r.id, "station_id": r.station_id, "date": r.date.isoformat(), "residents": r.residents,
            "opinions_registered": r.opinions_registered, "in_plan": r.in_plan, "note": r.note,
            "deputies": [briefs[i] for i in r.deputy_ids or [] if i in briefs]}


def upcoming_notice(station_id: int, today: date) -> str:
    """"下次接待：12月15日（周二）9:00-11:30，值班代表：王明、李华" (empty without a planned day)."""
    from ..places.schedule import format_day, hours_of

    day = db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == station_id, ReceptionDay.date >= today,
        ReceptionDay.status == "planned").order_by(ReceptionDay.date).limit(1)).scalar_one_or_none()
    if day is None:
        return ""
    names = [b["name"] for b in days([day])[0]["deputies"]]
    text = f"下次接待：{format_day(day.date)} {hours_of({'start': day.start, 'end': day.end})}"
    return text + (f"，值班代表：{'、'.join(names)}" if names else "")


NEXT_DAYS = 3


def next_reception_days(station: Station, today: date | None = None) -> list[dict]:
    """The next reception days a resident can book (``reception.availability``): stored,
    planned, not past, with places left. The plan alone advertises no date: what the
    station page offers is exactly what a booking accepts."""
    today = today or clock.today()
    found = bookable_days(station.id, today, NEXT_DAYS)
    days = [d for d, _ in found]
    rota = db.session.execute(select(RotaEntry.reception_day_id, RotaEntry.deputy_id).where(
        RotaEntry.reception_day_id.in_([d.id for d in days])).order_by(RotaEntry.id)).all() if days else []
    deputies = {d.id: d for d in db.session.execute(
        select(Deputy).where(Deputy.id.in_({r.deputy_id for r in rota}))).scalars()} if rota else {}
    briefs = {b["id"]: b for b in deputy_briefs(deputies.values())}
    return [{"date": d.date.isoformat(), "start": d.start, "end": d.end, "slots_left": left,
             "deputies": [briefs[r.deputy_id] for r in rota if r.reception_day_id == d.id and r.deputy_id in briefs]}
            for d, left in found]


def station_days(station: Station, today: date) -> dict:
    """What a station's detail adds from reception (``places.serialize.station_shown``)."""
    return {"next_reception_days": next_reception_days(station, today)}
