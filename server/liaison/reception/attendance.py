"""Deputies' attendance: check-ins by scanning the station code (进站履职), staff
confirming the unverified ones, and receptions staff record at or after the fact. Each
operation commits once; the report summaries follow every committed change on
their own.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import current_app
from sqlalchemy import select

from ..codes.models import Code
from ..core import clock
from ..core.clock import CHINA
from ..core.db import db
from ..core.errors import ApiError
from ..places.geo import position_problem
from ..places.models import Deputy, Station
from .models import CheckIn, ReceptionDay, ReceptionRecord, RotaEntry
from .operations import member_ids
from .presence import assess


def _planned_day(station_id: int, day: date) -> ReceptionDay | None:
    return db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == station_id, ReceptionDay.date == day,
        ReceptionDay.status != "cancelled")).scalar_one_or_none()


def station_by_code(token: str) -> Station:
    code = db.session.execute(select(Code).where(Code.token == token)).scalar_one_or_none()
    if code is None or code.kind != "station" or code.station_id is None:
        raise ApiError(404, "code_not_found", "没有找到这个站码")
    if code.status == "revoked":
        raise ApiError(410, "code_revoked", "此码已停用，请扫描联络站张贴的新站码")
    station = db.session.get(Station, code.station_id)
    if station is None or not station.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站")
    return station


def check_in(user, token: str, now: datetime,
             position: tuple[float, float] | None = None) -> tuple[CheckIn, bool]:
    """A deputy scans their station's code: attendance for today (once a day per station).

    A rotated code still names its station, so an old poster works. Days outside the
    station's reception plan are allowed and marked ``in_plan: false``. The phone's
    ``position`` decides whether the check-in is verified (``presence.assess``); an
    unverified one is recorded all the same, for staff to confirm. Scanning again
    the same day from within the radius verifies an unverified check-in.
    :return: the check-in and whether it was created now.
    :raise ApiError: 403 not a deputy / not this station's deputy, 404/410 bad code,
        422 a position that is no point on Earth.
    """
    if position is not None:
        problem = position_problem(*position)
        if problem:
            raise ApiError(422, "invalid_location", problem,
                           {"fields": {"latitude": [problem], "longitude": [problem]}})
    deputy = db.session.execute(select(Deputy).where(
        Deputy.user_id == user.id, Deputy.active.is_(True))).scalar_one_or_none()
    if deputy is None:
        raise ApiError(403, "not_a_deputy", "只有人大代表本人可以扫站码签到")
    station = station_by_code(token)
    today = clock.china_date(now)
    if deputy.id not in member_ids(station.id, today):
        raise ApiError(403, "not_station_deputy", "您不是本站的代表，请扫描您所在联络站的站码")
    verdict = assess((station.latitude, station.longitude), position,
                     float(current_app.config["CHECKIN_RADIUS_METERS"]))
    existing = db.session.execute(select(CheckIn).where(
        CheckIn.deputy_id == deputy.id, CheckIn.station_id == station.id, CheckIn.day == today)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.verified or not verdict.verified:
            return existing, False
        row = existing
    else:
        row = CheckIn(deputy_id=deputy.id, station_id=station.id, at=now, day=today,
                      in_plan=_planned_day(station.id, today) is not None, source="scan")
        db.session.add(row)
    row.latitude, row.longitude = position if position is not None else (None, None)
    row.verified, row.unverified_reason, row.distance_m = verdict
    db.session.flush()
    return row, existing is None


def confirm(check_in_row: CheckIn, user, now: datetime) -> CheckIn:
    """Staff confirm that the deputy was there (the caller checked they run the station).

    Confirming a verified check-in changes nothing.
    """
    if check_in_row.verified:
        return check_in_row
    check_in_row.verified = True
    check_in_row.confirmed_by_id, check_in_row.confirmed_at = user.id, now
    db.session.flush()
    return check_in_row


def on_rota(check_in_row: CheckIn) -> bool:
    """Whether the deputy was on duty on that reception day (shown to the deputy)."""
    day = _planned_day(check_in_row.station_id, check_in_row.day)
    if day is None:
        return False
    return db.session.execute(select(RotaEntry.id).where(
        RotaEntry.reception_day_id == day.id, RotaEntry.deputy_id == check_in_row.deputy_id)).first() is not None


def record_reception(station: Station, user, values: dict, now: datetime) -> ReceptionRecord:
    """Staff record a reception held (接待记录): who came, how many residents, opinions.

    Every deputy named gets the day's check-in (an existing scan is linked to the
    record, and confirmed if it was unverified, otherwise one is recorded by staff),
    so presence is counted once.
    :raise ApiError: 409 future date or a record for that day already exists; 422 a
        deputy who is not at the station.
    """
    day: date = values["date"]
    today = clock.china_date(now)
    if day > today:
        raise ApiError(409, "reception_in_future", "还没到这一天，不能登记接待记录")
    if db.session.execute(select(ReceptionRecord.id).where(
            ReceptionRecord.station_id == station.id, ReceptionRecord.date == day)).first():
        raise ApiError(409, "reception_record_exists", "这一天的接待记录已经登记过了")
    deputy_ids = list(dict.fromkeys(values.get("deputy_ids") or []))
    members = member_ids(station.id, day) | member_ids(station.id, today)
    strangers = [d for d in deputy_ids if d not in members]
    if strangers:
        raise ApiError(422, "validation_error", "到场代表必须是本站的代表",
                       {"fields": {"deputy_ids": ["到场代表必须是本站的代表"]}})
    planned = _planned_day(station.id, day)
    record = ReceptionRecord(station_id=station.id, date=day, residents=values.get("residents", 0),
                             opinions_registered=values.get("opinions_registered", 0),
                             deputy_ids=deputy_ids, note=values.get("note") or "",
                             in_plan=planned is not None, recorded_by_id=user.id,
                             reception_day_id=planned.id if planned else None)
    db.session.add(record)
    db.session.flush()
    if planned is not None:
        planned.status = "held"
    scans = {c.deputy_id: c for c in db.session.execute(select(CheckIn).where(
        CheckIn.station_id == station.id, CheckIn.day == day, CheckIn.deputy_id.in_(deputy_ids))).scalars()} \
        if deputy_ids else {}
    start = (planned.start if planned else None) or "09:00"
    at = datetime.combine(day, time.fromisoformat(start), CHINA).astimezone(timezone.utc)
    for deputy_id in deputy_ids:
        row = scans.get(deputy_id)
        if row is None:
            db.session.add(CheckIn(deputy_id=deputy_id, station_id=station.id, at=at, day=day,
                                   in_plan=planned is not None, source="staff", recorded_by_id=user.id,
                                   reception_record_id=record.id, verified=True))
            continue
        if row.reception_record_id is None:
            row.reception_record_id = record.id
        if not row.verified:  # staff name the deputy among those who came: that confirms it
            row.verified, row.confirmed_by_id, row.confirmed_at = True, user.id, now
    db.session.flush()
    return record
