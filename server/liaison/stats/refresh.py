"""Fetch the facts behind the monthly figures and rebuild the summary tables.

``compute`` reads opinions, check-ins, reception records and suggestions for a range
of months and a set of stations and deputies, and counts them with ``figures``;
``refresh`` writes the result into ``stats_station_months`` / ``stats_deputy_months``.
A deputy's duty record calls ``compute`` directly (live, one deputy).
"""
from __future__ import annotations

import logging
import time
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, true
from sqlalchemy.exc import IntegrityError, OperationalError

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..places.scopes import current_membership
from ..opinions.models import Opinion, Suggestion
from ..places.models import Membership, Region, Station
from ..reception.models import CheckIn, ReceptionRecord
from . import config, totals
from .figures import (MONTH_FIELDS, ONE_DAY, CheckInFacts, OpinionFacts, ReceptionFacts, add_months,
                      count_opinions_into, count_presence, count_suggestions, local_date,
                      month_bounds_utc, month_of, month_range)
from .models import DeputyMonth, StationMonth, StatsRefresh
from .rawsql import insert_rows

ALL = None  # "every station" / "every deputy"
log = logging.getLogger(__name__)


def region_station_ids(region: Region | None):
    """A select of the ids of active stations in ``region``'s subtree (all without a region)."""
    q = select(Station.id).where(Station.active.is_(True))
    if region is not None:
        q = q.join(Region, Region.id == Station.region_id).where(Region.path.like(region.path + "%"))
    return q




def member_deputy_ids(station_ids, today: date):
    """A select of the deputies with a current membership at those stations."""
    q = select(Membership.deputy_id).where(current_membership(today)).distinct()
    return q if station_ids is ALL else q.where(Membership.station_id.in_(station_ids))


class _Ids:
    """A set of ids given as ``ALL``, a collection, or a select (run once)."""

    def __init__(self, ids):
        if ids is ALL:
            self.set, self.sql = None, None
        else:
            self.set = set(ids) if isinstance(ids, (set, list, tuple, frozenset)) \
                else set(db.session.execute(ids).scalars())
            self.sql = ids if not isinstance(ids, (set, list, tuple, frozenset)) else list(self.set)

    @property
    def wanted(self) -> bool:
        return self.set is None or bool(self.set)

    def cond(self, column):
        """A WHERE clause (``None`` when nothing is wanted)."""
        if not self.wanted:
            return None
        return true() if self.set is None else column.in_(self.sql)

    def keeps(self, key) -> bool:
        return self.set is None or key in self.set


def _any(*conds):
    conds = [c for c in conds if c is not None]
    return or_(*conds) if conds else None


def compute(first: date, last: date, today: date, station_ids=ALL, deputy_ids=ALL, *,
            with_facts: bool = False):
    """Month rows ``{(id, month): {field: n}}`` for stations and deputies.

    :param station_ids: ids (or a select of ids) whose station rows are wanted, or ``ALL``;
        ``[]`` for none.
    :param deputy_ids: likewise for deputy rows.
    :param with_facts: also return the opinion facts read (the duty record needs them).
    :return: ``(station_rows, deputy_rows)``, plus the facts with ``with_facts``.
    """
    months = month_range(first, last)
    first_day, last_day = months[0], add_months(months[-1], 1) - ONE_DAY
    start, end = month_bounds_utc(first_day, last_day)
    wanted = set(months)
    s, d = _Ids(station_ids), _Ids(deputy_ids)
    station_rows: dict = {}
    deputy_rows: dict = {}
    facts: list[OpinionFacts] = []
    who = _any(s.cond(Opinion.station_id), d.cond(Opinion.deputy_id))
    if who is None:
        return (station_rows, deputy_rows, facts) if with_facts else (station_rows, deputy_rows)
    rows = db.session.execute(
        select(Opinion.station_id, Opinion.deputy_id, Opinion.state, Opinion.close_reason,
               Opinion.deadline, Opinion.created_at, Opinion.replied_at, Opinion.closed_at,
               Opinion.rated_at, Opinion.rating, Opinion.updated_at)
        .where(Opinion.created_at < end, who,
               or_(Opinion.updated_at >= start, Opinion.deadline >= first_day - ONE_DAY)))
    facts = [OpinionFacts(r[0], r[1], r[2], r[3] or None, r[4], local_date(r[5]), local_date(r[6]),
                          local_date(r[7]), local_date(r[8]), r[9], local_date(r[10] or r[5]))
             for r in rows]
    targets = []
    if s.wanted:
        targets.append((station_rows, lambda f: f.station_id if s.keeps(f.station_id) else None))
    if d.wanted:
        targets.append((deputy_rows, lambda f: f.deputy_id if f.deputy_id is not None and d.keeps(f.deputy_id) else None))
    count_opinions_into(targets, facts, wanted, today, config.satisfied_ratings())
    check_ins = [CheckInFacts(*r) for r in db.session.execute(
        select(CheckIn.station_id, CheckIn.deputy_id, CheckIn.day, CheckIn.in_plan,
               CheckIn.reception_record_id, CheckIn.verified)
        .where(CheckIn.day >= first_day, CheckIn.day <= last_day,
               _any(s.cond(CheckIn.station_id), d.cond(CheckIn.deputy_id))))]
    attended = {c.reception_record_id for c in check_ins if c.reception_record_id is not None}
    rec_who = _any(s.cond(ReceptionRecord.station_id),
                   ReceptionRecord.id.in_(attended) if attended else None)
    receptions = [] if rec_who is None else [ReceptionFacts(*r) for r in db.session.execute(
        select(ReceptionRecord.id, ReceptionRecord.station_id, ReceptionRecord.date,
               ReceptionRecord.residents)
        .where(ReceptionRecord.date >= first_day, ReceptionRecord.date <= last_day, rec_who))]
    count_presence(station_rows, deputy_rows, [c for c in check_ins],
                   [r for r in receptions if s.keeps(r.station_id)], wanted,
                   deputy_residents={r.id: r.residents for r in receptions})
    if d.wanted:
        count_suggestions(deputy_rows, ((dep, local_date(at)) for dep, at in db.session.execute(
            select(Suggestion.deputy_id, Suggestion.created_at)
            .where(Suggestion.created_at >= start, Suggestion.created_at < end,
                   d.cond(Suggestion.deputy_id)))), wanted)
    station_rows = {k: v for k, v in station_rows.items() if s.wanted and s.keeps(k[0])}
    deputy_rows = {k: v for k, v in deputy_rows.items() if d.wanted and d.keeps(k[0])}
    return (station_rows, deputy_rows, facts) if with_facts else (station_rows, deputy_rows)


def refresh(first: date, last: date, today: date, region: Region | None = None) -> dict:
    """Rebuild the summary rows of months ``first``..``last`` for a region (or everything)
    and record when. Commits. Changes keep the rows current on their own (``marks``,
    ``drain``); a whole rebuild is for a month never read, an import, the nightly roll
    of this month (lateness that comes with the date) and the report's 立即更新.
    :return: ``{"stations": rows written, "deputies": rows written, "seconds": t}``.
    """
    from .refresh_seats import COMPOSITION, seat_rows

    began = time.monotonic()
    s_ids = ALL if region is None else region_station_ids(region)
    d_ids = ALL if region is None else member_deputy_ids(region_station_ids(region), today)
    station_rows, deputy_rows = compute(first, last, today, s_ids, d_ids)
    months = month_range(first, last)
    replace_rows(DeputyMonth, "deputy_id", d_ids, deputy_rows, months)
    seating = seat_rows(months, today, region, region_station_ids(region), None if d_ids is ALL else d_ids)
    zeros = dict.fromkeys(MONTH_FIELDS, 0)
    for key, extra in seating.items():
        station_rows[key] = {**station_rows.get(key, zeros), **extra}
    # A deactivated station's activity has no one seated (seating covers active stations).
    nobody = dict.fromkeys(COMPOSITION, 0)
    station_rows = {key: {**nobody, **values} for key, values in station_rows.items()}
    replace_rows(StationMonth, "station_id", s_ids, station_rows, months)
    totals.rebuild(months, region)
    seconds = round(time.monotonic() - began, 3)
    now = clock.now()
    region_id = region.id if region is not None else 0
    for month in months:
        row = db.session.get(StatsRefresh, (month, region_id))
        if row is None:
            db.session.add(StatsRefresh(month=month, region_id=region_id, refreshed_at=now, seconds=seconds))
        else:
            row.refreshed_at, row.seconds = now, seconds
    try:
        checkpoint()
    except IntegrityError:  # another process rebuilt the same rows meanwhile: theirs stand
        db.session.rollback()
    return {"stations": len(station_rows), "deputies": len(deputy_rows), "seconds": seconds}


def replace_rows(model, name: str, ids, rows: dict, months: list[date]) -> None:
    """Delete the months' rows of ``ids`` (``ALL``, a list or a select) and insert ``rows``."""
    cond = _Ids(ids).cond(getattr(model, name)) if not isinstance(ids, list) or ids else None
    if cond is None:
        return
    db.session.execute(delete(model).where(model.month >= months[0], model.month <= months[-1], cond)
                       .execution_options(synchronize_session=False))
    insert_rows(model, [{name: k, "month": month, **counts} for (k, month), counts in rows.items()])


def refreshed_at(region: Region | None, month: date) -> datetime | None:
    """When ``month``'s rows for ``region`` were last rebuilt (for it or a region above it)."""
    scope = [0] + ([int(x) for x in region.path.strip("/").split("/") if x] if region else [])
    return db.session.scalar(select(func.max(StatsRefresh.refreshed_at)).where(
        StatsRefresh.month == month, StatsRefresh.region_id.in_(scope)))


def as_of_text(moment: datetime | None, today: date) -> str:
    """"数据截至 14:05" (China time; the date too when it was not today), "" when never rebuilt."""
    if moment is None:
        return ""
    local = clock.in_china(moment)
    if local.date() == today:
        return f"数据截至 {local:%H:%M}"
    if local.year == today.year:
        return f"数据截至 {local.month}月{local.day}日 {local:%H:%M}"
    return f"数据截至 {local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def freshness(region: Region | None, month: date, today: date) -> dict:
    """``{"refreshed_at": ISO time in China or None, "as_of": "数据截至 HH:MM"}`` for an answer."""
    moment = refreshed_at(region, month)
    return {"refreshed_at": clock.in_china(moment).isoformat(timespec="seconds") if moment else None,
            "as_of": as_of_text(moment, today)}


def ensure_fresh(region: Region | None, first: date, last: date, today: date) -> list[date]:
    """Bring the months current before a report reads them; returns the months built.

    Recounts what changes left marked (normally nothing: the job ran right after their
    commit), and builds whole only a month never built for the region. A failed
    recount (another drain holds the rows) leaves the marks for the next one.
    """
    from .drain import drain

    try:
        drain(today)
    except (IntegrityError, OperationalError):
        db.session.rollback()
        log.warning("stats: recount before a report failed; the marks wait for the next drain", exc_info=True)
    never = [m for m in month_range(first, last) if m <= month_of(today) and refreshed_at(region, m) is None]
    if never:
        refresh(never[0], never[-1], today, region)
    return never
