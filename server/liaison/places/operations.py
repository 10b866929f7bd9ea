"""Writes of stations, deputies and memberships (the admin pages call them). Each
commits once, with its audit rows (who, before → after) in the same transaction; the
values are checked here, scope is checked by the caller.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..audit.log import (DEPUTY_FIELDS, MEMBERSHIP_FIELDS, STATION_FIELDS, record,
                         record_change, snapshot)
from ..core import clock
from ..core.db import db
from ..core.errors import DomainError
from .scopes import is_current
from .geo import parse_station_point
from .importer import PHONE_RE
from .models import DEPUTY_LEVELS, STATION_KINDS, Deputy, Membership, Station
from .serialize import deputy_place

MEMBERSHIP_KINDS = {"home": "驻站", "cross": "交叉进站"}


class PlaceError(DomainError):
    """A refused station or deputy edit (422), shown beside the page's form."""

    def __init__(self, message: str):
        super().__init__("place_refused", message, 422)


def _phone(value: str) -> str:
    if value and not PHONE_RE.match(value):
        raise PlaceError("电话号码格式不正确（手机 11 位，或区号-座机号）")
    return value


def update_station(station: Station, values: dict, *, actor) -> Station:
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
    before = snapshot(station, STATION_FIELDS)
    station.name = name[:120]
    station.kind = values["kind"]
    station.address = values.get("address", "")[:255]
    station.open_hours = values.get("open_hours", "")[:120]
    station.master_name = values.get("master_name", "")[:50]
    station.phone = _phone(values.get("phone", ""))[:30]
    station.notice = values.get("notice", "")[:2000]
    station.latitude, station.longitude = latitude, longitude
    record_change("station.updated", "station", station.id, before, snapshot(station, STATION_FIELDS),
                  actor=actor, subject=station.name, region_id=station.region_id, station_id=station.id)
    db.session.flush()
    return station


PHONE_IS_PROOF = ("代表的手机号用于核验本人身份（绑定微信），只能由代表驻站所在地的人大工委修改；"
                  "其他信息已可修改，请保留原手机号后再保存。")


def update_deputy(deputy: Deputy, values: dict, *, actor, may_change_phone: bool = True) -> Deputy:
    """Save the deputy's profile; commits once.

    :param may_change_phone: the phone on file proves who may bind the deputy's WeChat
        (``users.roles``), so only the NPC office over the deputy's home may change it.
    :raise PlaceError: a missing name or level, a bad phone, or a phone change not allowed.
    """
    name = values.get("name", "").strip()
    if not name:
        raise PlaceError("代表姓名不能为空")
    levels = [lv for lv in DEPUTY_LEVELS if lv in values.get("levels", [])]
    if not levels:
        raise PlaceError("请至少选择一个代表层级")
    phone = _phone(values.get("phone", ""))[:30]
    if phone != (deputy.phone or "") and not may_change_phone:
        raise PlaceError(PHONE_IS_PROOF)
    before = snapshot(deputy, DEPUTY_FIELDS)
    deputy.name = name[:50]
    deputy.levels = levels
    deputy.work_unit = values.get("work_unit", "")[:120]
    deputy.post = values.get("post", "")[:120]
    deputy.phone = phone
    deputy.email = values.get("email", "")[:120]
    deputy.is_official = bool(values.get("is_official"))
    deputy.is_senior_official = bool(values.get("is_senior_official"))
    region_id, station_id = deputy_place(deputy.id)
    record_change("deputy.updated", "deputy", deputy.id, before, snapshot(deputy, DEPUTY_FIELDS),
                  actor=actor, subject=deputy.name, region_id=region_id, station_id=station_id)
    db.session.flush()
    return deputy


def current_memberships(deputy_id: int) -> list[Membership]:
    today = clock.today()
    rows = db.session.execute(select(Membership).where(Membership.deputy_id == deputy_id)
                              .order_by(Membership.kind != "home", Membership.id)).scalars()
    return [m for m in rows if is_current(m.started_on, m.ended_on, today)]


def _audit_membership(m: Membership, before: dict | None, deputy: Deputy, station: Station, actor) -> None:
    """One row per membership changed: started (new), ended, or changed (kind, dates)."""
    after = snapshot(m, MEMBERSHIP_FIELDS)
    where = {"actor": actor, "subject": f"{deputy.name} · {station.name}",
             "region_id": station.region_id, "station_id": station.id}
    if before is None:
        record("membership.started", "membership", m.id, after=after, **where)
    else:
        ended = before.get("ended_on") is None and after.get("ended_on") is not None
        record_change("membership.ended" if ended else "membership.changed", "membership", m.id,
                      before, after, **where)


def move_deputy(deputy: Deputy, from_station_id: int | None, to_station: Station, kind: str,
                *, actor) -> Membership:
    """End the deputy's place at ``from_station_id`` (if any) and seat them at ``to_station``.

    The old membership ends yesterday (kept for the duty record); a past membership
    at the target station is revived rather than duplicated.
    """
    if kind not in MEMBERSHIP_KINDS:
        raise PlaceError("请选择进站方式")
    today = clock.today()
    current = {m.station_id: m for m in current_memberships(deputy.id)}
    if to_station.id in current and to_station.id != from_station_id:
        raise PlaceError("这位代表已经在该联络站了")
    if from_station_id is not None:
        old = current.get(from_station_id)
        if old is None:
            raise PlaceError("这位代表不在原联络站")
        if from_station_id != to_station.id:
            old_before = snapshot(old, MEMBERSHIP_FIELDS)
            old.ended_on = today - timedelta(days=1)
            _audit_membership(old, old_before, deputy, old.station, actor)
    target = db.session.execute(select(Membership).where(
        Membership.deputy_id == deputy.id, Membership.station_id == to_station.id)).scalars().first()
    before = snapshot(target, MEMBERSHIP_FIELDS) if target is not None else None
    if target is None:
        target = Membership(deputy_id=deputy.id, station_id=to_station.id, started_on=today)
        db.session.add(target)
    elif target.ended_on is not None and target.ended_on < today:
        target.started_on = today
    target.ended_on = None
    target.kind = kind
    db.session.flush()
    _audit_membership(target, before, deputy, to_station, actor)
    db.session.flush()
    return target


def end_membership(deputy: Deputy, station_id: int, *, actor) -> None:
    """The deputy leaves the station (from today on they are no longer listed there)."""
    current = {m.station_id: m for m in current_memberships(deputy.id)}
    if station_id not in current:
        raise PlaceError("这位代表不在该联络站")
    membership = current[station_id]
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.ended_on = clock.today() - timedelta(days=1)
    _audit_membership(membership, before, deputy, membership.station, actor)
    db.session.flush()
