"""Computed topics (民意研判), one set per region and period.

- ``TopicRun``: when the topics of a region's subtree for the months ``first_month`` ..
  ``last_month`` were computed, over how many opinions, and how many joined no topic.
  One row per (region, period); a recomputation replaces its topics.
- ``Topic``: one topic of a run, as the API shows it (label, keywords, size, stations,
  trend against the previous period of the same length, its opinions and examples).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db


class TopicRun(db.Model):
    __tablename__ = "topic_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    opinions: Mapped[int] = mapped_column(Integer, default=0)
    unclustered: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    topics: Mapped[list["Topic"]] = relationship(back_populates="run", order_by="Topic.position",
                                                 cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("region_id", "first_month", "last_month", name="uq_topic_runs_period"),)


class Topic(db.Model):
    __tablename__ = "topics"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # largest first
    label: Mapped[str] = mapped_column(String(60))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    # [{"id", "name", "count"}], most opinions first
    stations: Mapped[list] = mapped_column(JSON, default=list)
    # {"previous", "change", "direction": new | up | down | flat}
    trend: Mapped[dict] = mapped_column(JSON, default=dict)
    opinion_ids: Mapped[list] = mapped_column(JSON, default=list)  # most central first
    # [{"id", "number", "summary", "station"}]: the most central opinions
    examples: Mapped[list] = mapped_column(JSON, default=list)
    run: Mapped[TopicRun] = relationship(back_populates="topics")
