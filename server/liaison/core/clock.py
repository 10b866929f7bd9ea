"""The one clock: what time it is, and what day it is in China.

Every read of the current time in the server goes through here, and China's time zone
is defined here only. Instants are aware UTC datetimes (what ``UTCDateTime`` columns
store); dates are China's calendar dates (Asia/Shanghai, UTC+8, no daylight saving).

The clock is the real clock shifted by an offset that is 0 in production. The test
suite anchors it at an instant (``pytest --clock=2027-01-01T00:30+08:00``; worker
processes the tests start get ``LIAISON_CLOCK``, which config.py honours only under
LIAISON_TESTING); from the anchor it ticks like the real clock, so leases, token
lifetimes and rate windows behave as usual.

What hands an instant to a party that keeps the real time (a file's mtime, an rq
schedule, a Redis EXPIREAT, a cookie's expiry) converts it with ``real()`` or uses a
relative delay instead.
"""
from __future__ import annotations

import time as _time
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
ENV_NAME = "LIAISON_CLOCK"
_UTC_TO_CHINA = timedelta(hours=8)  # China has kept UTC+8 without daylight saving since 1992

_offset = 0.0  # seconds the clock is ahead of the real one (0 in production)


def timestamp() -> float:
    """Seconds since the epoch on this clock."""
    return _time.time() + _offset


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.fromtimestamp(timestamp(), timezone.utc)


def china_now() -> datetime:
    """The current instant in China's time zone."""
    return now().astimezone(CHINA)


def today() -> date:
    """Today's date in China."""
    return china_now().date()


def china_date(moment: datetime | None) -> date | None:
    """The China date of an instant (naive datetimes are taken as UTC)."""
    if moment is None:
        return None
    offset = moment.utcoffset()
    if offset is None or not offset:  # UTC, the usual case: skip the zone lookup
        return (moment.replace(tzinfo=None) + _UTC_TO_CHINA).date()
    return moment.astimezone(CHINA).date()


def in_china(moment: datetime) -> datetime:
    """An instant shown in China's time zone (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA)


def iso(moment: datetime | None) -> str | None:
    """An instant as China ISO 8601 with offset (``2026-11-25T16:00:00+08:00``), as the API
    answers times (naive datetimes are taken as UTC)."""
    if moment is None:
        return None
    return in_china(moment).isoformat(timespec="seconds")


def start_of_china_day(day: date) -> datetime:
    """The UTC instant at which China's ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(timezone.utc)


def start_of_china_month(day: date) -> datetime:
    """The UTC instant at which the China month holding ``day`` begins."""
    return start_of_china_day(day.replace(day=1))


def at_china_time(day: date, clock_time: time) -> datetime:
    """The UTC instant of a China wall-clock time on ``day`` (09:00 on a reception day)."""
    return datetime.combine(day, clock_time, tzinfo=CHINA).astimezone(timezone.utc)


def real(moment: datetime) -> datetime:
    """The real-clock instant matching ``moment`` of this clock, for parties on real time."""
    return moment - timedelta(seconds=_offset)


def anchor(instant: datetime | str | None) -> None:
    """Set the clock to ``instant`` now (it ticks on from there); None: the real time.

    :param instant: an aware datetime or ISO 8601 text with an offset.
    :raise ValueError: text that is not an ISO instant with an offset.
    """
    global _offset
    if instant is None or instant == "":
        _offset = 0.0
        return
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    if instant.tzinfo is None:
        raise ValueError(f"{ENV_NAME} needs an offset, e.g. 2027-01-01T00:30+08:00")
    _offset = instant.timestamp() - _time.time()


def environment() -> dict[str, str]:
    """What a child process's environment needs to share this clock (nothing on real time).

    The child anchors at this instant when it starts, so it agrees with this process.
    """
    if not _offset:
        return {}
    return {ENV_NAME: now().isoformat()}
