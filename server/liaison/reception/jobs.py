"""Reception jobs (listed in ``core.jobs.PERIODIC``): next year's reception days, made
in December, and the day-before reminders.

``plan_next_year`` runs daily; in December it generates next year's days of every
active station with a plan that has no generated days in that year yet (so it plans
each station-year once, and a day staff later move or cancel is not brought back). Staff add what is missing with
the button on the station's reception page, the office with ``flask reception plan``.

The reminders are safe to run twice and from several workers: a day is claimed by setting its
``reminded_at`` with a conditional UPDATE, so only one run writes its messages. A deputy put on
tomorrow's rota after the day's reminders went out is still reminded by the next run (each
deputy's reminder has its own dedupe key, ``reception:<day>:<date>:<user>``, so nobody is
reminded twice of one duty day).
Each reminder goes through the notifications outbox (``outbox.emit_direct``: an
in-app message plus, where the event has a WeChat template, a WeChat message that
opens the station):
``reception_reminder`` to the deputies on duty, ``appointment_reminder`` to residents
who booked, ``reception_notice`` (in-app only) to the station's followers.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.clock import CHINA
from ..core.db import db
from ..core.transaction import checkpoint, savepoint
from ..core.jobs import with_app
from ..places.models import Deputy, Station
from .models import Appointment, ReceptionDay, RotaEntry, StationFollow
from .operations import generate_year
from .plan import reminder_due, reminder_texts

log = logging.getLogger(__name__)


EVENTS = {"deputy": ("reception_reminder", "deputy"), "booked": ("appointment_reminder", "resident"),
          "follower": ("reception_notice", "resident")}


PLANNING_MONTH = 12  # next year's days are made in December


def plan_year(year: int, today: date, station_ids=None, only_unplanned: bool = False) -> int:
    """Generate ``year``'s reception days of the active stations from their plans.

    :param station_ids: only these stations (default: every active station with a plan).
    :param only_unplanned: skip a station that already has days generated from its plan
        in ``year`` (days staff added by hand do not count: they do not stop the plan).
    :return: the number of days created. Each station commits on its own; a station
        another run is planning at the same moment is left to that run.
    """
    q = select(Station.id).where(Station.active.is_(True)).order_by(Station.id)
    if station_ids:
        q = q.where(Station.id.in_(station_ids))
    if only_unplanned:
        q = q.where(~exists().where(ReceptionDay.station_id == Station.id, ReceptionDay.source == "plan",
                                    ReceptionDay.date >= date(year, 1, 1),
                                    ReceptionDay.date <= date(year, 12, 31)))
    created = 0
    for station_id in list(db.session.execute(q).scalars()):
        station = db.session.get(Station, station_id)
        if not station.reception_plan:
            continue
        try:
            with savepoint():
                created += generate_year(station, year, today)["created"]
        except IntegrityError:  # another run made the same days meanwhile: theirs stand
            pass
    return created


@with_app
def plan_next_year(now: datetime | None = None) -> int:
    """In December, next year's reception days for every station not planned yet.

    :param now: the moment to act as (tests move the clock); default: now.
    :return: the number of days created (0 outside December).
    """
    today = clock.china_date(now or clock.now())
    if today.month != PLANNING_MONTH:
        return 0
    return plan_year(today.year + 1, today, only_unplanned=True)


@with_app
def send_reminders(now: datetime | None = None) -> int:
    """Remind tomorrow's deputies on duty, residents who booked and the station's followers.

    :return: the number of messages written.
    """
    now = clock.in_china(now or clock.now())
    tomorrow = now.date() + timedelta(days=1)
    if not reminder_due(tomorrow, now, int(current_app.config["RECEPTION_REMINDER_HOUR"])):
        return 0
    days = list(db.session.execute(select(ReceptionDay.id, ReceptionDay.reminded_at).where(
        ReceptionDay.date == tomorrow, ReceptionDay.status == "planned")).all())
    written = 0
    for day_id, reminded_at in days:
        if reminded_at is not None:  # sent already: only a deputy added to the rota since
            try:
                with savepoint():
                    written += _remind_late_rota(db.session.get(ReceptionDay, day_id))
            except IntegrityError:  # another run wrote the same reminder meanwhile
                pass
            checkpoint()
            continue
        claimed = db.session.execute(update(ReceptionDay).where(
            ReceptionDay.id == day_id, ReceptionDay.reminded_at.is_(None))
            .values(reminded_at=clock.now()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        written += _remind(db.session.get(ReceptionDay, day_id))
        checkpoint()
    if written:
        from ..notifications import outbox

        outbox.kick_after_commit()
    return written


def _on_duty(day: ReceptionDay) -> list[Deputy]:
    return list(db.session.execute(select(Deputy).join(RotaEntry, RotaEntry.deputy_id == Deputy.id).where(
        RotaEntry.reception_day_id == day.id).order_by(RotaEntry.id)).scalars())


def _emit(day: ReceptionDay, station: Station, user_id: int, kind: str, texts: dict) -> bool:
    from ..notifications import outbox

    title, body = texts[kind]
    event, who = EVENTS[kind]
    starts = datetime.combine(day.date, time.fromisoformat(day.start), CHINA)
    return outbox.emit_direct(user_id, event, title, body,
                              {"station": station.name, "station_id": station.id, "time": starts},
                              dedupe_key=f"reception:{day.id}:{day.date.isoformat()}:{user_id}",
                              audience=who)


def _remind_late_rota(day: ReceptionDay) -> int:
    """The day's deputies not reminded yet (put on the rota after the reminders went out)."""
    station = db.session.get(Station, day.station_id)
    on_duty = _on_duty(day)
    texts = reminder_texts(station.name, day.date, day.start, day.end, [d.name for d in on_duty])
    return sum(_emit(day, station, d.user_id, "deputy", texts) for d in on_duty if d.user_id)


def _remind(day: ReceptionDay) -> int:
    station = db.session.get(Station, day.station_id)
    on_duty = _on_duty(day)
    texts = reminder_texts(station.name, day.date, day.start, day.end, [d.name for d in on_duty])
    audience: dict[int, str] = {}
    for deputy in on_duty:
        if deputy.user_id:
            audience[deputy.user_id] = "deputy"
    for user_id in db.session.execute(select(Appointment.user_id).where(
            Appointment.reception_day_id == day.id, Appointment.state == "booked")).scalars():
        audience.setdefault(user_id, "booked")
    for user_id in db.session.execute(select(StationFollow.user_id).where(
            StationFollow.station_id == station.id)).scalars():
        audience.setdefault(user_id, "follower")
    for user_id, kind in audience.items():
        _emit(day, station, user_id, kind, texts)
    return len(audience)
