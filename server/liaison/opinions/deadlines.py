"""Handling deadlines (办结时限) counted in working days of the Chinese official calendar.

Working days come from the ``chinesecalendar`` package (import ``chinese_calendar``),
which knows each year's public holidays and the weekend make-up workdays (调休) as
published by the State Council. It only knows the years it was released for
(1.11.0: 2004–2026). For a date outside that range we fall back to Monday–Friday
minus the statutory holidays that the ``holidays`` package computes by rule (lunar
ones included: 春节, 清明, 端午, 中秋); that year's make-up workdays (调休) are unknown
until the State Council publishes them, so such a deadline can be a day or two off.
``calendar_knows(day)`` tells callers when that is the case; upgrade the package
once the next year's schedule is published (usually in November). Deadlines are
stored as dates, so an upgrade never moves a deadline already given.

The counting rule: the start day itself is not counted (交办当日不计入), so
``add_working_days(start, 1)`` is the first working day after ``start``.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Mapping

import chinese_calendar
import holidays as holidays_lib

from ..settings import DEFAULT_DEADLINE_DAYS  # working days per level; DEADLINE_DAYS overrides

# Statutory holidays on fixed Gregorian dates, used only beyond the package's range.
FALLBACK_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})

_ONE_DAY = timedelta(days=1)


def _known_years() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


KNOWN_YEARS = _known_years()


def calendar_knows(day: date) -> bool:
    """Whether the official calendar for ``day``'s year is known to the package."""
    return KNOWN_YEARS[0] <= day.year <= KNOWN_YEARS[1]


@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    """Whether ``day`` is an official working day (make-up weekend days included)."""
    if calendar_knows(day):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in _rule_holidays(day.year)


@lru_cache(maxsize=64)
def _rule_holidays(year: int) -> frozenset[date]:
    """Statutory holidays of ``year`` by rule (beyond chinesecalendar's range)."""
    try:
        return frozenset(holidays_lib.China(years=[year]).keys())
    except Exception:  # an unknown year for the package: fixed-date holidays only
        return frozenset(date(year, m, d) for m, d in FALLBACK_FIXED_HOLIDAYS)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` not counted).

    ``n == 0`` returns ``start`` unchanged; a negative ``n`` counts backwards.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day, left = start, abs(n)
    while left:
        day += step
        if is_workday(day):
            left -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]; when ``b`` is before ``a``, minus those in [b, a).

    ``working_days_between(d, add_working_days(d, n)) == n`` for any ``n``.
    """
    if b < a:
        return -sum(1 for i in range((a - b).days) if is_workday(b + timedelta(days=i)))
    return sum(1 for i in range(1, (b - a).days + 1) if is_workday(a + timedelta(days=i)))


def deadline_days(level: str, config_days: Mapping[str, int] | None = None) -> int:
    """Working days allowed for ``level``, from config or ``DEFAULT_DEADLINE_DAYS``.

    :raise ValueError: for an unknown level.
    """
    if level not in DEFAULT_DEADLINE_DAYS:
        raise ValueError(f"unknown jurisdiction level: {level!r}")
    days = (config_days or {}).get(level, DEFAULT_DEADLINE_DAYS[level])
    return int(days)


def default_deadline(level: str, start: date,
                     config_days: Mapping[str, int] | None = None) -> date:
    """The default deadline of a matter of ``level`` counted from ``start``.

    The workflow passes the assignment day (交办之日) as ``start``.
    """
    return add_working_days(start, deadline_days(level, config_days))


def is_overdue(deadline: date | None, today: date) -> bool:
    """Past the deadline: the deadline day itself is still in time."""
    return deadline is not None and today > deadline


def near_deadline(deadline: date | None, today: date, within_working_days: int = 3) -> bool:
    """Not yet overdue, and at most ``within_working_days`` working days remain."""
    if deadline is None or is_overdue(deadline, today):
        return False
    return working_days_between(today, deadline) <= within_working_days
