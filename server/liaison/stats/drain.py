"""Recount the summary rows the dirty queue names (``stats_dirty``, written by ``marks``).

Runs as a job right after the commit of a change (and every minute as a backstop,
and at the start of each report read, which finds nothing left to do when the job
has run). Per marked month, in order:

- counters (``station`` / ``deputy`` marks): the month's rows of those stations and
  deputies are counted again from live data (``refresh.compute``, the same code a
  whole rebuild runs); a deputy whose month thereby gains or loses presence is
  re-seated in this month and the following ones of the invisible window;
- seating (``seat_station`` / ``seat_deputy`` marks): the composition and invisible
  count of the stations involved, the deputies' invisibility, and the seated and
  invisible deputies of every region above those stations;
- totals (``stats.totals``): the regions above the stations recounted or re-seated,
  and those ``region`` marks name (a station moved away), from their own stations'
  rows and their children's totals.

A month no report has read yet (never built) gets the rows recounted all the same;
its first read builds it whole. Drains run one at a time (a PostgreSQL advisory lock; SQLite's write lock).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, delete, or_, select, text, update

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..places.models import Deputy, Membership, Region, Station
from . import config, totals
from .figures import MONTH_FIELDS, ONE_DAY, add_months, month_of
from .models import ACTIVE, DeputyMonth, InvisibleDeputy, RegionMonth, StationMonth, StatsDirty, StatsRefresh
from .rawsql import insert_rows, rows
from .refresh import compute, replace_rows
from .refresh_seats import COMPOSITION, prov_muni
from .seats import Seat, month_seats, path_ids

LOCK_KEY = 7_351_042  # pg_advisory_xact_lock: one drain at a time


def _take() -> dict[date, dict[str, set[int]]]:
    """Delete every mark and return them by month and kind (the caller's transaction)."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    taken: dict[date, dict[str, set[int]]] = {}
    for kind, key, month in db.session.execute(
            delete(StatsDirty).returning(StatsDirty.kind, StatsDirty.key, StatsDirty.month)):
        taken.setdefault(month, {}).setdefault(kind, set()).add(key)
    return taken


def drain(today: date | None = None) -> dict:
    """Recount every marked row; commits. :return: what was recounted."""
    today = today or clock.today()
    current = month_of(today)
    pending = _take()
    if not pending:
        checkpoint()
        return {"months": 0, "stations": 0, "deputies": 0, "seated": 0}
    back = config.thresholds().invisible_months - 1
    done, counted_s, counted_d, seated = [], 0, 0, 0
    while pending:
        month = min(pending)
        marks = pending.pop(month)
        if month > current:
            continue
        stations, deputies = marks.get("station", set()), marks.get("deputy", set())
        seat_s, seat_d = set(marks.get("seat_station", ())), set(marks.get("seat_deputy", ()))
        # The regions whose totals move: above the stations recounted or re-seated (a
        # station deactivated or moved), and the region a station left.
        regions = totals.regions_of_stations(stations | seat_s) | marks.get("region", set())
        if stations or deputies:
            flipped, unseated = _recount(month, today, stations, deputies)
            counted_s, counted_d = counted_s + len(stations), counted_d + len(deputies)
            seat_s |= unseated
            seat_d |= flipped
            for k in range(1, back + 1):  # the following months' invisible windows hold this one
                later = add_months(month, k)
                if flipped and later <= current:
                    pending.setdefault(later, {}).setdefault("seat_deputy", set()).update(flipped)
        if seat_s or seat_d:
            seated += _reseat(month, today, seat_s, seat_d)
        totals.recount([month], regions)
        done.append(month)
    if done:
        db.session.execute(update(StatsRefresh).where(StatsRefresh.month.in_(done))
                           .values(refreshed_at=clock.now()).execution_options(synchronize_session=False))
    checkpoint()
    return {"months": len(done), "stations": counted_s, "deputies": counted_d, "seated": seated}


def _active(month: date, deputy_ids) -> set[int]:
    if not deputy_ids:
        return set()
    return set(db.session.scalars(select(DeputyMonth.deputy_id).where(
        DeputyMonth.month == month, ACTIVE, DeputyMonth.deputy_id.in_(deputy_ids))))


def _recount(month: date, today: date, stations: set[int], deputies: set[int]) -> tuple[set[int], set[int]]:
    """Count the month's rows of those stations and deputies again.

    :return: the deputies whose presence flipped, and the stations that had no row
        for the month yet (their composition is still to be seated).
    """
    s_ids, d_ids = sorted(stations), sorted(deputies)
    before = _active(month, d_ids)
    station_rows, deputy_rows = compute(month, month, today, s_ids, d_ids)
    replace_rows(DeputyMonth, "deputy_id", d_ids, deputy_rows, [month])
    seating = {r[0]: dict(zip(COMPOSITION, r[1:])) for r in db.session.execute(
        select(StationMonth.station_id, *[getattr(StationMonth, c) for c in COMPOSITION])
        .where(StationMonth.month == month, StationMonth.station_id.in_(s_ids)))} if s_ids else {}
    zeros, blank = dict.fromkeys(MONTH_FIELDS, 0), dict.fromkeys(COMPOSITION, 0)
    month_rows = {(sid, month): {**zeros, **station_rows.get((sid, month), {}), **seating.get(sid, blank)}
            for sid in s_ids if sid in seating or (sid, month) in station_rows}
    replace_rows(StationMonth, "station_id", s_ids, month_rows, [month])
    return before ^ _active(month, d_ids), {sid for sid, _ in month_rows} - seating.keys()


def _window(first: date):
    return or_(Membership.ended_on.is_(None), Membership.ended_on >= first)


def _reseat(month: date, today: date, station_ids: set[int], deputy_ids: set[int]) -> int:
    """Seat the month again for those stations and deputies and the regions above them."""
    back = config.thresholds().invisible_months - 1
    first = add_months(month, -back)
    as_of = min(today, add_months(month, 1) - ONE_DAY)
    touched = set(station_ids)
    if deputy_ids:
        touched |= set(db.session.scalars(select(Membership.station_id).where(
            Membership.deputy_id.in_(deputy_ids), _window(first))))
    deps = set(deputy_ids) | (set(db.session.scalars(select(Membership.deputy_id).where(
        Membership.station_id.in_(touched), _window(first)))) if touched else set())
    seats = [Seat(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6])) for r in db.session.execute(
        select(Membership.deputy_id, Membership.station_id, Membership.kind, Membership.started_on,
               Membership.ended_on, Deputy.is_senior_official, prov_muni())
        .join(Deputy, Deputy.id == Membership.deputy_id)
        .where(Deputy.active.is_(True), Membership.deputy_id.in_(deps), _window(first)))] if deps else []
    wanted = touched | {s.station_id for s in seats}
    regions_of = {sid: (path_ids(path), region_id) for sid, region_id, path in db.session.execute(
        select(Station.id, Station.region_id, Region.path).join(Region, Region.id == Station.region_id)
        .where(Station.id.in_(wanted)))} if wanted else {}
    active = set(db.session.scalars(select(DeputyMonth.deputy_id).where(
        DeputyMonth.month >= first, DeputyMonth.month <= month, ACTIVE,
        DeputyMonth.deputy_id.in_(deps)))) if deps else set()
    ms = month_seats(seats, as_of, first, active, regions_of)
    _write_compositions(month, ms, [sid for sid in touched if sid in regions_of])
    if deps:
        db.session.execute(delete(InvisibleDeputy).where(InvisibleDeputy.month == month,
                                                         InvisibleDeputy.deputy_id.in_(deps))
                           .execution_options(synchronize_session=False))
        insert_rows(InvisibleDeputy, [{"month": month, "deputy_id": d} for d in sorted(ms.invisible)])
    keys = {(r, False) for sid in touched if sid in regions_of for r in regions_of[sid][0]}
    keys |= {(regions_of[sid][1], True) for sid in touched if sid in regions_of}
    _write_regions(month, as_of, keys)
    return len(touched)


def _write_compositions(month: date, ms, station_ids: list[int]) -> None:
    if not station_ids:
        return
    values = {}
    for sid in station_ids:
        c = ms.compositions.get(sid)
        values[sid] = {"deputies": c.deputies if c else 0, "home": c.home if c else 0,
                       "cross": c.cross if c else 0, "senior": c.senior if c else 0,
                       "prov_muni": c.prov_muni if c else 0, "invisible": ms.station_invisible[sid]}
    have = set(db.session.scalars(select(StationMonth.station_id).where(
        StationMonth.month == month, StationMonth.station_id.in_(station_ids))))
    if have:
        db.session.execute(update(StationMonth), [{"station_id": sid, "month": month, **values[sid]}
                                                  for sid in sorted(have)])
    zeros = dict.fromkeys(MONTH_FIELDS, 0)
    insert_rows(StationMonth, [{"station_id": sid, "month": month, **zeros, **values[sid]}
                               for sid in sorted(set(station_ids) - have)])


def _write_regions(month: date, as_of: date, keys: set[tuple[int, bool]]) -> None:
    """Count the distinct seated and invisible deputies of each (region, direct) anew:
    one read of the seats in force under the topmost regions concerned."""
    if not keys:
        return
    paths = dict(db.session.execute(select(Region.id, Region.path).where(Region.id.in_({r for r, _ in keys}))).all())
    tops = sorted(set(paths.values()), key=len)
    tops = [p for i, p in enumerate(tops) if not any(p.startswith(q) for q in tops[:i])]
    in_force = and_(or_(Membership.started_on.is_(None), Membership.started_on <= as_of),
                    or_(Membership.ended_on.is_(None), Membership.ended_on >= as_of))
    seated: dict[tuple[int, bool], set[int]] = {k: set() for k in keys}
    gone: dict[tuple[int, bool], set[int]] = {k: set() for k in keys}
    for deputy_id, path, region_id, invisible in rows(
            select(Membership.deputy_id, Region.path, Station.region_id, InvisibleDeputy.deputy_id)
            .select_from(Membership).join(Deputy, Deputy.id == Membership.deputy_id)
            .join(Station, Station.id == Membership.station_id).join(Region, Region.id == Station.region_id)
            .outerjoin(InvisibleDeputy, and_(InvisibleDeputy.deputy_id == Membership.deputy_id,
                                             InvisibleDeputy.month == month))
            .where(Deputy.active.is_(True), in_force, or_(*[Region.path.like(p + "%") for p in tops]))):
        for key in [(r, False) for r in path_ids(path)] + [(region_id, True)]:
            if key in seated:
                seated[key].add(deputy_id)
                if invisible is not None:
                    gone[key].add(deputy_id)
    for region_id, direct in keys:
        db.session.execute(delete(RegionMonth).where(RegionMonth.region_id == region_id, RegionMonth.month == month,
                                                     RegionMonth.direct.is_(direct))
                           .execution_options(synchronize_session=False))
    insert_rows(RegionMonth, [{"region_id": r, "direct": direct, "month": month, "deputies": len(seated[(r, direct)]),
                               "invisible": len(gone[(r, direct)])}
                              for r, direct in sorted(keys) if seated[(r, direct)]])
