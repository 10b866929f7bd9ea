"""Periodic and kicked jobs of the summary tables (listed in ``core.jobs.PERIODIC``).

- ``drain_job``: recount the rows changes marked; enqueued right after each commit
  that marked some (``marks.kick``), and every minute as a backstop.
- ``roll``: once a China day, rebuild this month and last whole — what the date alone
  changes (a case turns late the day after its deadline without any change; seats
  are counted as of today; a new month opens its invisible window).
"""
from __future__ import annotations

from ..core import clock
from ..core.jobs import with_app
from .figures import add_months


@with_app
def drain_job() -> dict:
    from ..core.extensions import get_redis
    from .drain import drain
    from .marks import QUEUED

    try:
        get_redis().delete(QUEUED)  # a change committed from now on kicks another drain
    except Exception:  # noqa: BLE001 - Redis down: the backstop drains anyway
        pass
    return drain()


def refresh_recent() -> dict:
    """Rebuild this month and last whole (the nightly roll; ``flask stats refresh`` too)."""
    from .refresh import refresh

    today = clock.today()
    month = today.replace(day=1)
    return refresh(add_months(month, -1), month, today)


@with_app
def roll() -> dict | None:
    """``refresh_recent`` once per China date (the first tick of the day does it)."""
    from ..core.extensions import get_redis

    today = clock.today()
    if not get_redis().set(f"liaison:stats:rolled:{today.isoformat()}", "1", nx=True, ex=3 * 86400):
        return None
    return refresh_recent()
