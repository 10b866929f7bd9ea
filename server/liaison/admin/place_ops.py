"""Staff edits of stations and deputies from the admin pages. Each commits once.

(Kept beside the pages until ``places`` grows its own operations module; they
only write ``places`` models and check the values, scope is checked by the caller.)
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..core.db import db
from ..core.scopes import is_current
from ..opinions.timeutil import local_today
from ..places.geo import parse_station_point
from ..places.importer import PHONE_RE
from ..places.models import DEPUTY_LEVELS, STATION_KINDS, Deputy, Membership, Station

MEMBERSHIP_KINDS = {"home": "驻站", "cross": "交叉进站"}


class PlaceError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _phone(value: str) -> str:
    if value and not PHONE_RE.match(value):
        raise PlaceError("电话号码格式不正确（手机 11 位，或区号-座机号）")
    return value


def update_station(station: Station, values: dict) -> Station:
    name = values.get("name", "").strip()
    if not name:
        raise PlaceError("联络站名称不能为空")
    if values.get("kind") not in STATION_KINDS:
        raise PlaceError("请选择站点类型")
    latitude, longitude = station.latitude, station.longitude
    if "latitude" in values or "longitude" in values:  # a form without the fields keeps the point
        try:
            latitude, longitude = parse_station_point(values.get("latitude", ""), values.get("longitude", ""))
        except ValueError as exc:
            raise PlaceError(str(exc)) from None
    clash = db.session.execute(select(Station.id).where(
        func.lower(Station.name) == name.lower(), Station.id != station.id)).first()
    if clash:
        raise PlaceError("已有同名的联络站")
    station.name = name[:120]
    station.kind = values["kind"]
    station.address = values.get("address", "")[:255]
    station.open_hours = values.get("open_hours", "")[:120]
    station.master_name = values.get("master_name", "")[:50]
    station.phone = _phone(values.get("phone", ""))[:30]
    station.notice = values.get("notice", "")[:2000]
    station.latitude, station.longitude = latitude, longitude
    db.session.commit()
    return station


def update_deputy(deputy: Deputy, values: dict) -> Deputy:
    name = values.get("name", "").strip()
    if not name:
        raise PlaceError("代表姓名不能为空")
    levels = [lv for lv in DEPUTY_LEVELS if lv in values.get("levels", [])]
    if not levels:
        raise PlaceError("请至少选择一个代表层级")
    deputy.name = name[:50]
    deputy.levels = levels
    deputy.work_unit = values.get("work_unit", "")[:120]
    deputy.post = values.get("post", "")[:120]
    deputy.phone = _phone(values.get("phone", ""))[:30]
    deputy.email = values.get("email", "")[:120]
    deputy.is_official = bool(values.get("is_official"))
    deputy.is_senior_official = bool(values.get("is_senior_official"))
    db.session.commit()
    return deputy


def current_memberships(deputy_id: int) -> list[Membership]:
    today = local_today()
    rows = db.session.execute(select(Membership).where(Membership.deputy_id == deputy_id)
                              .order_by(Membership.kind != "home", Membership.id)).scalars()
    return [m for m in rows if is_current(m.started_on, m.ended_on, today)]


def move_deputy(deputy: Deputy, from_station_id: int | None, to_station: Station, kind: str) -> Membership:
    """End the deputy's place at ``from_station_id`` (if any) and seat them at ``to_station``.

    The old membership ends yesterday (kept for the duty record); a past membership
    at the target station is revived rather than duplicated.
    """
    if kind not in MEMBERSHIP_KINDS:
        raise PlaceError("请选择进站方式")
    today = local_today()
    current = {m.station_id: m for m in current_memberships(deputy.id)}
    if to_station.id in current and to_station.id != from_station_id:
        raise PlaceError("这位代表已经在该联络站了")
    if from_station_id is not None:
        old = current.get(from_station_id)
        if old is None:
            raise PlaceError("这位代表不在原联络站")
        if from_station_id != to_station.id:
            old.ended_on = today - timedelta(days=1)
    target = db.session.execute(select(Membership).where(
        Membership.deputy_id == deputy.id, Membership.station_id == to_station.id)).scalars().first()
    if target is None:
        target = Membership(deputy_id=deputy.id, station_id=to_station.id, started_on=today)
        db.session.add(target)
    elif target.ended_on is not None and target.ended_on < today:
        target.started_on = today
    target.ended_on = None
    target.kind = kind
    db.session.commit()
    return target


def end_membership(deputy: Deputy, station_id: int) -> None:
    """The deputy leaves the station (from today on they are no longer listed there)."""
    current = {m.station_id: m for m in current_memberships(deputy.id)}
    if station_id not in current:
        raise PlaceError("这位代表不在该联络站")
    current[station_id].ended_on = local_today() - timedelta(days=1)
    db.session.commit()
