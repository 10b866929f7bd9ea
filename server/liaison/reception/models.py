"""Reception days (接待日), rota, appointments (预约接待), check-ins (进站履职)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db


class ReceptionDay(db.Model):
    __tablename__ = "reception_days"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    start: Mapped[str] = mapped_column(String(5), default="09:00")
    end: Mapped[str] = mapped_column(String(5), default="11:30")
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned|held|cancelled
    note: Mapped[str] = mapped_column(String(255), default="")
    # "plan": generated from the station's reception plan; "manual": added or moved by staff.
    source: Mapped[str] = mapped_column(String(10), default="plan")
    # When the day-before reminders went out (the job is safe to run twice).
    reminded_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    rota: Mapped[list["RotaEntry"]] = relationship(cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("station_id", "date", name="uq_reception_days_station_date"),)


class RotaEntry(db.Model):
    """A deputy on duty (轮值) on a reception day."""

    __tablename__ = "rota_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    reception_day_id: Mapped[int] = mapped_column(ForeignKey("reception_days.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    __table_args__ = (UniqueConstraint("reception_day_id", "deputy_id", name="uq_rota_day_deputy"),)


class Appointment(db.Model):
    __tablename__ = "appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    reception_day_id: Mapped[int] = mapped_column(ForeignKey("reception_days.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(10), default="booked")  # booked|cancelled|attended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    __table_args__ = (UniqueConstraint("reception_day_id", "user_id", name="uq_appointments_day_user"),)


class CheckIn(db.Model):
    """A deputy's attendance at a station (scan while logged in, or recorded by staff).

    Only ``verified`` check-ins count (duty points, reports): a scan sent from within
    the radius of the station's point, one recorded by staff, or one staff confirmed.
    """

    __tablename__ = "check_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    in_plan: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(10), default="scan")  # scan | staff
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # The local (China) date of ``at``: one check-in per deputy, station and day.
    day: Mapped[date] = mapped_column(Date)
    # The reception this attendance belongs to, when staff recorded one.
    reception_record_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("reception_records.id"), index=True)
    # Where the phone said it was (GCJ-02), and how far that was from the station.
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
    distance_m: Mapped[Optional[int]] = mapped_column(Integer)
    verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Why a scan was not verified when it was made (kept after a confirmation):
    # see reception.presence.REASONS.
    unverified_reason: Mapped[Optional[str]] = mapped_column(String(20))
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("deputy_id", "station_id", "day", name="uq_check_ins_deputy_station_day"),
        Index("ix_check_ins_day_station", "day", "station_id"),
    )


class ReceptionRecord(db.Model):
    """A reception held (recorded at or after the fact): who came, how many residents."""

    __tablename__ = "reception_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    opinions_registered: Mapped[int] = mapped_column(Integer, default=0)
    deputy_ids: Mapped[list] = mapped_column(db.JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    in_plan: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reception_day_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reception_days.id"))


class StationFollow(db.Model):
    """A resident following a station: they get the reception-day notice the day before."""

    __tablename__ = "station_follows"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    __table_args__ = (UniqueConstraint("user_id", "station_id", name="uq_station_follows_user_station"),)
