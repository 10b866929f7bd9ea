"""How every reported number is counted: pure functions over plain facts.

No Flask and no database: ``queries.py`` and ``refresh.py`` fetch the facts (one
tuple per opinion, check-in, reception record, suggestion) and call these, so the
summary tables, a deputy's live duty record and the tests share one definition.

Counting rules (all dates are local China dates; a month is a calendar month):
- ``opinions_in``: opinions created in the month (for a deputy: summoned, 点将).
- ``answered``: opinions first answered (``replied_at``) in the month.
- ``closed``: opinions closed or declined in the month, for any reason.
- A case's outcome (``outcome``) is counted once, in the month it became known:
  ``in_time`` (resolved, answered on or before the deadline), ``late`` (deadline
  passed without a timely answer; known the day after the deadline), ``unresolved``
  (closed without being resolved: declined, duplicate, not our business,
  unresolvable; ``opinions.states`` decides which closures resolve). Open cases
  still within their deadline (or without one) are ``pending`` and not counted.
- ``ratings`` / ``satisfied``: ratings given in the month, and those in the
  configured satisfied set (满意、基本满意 by default).
- ``check_ins``: verified deputy check-ins on days of the month (scanned near the
  station, recorded by staff, or confirmed by staff; unverified scans wait as
  待确认 and count for nothing); ``check_ins_unplanned``: those on a day that was not
  a reception day.
- ``active_days``: for a station, distinct days with a verified check-in or a
  reception record; for a deputy, distinct days with a verified check-in (活动天数).
- ``receptions`` / ``residents``: reception records held in the month (for a
  deputy: the ones attended) and the residents received there.
- ``suggestions``: closed-session suggestions filed in the month (deputies only).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Callable, Iterable, NamedTuple

from ..core.clock import china_date, start_of_china_month
from ..opinions.states import CLOSED, DECLINED, GROUP_CLOSED, GROUP_RESOLVED, state_group
from ..settings import DEFAULT_SATISFIED_RATINGS

ONE_DAY = timedelta(days=1)

MONTH_FIELDS = ("check_ins", "check_ins_unplanned", "active_days", "receptions", "residents",
                "opinions_in", "answered", "closed", "in_time", "late", "unresolved",
                "ratings", "satisfied", "suggestions")
IN_TIME, LATE, UNRESOLVED, PENDING = "in_time", "late", "unresolved", "pending"
DEFAULT_SATISFIED = frozenset(DEFAULT_SATISFIED_RATINGS)


# ---- dates -------------------------------------------------------------------------

local_date = china_date  # the China date of an instant: what every fact is counted by


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (as first days)."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants at which local month ``first`` begins and month ``last`` ends."""
    return start_of_china_month(first), start_of_china_month(add_months(month_of(last), 1))


def parse_month(value: str | None, default: date) -> date:
    """"2026-03" -> date(2026, 3, 1). :raise ValueError: for anything else."""
    if not value:
        return month_of(default)
    year, _, month = value.partition("-")
    return date(int(year), int(month), 1)


# ---- opinions ----------------------------------------------------------------------

class OpinionFacts(NamedTuple):
    station_id: int
    deputy_id: int | None
    state: str
    close_reason: str | None
    deadline: date | None
    created_on: date
    answered_on: date | None
    closed_on: date | None
    rated_on: date | None
    rating: str | None
    changed_on: date  # last change; stands in when a closure has no closed_at


def outcome(f: OpinionFacts, today: date) -> tuple[str, date | None]:
    """The case's outcome and the day it became known (``pending`` has none)."""
    group = state_group(f.state, f.close_reason)
    if group == GROUP_CLOSED:
        return UNRESOLVED, f.closed_on or f.changed_on
    if group == GROUP_RESOLVED:
        done = f.answered_on or f.closed_on or f.changed_on
        if f.deadline is None or done <= f.deadline:
            return IN_TIME, done
        return LATE, f.deadline + ONE_DAY
    if f.deadline is not None and f.deadline < today:
        return LATE, f.deadline + ONE_DAY
    return PENDING, None


def response_days(f: OpinionFacts) -> int | None:
    """Calendar days from submission to the first answer, for answered cases."""
    if f.answered_on is None:
        return None
    return (f.answered_on - f.created_on).days


Rows = dict[tuple[int, date], dict[str, int]]


def _adder(rows: Rows, months: set[date]):
    month_cache: dict[date, date | None] = {}

    def add(key, day, field, amount=1):
        if key is None or day is None:
            return
        month = month_cache.get(day, False)
        if month is False:
            month = month_cache[day] = day.replace(day=1) if day.replace(day=1) in months else None
        if month is not None:
            row = rows.get((key, month))
            if row is None:
                row = rows[(key, month)] = dict.fromkeys(MONTH_FIELDS, 0)
            row[field] += amount
    return add


def opinion_events(f: OpinionFacts, today: date, satisfied: frozenset[str] = DEFAULT_SATISFIED):
    """(field, day) for everything an opinion adds to the month rows."""
    out = [("opinions_in", f.created_on)]
    if f.answered_on is not None:
        out.append(("answered", f.answered_on))
    if f.state in (CLOSED, DECLINED):
        out.append(("closed", f.closed_on or f.changed_on))
    kind, known_on = outcome(f, today)
    if kind != PENDING:
        out.append((kind, known_on))
    if f.rating and f.rated_on:
        out.append(("ratings", f.rated_on))
        if f.rating in satisfied:
            out.append(("satisfied", f.rated_on))
    return out


def count_opinions(rows: Rows, facts: Iterable[OpinionFacts], months: set[date], today: date,
                   key: Callable[[OpinionFacts], int | None],
                   satisfied: frozenset[str] = DEFAULT_SATISFIED) -> Rows:
    """Add each opinion's counters to ``rows[(key(f), month)]`` for the given months."""
    count_opinions_into([(rows, key)], facts, months, today, satisfied)
    return rows


def count_opinions_into(targets, facts: Iterable[OpinionFacts], months: set[date], today: date,
                        satisfied: frozenset[str] = DEFAULT_SATISFIED) -> None:
    """One pass over the facts for several ``(rows, key)`` targets (stations, deputies)."""
    adders = [(_adder(rows, months), key) for rows, key in targets]
    for f in facts:
        events = opinion_events(f, today, satisfied)
        for add, key in adders:
            k = key(f)
            if k is not None:
                for field, day in events:
                    add(k, day, field)


# ---- presence ----------------------------------------------------------------------

class CheckInFacts(NamedTuple):
    station_id: int
    deputy_id: int
    day: date
    in_plan: bool
    reception_record_id: int | None
    verified: bool


class ReceptionFacts(NamedTuple):
    id: int
    station_id: int
    day: date
    residents: int


def count_presence(station_rows: Rows, deputy_rows: Rows, check_ins: Iterable[CheckInFacts],
                   receptions: Iterable[ReceptionFacts], months: set[date],
                   deputy_residents: dict[int, int] | None = None) -> None:
    """Check-ins, active days, receptions and residents, per station and per deputy.

    :param deputy_residents: residents of reception records a deputy attended that lie
        outside ``receptions`` (e.g. another station's), by record id.
    """
    add_s, add_d = _adder(station_rows, months), _adder(deputy_rows, months)
    residents = dict(deputy_residents or {})
    station_days: dict[int, set[date]] = defaultdict(set)
    deputy_days: dict[int, set[date]] = defaultdict(set)
    for r in receptions:
        residents[r.id] = r.residents
        add_s(r.station_id, r.day, "receptions")
        add_s(r.station_id, r.day, "residents", r.residents)
        station_days[r.station_id].add(r.day)
    for c in check_ins:
        if not c.verified:  # not proven: 待确认 until staff confirm it
            continue
        for add, key in ((add_s, c.station_id), (add_d, c.deputy_id)):
            add(key, c.day, "check_ins")
            if not c.in_plan:
                add(key, c.day, "check_ins_unplanned")
        station_days[c.station_id].add(c.day)
        deputy_days[c.deputy_id].add(c.day)
        if c.reception_record_id is not None:
            add_d(c.deputy_id, c.day, "receptions")
            add_d(c.deputy_id, c.day, "residents", residents.get(c.reception_record_id, 0))
    for days, add in ((station_days, add_s), (deputy_days, add_d)):
        for key, ds in days.items():
            for d in ds:
                add(key, d, "active_days")


def count_suggestions(deputy_rows: Rows, facts: Iterable[tuple[int, date]], months: set[date]) -> None:
    add = _adder(deputy_rows, months)
    for deputy_id, day in facts:
        add(deputy_id, day, "suggestions")


_FIELDS_OF = itemgetter(*MONTH_FIELDS)


def total(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    """Field-wise sum of month rows (each row has every field of ``MONTH_FIELDS``)."""
    columns = list(zip(*map(_FIELDS_OF, rows)))
    return dict(zip(MONTH_FIELDS, map(sum, columns))) if columns else dict.fromkeys(MONTH_FIELDS, 0)


def share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 places, ``None`` when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
