"""Rebuilds of the summary tables. Periodic (listed in ``core.jobs.PERIODIC``):
``refresh_recent`` every 10 minutes (this month and last), ``refresh_year`` nightly.
Reports also rebuild a stale month themselves, so these only keep big regions warm.
"""
from __future__ import annotations

from ..core import clock
from ..core.jobs import with_app
from .figures import add_months
from .refresh import refresh


@with_app
def refresh_recent() -> dict:
    today = clock.today()
    month = today.replace(day=1)
    return refresh(add_months(month, -1), month, today)


@with_app
def refresh_year() -> dict:
    today = clock.today()
    month = today.replace(day=1)
    return refresh(add_months(month, -12), month, today)


def after_attendance(day, station_ids: list[int], deputy_ids: list[int]) -> dict:
    """Attendance was recorded (``reception.attendance.attendance_recorded``): rebuild that
    day's figures of those stations and deputies."""
    return refresh(day, day, clock.today(), station_ids=station_ids, deputy_ids=deputy_ids)
