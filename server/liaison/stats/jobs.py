"""Periodic rebuilds of the summary tables (to be listed in ``core.jobs.PERIODIC``):
``refresh_recent`` every 10 minutes (this month and last), ``refresh_year`` nightly.
Reports also rebuild a stale month themselves, so these only keep big regions warm.
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..core.jobs import with_app
from .figures import add_months, local_date
from .refresh import refresh


@with_app
def refresh_recent() -> dict:
    today = local_date(datetime.now(timezone.utc))
    month = today.replace(day=1)
    return refresh(add_months(month, -1), month, today)


@with_app
def refresh_year() -> dict:
    today = local_date(datetime.now(timezone.utc))
    month = today.replace(day=1)
    return refresh(add_months(month, -12), month, today)
