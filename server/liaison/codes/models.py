"""Station codes and deputy codes, their scan counts and poster batch jobs."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db

CODE_STATUSES = ("active", "rotated", "revoked")


class Code(db.Model):
    """A printed code. ``token`` is random (never derived from a row id) and fits WeChat's scene."""

    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # station | deputy
    station_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stations.id"), index=True)
    deputy_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deputies.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    replaced_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("codes.id"))
    wxacode_key: Mapped[Optional[str]] = mapped_column(String(255))  # storage key of the cached wxacode
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    changed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    replaced_by: Mapped[Optional["Code"]] = relationship(remote_side="Code.id")


class CodeScan(db.Model):
    """Scans per code per day (for the NPC office's statistics)."""

    __tablename__ = "code_scans"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"))
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("code_id", "day", name="uq_code_scans_code_day"),)


class CodeScanFlush(db.Model):
    """A batch of scan counts moved from Redis into ``code_scans`` (``codes.scans``): its id
    is written in the same transaction, so a batch retried after a crash is added once."""

    __tablename__ = "code_scan_flushes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    flushed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


class PosterBatch(db.Model):
    """A region's poster generation run; progress is done/total, files are resumable."""

    __tablename__ = "poster_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    formats: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    zip_key: Mapped[Optional[str]] = mapped_column(String(255))
    error: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
