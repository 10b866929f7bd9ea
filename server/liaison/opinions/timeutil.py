"""ISO times for the opinions package.

Deadlines are counted in China's working days (``core.clock.today()``); times leave
the API with their offset (``2026-11-25T16:00:00+08:00``).
"""
from __future__ import annotations

from datetime import datetime

from ..core.clock import in_china


def iso(dt: datetime | None) -> str | None:
    """An aware datetime as China ISO 8601 with offset (naive ones are taken as UTC)."""
    if dt is None:
        return None
    return in_china(dt).isoformat(timespec="seconds")
