"""Local (China Standard Time) dates and ISO times for the opinions package.

Deadlines are counted in local working days; times leave the API with their offset
(``2026-11-25T16:00:00+08:00``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def local_now() -> datetime:
    return datetime.now(LOCAL)


def local_today() -> date:
    return local_now().date()


def iso(dt: datetime | None) -> str | None:
    """An aware datetime as local ISO 8601 with offset (naive ones are taken as UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(LOCAL).isoformat(timespec="seconds")


def start_of_local_day(day: date) -> datetime:
    """The UTC instant at which local ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(timezone.utc)
