"""Monthly summary tables behind the reports.

They are a cache of live data, rebuilt by ``stats.refresh`` from memberships,
opinions, check-ins, reception records and suggestions with the same pure code
(``figures.py``, ``seats.py``) that computes a single deputy's duty record live.

- ``StationMonth``: a station's activity and opinion counters for a month, plus who
  sat there (composition as of the month's last day, or today for this month) and
  how many of them were invisible (隐身代表). One row per station and month.
- ``DeputyMonth``: a deputy's counters; rows exist only where something happened.
- ``RegionMonth``: distinct deputies seated in a region's subtree (``direct``: only
  at stations attached to the region itself) and how many were invisible.
- ``RegionTotal``: the counters of every active station in a region's subtree,
  summed (a region's trend reads one row a month; ``stats.totals``).
- ``InvisibleDeputy``: who was invisible in a month (for the report's list).
- ``StatsRefresh``: when a region's month was last rebuilt or brought current.
- ``StatsDirty``: the queue of rows a change made stale (``stats.marks`` writes it in
  the change's own transaction; ``stats.drain`` recounts those rows and deletes it).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.db import UTCDateTime, db


class _Counts:
    """The counters both summary tables share (see ``figures.MONTH_FIELDS``)."""

    check_ins: Mapped[int] = mapped_column(Integer, default=0)
    check_ins_unplanned: Mapped[int] = mapped_column(Integer, default=0)
    active_days: Mapped[int] = mapped_column(Integer, default=0)
    receptions: Mapped[int] = mapped_column(Integer, default=0)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    opinions_in: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    in_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    unresolved: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)


class StationMonth(_Counts, db.Model):
    __tablename__ = "stats_station_months"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the month
    deputies: Mapped[int] = mapped_column(Integer, default=0)  # seated (home + cross)
    home: Mapped[int] = mapped_column(Integer, default=0)
    cross: Mapped[int] = mapped_column(Integer, default=0)
    senior: Mapped[int] = mapped_column(Integer, default=0)  # county-level-or-above officials
    prov_muni: Mapped[int] = mapped_column(Integer, default=0)  # provincial or municipal deputies
    invisible: Mapped[int] = mapped_column(Integer, default=0)  # seated deputies invisible this month
    __table_args__ = (Index("ix_stats_station_months_month", "month", "station_id"),)


# A deputy month with presence (the opposite of 隐身): check-in, reception or suggestion.
ACTIVE_SQL = "check_ins > 0 OR receptions > 0 OR suggestions > 0"


class DeputyMonth(_Counts, db.Model):
    __tablename__ = "stats_deputy_months"
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    __table_args__ = (
        Index("ix_stats_deputy_months_month", "month", "deputy_id"),
        # Partial index: the invisible-deputy check reads only the active months' ids.
        Index("ix_stats_deputy_months_active", "month", "deputy_id",
              postgresql_where=text(ACTIVE_SQL), sqlite_where=text(ACTIVE_SQL)),
    )


ACTIVE = text(f"({ACTIVE_SQL})")


class RegionMonth(db.Model):
    __tablename__ = "stats_region_months"
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    direct: Mapped[bool] = mapped_column(db.Boolean, primary_key=True, default=False)
    deputies: Mapped[int] = mapped_column(Integer, default=0)
    invisible: Mapped[int] = mapped_column(Integer, default=0)


class RegionTotal(_Counts, db.Model):
    """A region's month: the counters of the active stations of its subtree, summed.
    No row: every counter is 0."""

    __tablename__ = "stats_region_totals"
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)


class InvisibleDeputy(db.Model):
    __tablename__ = "stats_invisible_deputies"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), primary_key=True)


class StatsRefresh(db.Model):
    """When the summary rows of a region's subtree (``region_id`` 0: everything) were rebuilt."""

    __tablename__ = "stats_refreshes"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    seconds: Mapped[Optional[float]] = mapped_column(db.Float)


class StatsDirty(db.Model):
    """A summary row to recount: ``kind`` ``station`` / ``deputy`` (the month's counters),
    ``seat_station`` / ``seat_deputy`` (who sits there, who is invisible) or ``region``
    (the region's totals: a station left it)."""

    __tablename__ = "stats_dirty"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
