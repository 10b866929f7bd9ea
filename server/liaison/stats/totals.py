"""Per-region monthly totals (``stats_region_totals``): a region's trend in one row a month.

A region's total for a month is the sum of the counters (``figures.MONTH_FIELDS``) of
the active stations of its subtree, as ``stats_station_months`` holds them. Without
it a province report summed ≈10,000 station rows per month of its trend.

It is kept by the recounts that write the station rows, in their transaction:

- ``drain`` recounts the regions above every station whose counters it recounted or
  whose seating changed (a station deactivated or moved), and the regions a ``region``
  mark names (the region a station left: ``marks``);
- ``refresh`` recounts every region of the subtree it rebuilt and those above it.

A recount never sums the whole subtree again: a region's total is the rows of the
stations attached to the region itself plus its child regions' totals, so it reads
the regions concerned (those marked and every region above them, deepest first), the
stations attached to them, and the totals of their other children.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, func, select

from ..core.db import db
from ..places.models import Region, Station
from .figures import MONTH_FIELDS
from .models import RegionTotal, StationMonth
from .rawsql import insert_rows, rows
from .seats import path_ids


def _month(value) -> date:
    """A month as the driver hands it back (SQLite: an ISO string)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _sums(model):
    return [func.coalesce(func.sum(getattr(model, f)), 0) for f in MONTH_FIELDS]


def recount(months: Iterable[date], region_ids: Iterable[int]) -> int:
    """Recount the totals of ``region_ids`` and every region above them for ``months``.

    :return: the number of regions recounted.
    """
    months = sorted(set(months))
    wanted = set(region_ids)
    if not months or not wanted:
        return 0
    paths = dict(db.session.execute(select(Region.id, Region.path).where(Region.id.in_(sorted(wanted)))).all())
    affected = {r for path in paths.values() for r in path_ids(path)}
    parent = dict(db.session.execute(select(Region.id, Region.parent_id).where(Region.id.in_(sorted(affected)))).all())
    ids = sorted(affected)
    zero = [0] * len(MONTH_FIELDS)
    acc: dict[tuple[int, date], list[int]] = {}

    def add(key, values) -> None:
        row = acc.setdefault(key, list(zero))
        for i, v in enumerate(values):
            row[i] += int(v or 0)

    # The stations attached to the regions themselves.
    for region_id, month, *values in rows(
            select(Station.region_id, StationMonth.month, *_sums(StationMonth))
            .join(Station, Station.id == StationMonth.station_id)
            .where(Station.active.is_(True), Station.region_id.in_(ids), StationMonth.month.in_(months))
            .group_by(Station.region_id, StationMonth.month)):
        add((region_id, _month(month)), values)
    # Their children not recounted here: the totals already stored.
    for parent_id, month, *values in rows(
            select(Region.parent_id, RegionTotal.month, *_sums(RegionTotal))
            .join(Region, Region.id == RegionTotal.region_id)
            .where(Region.parent_id.in_(ids), Region.id.not_in(ids), RegionTotal.month.in_(months))
            .group_by(Region.parent_id, RegionTotal.month)):
        add((parent_id, _month(month)), values)
    # Deepest first: each recounted region adds itself into its parent.
    depth = {r: len(path_ids(p)) for r, p in db.session.execute(
        select(Region.id, Region.path).where(Region.id.in_(ids))).all()}
    for region_id in sorted(affected, key=lambda r: -depth.get(r, 0)):
        up = parent.get(region_id)
        if up in affected:
            for month in months:
                if (region_id, month) in acc:
                    add((up, month), acc[(region_id, month)])
    db.session.execute(delete(RegionTotal).where(RegionTotal.region_id.in_(ids), RegionTotal.month.in_(months))
                       .execution_options(synchronize_session=False))
    insert_rows(RegionTotal, [{"region_id": r, "month": m, **dict(zip(MONTH_FIELDS, values))}
                              for (r, m), values in sorted(acc.items()) if any(values)])
    return len(affected)


def rebuild(months: Iterable[date], region: Region | None = None) -> int:
    """Recount the totals of every region of ``region``'s subtree (all regions without
    one) and of the regions above it, for ``months``."""
    q = select(Region.id)
    if region is not None:
        q = q.where(Region.path.like(region.path + "%"))
    return recount(months, db.session.scalars(q).all())


def regions_of_stations(station_ids: Iterable[int]) -> set[int]:
    """The regions those stations are attached to now."""
    ids = sorted(set(station_ids))
    if not ids:
        return set()
    return set(db.session.scalars(select(Station.region_id).where(Station.id.in_(ids))))


def trend_rows(region: Region, first: date, last: date) -> dict[date, tuple[int, ...]]:
    """``{month: counters}`` of ``region``'s stored totals, ``first``..``last``."""
    return {_month(r[0]): tuple(r[1:]) for r in rows(
        select(RegionTotal.month, *[getattr(RegionTotal, f) for f in MONTH_FIELDS])
        .where(RegionTotal.region_id == region.id, RegionTotal.month >= first, RegionTotal.month <= last))}
