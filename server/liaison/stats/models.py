"""Monthly summary tables behind the reports (one row per station or deputy and month).

They are a cache of live data, rebuilt by ``stats.refresh`` from opinions, check-ins,
reception records and suggestions with the same pure code (``figures.py``) that
computes a single deputy's duty record live. Rows exist only where something
happened; a missing row means zeros. ``StatsRefresh`` records when a region's month
was last rebuilt, so a report knows whether its numbers are fresh.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Index, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import UTCDateTime, db, utcnow


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


class StatsRefresh(db.Model):
    """When the summary rows of a region's subtree (``region_id`` 0: everything) were rebuilt."""

    __tablename__ = "stats_refreshes"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[Optional[float]] = mapped_column(db.Float)
