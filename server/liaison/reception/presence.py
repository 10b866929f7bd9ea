"""Whether a check-in proves the deputy was at the station, and how to say so. Pure.

A scan is *verified* when the phone's position (GCJ-02) lies within the configured
radius of the station's point. Otherwise it is still recorded, unverified, for staff
to confirm: the phone was far away, it sent no position (the deputy refused location),
or the station has no point yet. Check-ins staff record are verified by who made them.
"""
from __future__ import annotations

from typing import NamedTuple

from ..places.geo import distance_text, haversine_m

FAR, NO_LOCATION, STATION_UNLOCATED = "far", "no_location", "station_unlocated"
REASONS = (FAR, NO_LOCATION, STATION_UNLOCATED)
PENDING_LABEL = "待确认"


class Assessment(NamedTuple):
    verified: bool
    reason: str | None  # one of REASONS when not verified
    distance_m: int | None


def assess(station_point: tuple[float | None, float | None], position: tuple[float, float] | None,
           radius_m: float) -> Assessment:
    """Judge one scan.

    :param station_point: the station's (latitude, longitude), either may be ``None``.
    :param position: the phone's (latitude, longitude), ``None`` when it sent none.
    """
    s_lat, s_lon = station_point
    if position is None:
        return Assessment(False, NO_LOCATION, None)
    if s_lat is None or s_lon is None:
        return Assessment(False, STATION_UNLOCATED, None)
    distance = int(round(haversine_m(s_lat, s_lon, position[0], position[1])))
    if distance <= radius_m:
        return Assessment(True, None, distance)
    return Assessment(False, FAR, distance)


def why_unverified(reason: str | None, distance_m: int | None) -> str:
    """"距联络站约3.2公里" / "未获取到手机位置" / "联络站尚未登记位置"."""
    if reason == FAR and distance_m is not None:
        return f"距联络站{distance_text(distance_m)}"
    if reason == STATION_UNLOCATED:
        return "联络站尚未登记位置"
    return "未获取到手机位置"


def status_text(verified: bool, reason: str | None, distance_m: int | None, source: str,
                confirmed: bool) -> str:
    """One Chinese line on a check-in's standing, for the deputy and for staff."""
    if source != "scan" and not confirmed:
        return "工作人员登记"
    if verified and confirmed:
        return "工作人员已确认"
    if verified:
        return f"定位核验通过（距联络站{distance_text(distance_m or 0)}）"
    return f"{why_unverified(reason, distance_m)}，已记录，待工作人员确认"


def duty_status(verified: bool, reason: str | None, distance_m: int | None, source: str,
                confirmed: bool) -> str:
    """The short form in a duty record: the standing, or "待确认（why）"."""
    if verified:
        return status_text(verified, reason, distance_m, source, confirmed)
    return f"{PENDING_LABEL}（{why_unverified(reason, distance_m)}）"


def answer_message(created: bool, verified: bool, text: str) -> str:
    """What the mini-program shows after a scan."""
    if verified:
        return "已签到，进站履职已记录" if created else "今天已签到"
    return text if created else f"今天已签到。{text}"
