"""Coordinates of stations and phones: checking them and the distance between two points.

Pure: no Flask, no database. Coordinates are GCJ-02 (what Tencent and Amap maps show and
what ``wx.getLocation({type: 'gcj02'})`` returns); mixing in Baidu's BD-09 or raw GPS
WGS-84 points shifts them by a few hundred metres, so staff should pick station points on
a Tencent or Amap map.
"""
from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
# GCJ-02 is only defined inside China; a station point outside this box is a typo
# (swapped columns, a missing decimal point, 0/0).
CHINA_LATITUDE = (3.0, 54.0)
CHINA_LONGITUDE = (73.0, 136.0)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def position_problem(latitude, longitude) -> str | None:
    """Why a phone's position is nonsense (in Chinese), or ``None`` if it is a point on Earth."""
    if not (_finite(latitude) and _finite(longitude)):
        return "位置坐标必须是有效数字"
    if not -90 <= latitude <= 90:
        return "纬度应在 -90 到 90 之间"
    if not -180 <= longitude <= 180:
        return "经度应在 -180 到 180 之间"
    return None


def _number(text: str, label: str) -> float:
    cleaned = text.strip().rstrip("°")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{label}“{text}”不是数字（例如 28.1955）") from None
    if not math.isfinite(value):
        raise ValueError(f"{label}“{text}”不是有效数字")
    return value


def parse_station_point(latitude: str, longitude: str) -> tuple[float | None, float | None]:
    """A station's point from two typed or imported texts; both empty means "no point".

    :raise ValueError: with a Chinese explanation (one given without the other, not a
        number, outside China's range).
    """
    latitude, longitude = (latitude or "").strip(), (longitude or "").strip()
    if not latitude and not longitude:
        return None, None
    if not latitude or not longitude:
        raise ValueError("纬度和经度要同时填写（或都不填）")
    lat, lon = _number(latitude, "纬度"), _number(longitude, "经度")
    if not CHINA_LATITUDE[0] <= lat <= CHINA_LATITUDE[1]:
        hint = "，纬度和经度是否填反了" if CHINA_LONGITUDE[0] <= lat <= CHINA_LONGITUDE[1] else ""
        raise ValueError(f"纬度“{latitude}”应在 {CHINA_LATITUDE[0]:g} 到 {CHINA_LATITUDE[1]:g} 之间"
                         f"（中国境内，GCJ-02 坐标）{hint}")
    if not CHINA_LONGITUDE[0] <= lon <= CHINA_LONGITUDE[1]:
        raise ValueError(f"经度“{longitude}”应在 {CHINA_LONGITUDE[0]:g} 到 {CHINA_LONGITUDE[1]:g} 之间"
                         "（中国境内，GCJ-02 坐标）")
    return round(lat, 6), round(lon, 6)


def distance_text(meters: float) -> str:
    """"约350米" below a kilometre, else "约3.2公里"."""
    if round(meters, -1) < 1000:
        return f"约{max(10, int(round(meters, -1)))}米"
    return f"约{meters / 1000:.1f}公里"
