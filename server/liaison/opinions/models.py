"""Opinions, their append-only event log, assignments, photos, reply attachments and suggestions.

The workflow state changes only through ``opinions.workflow`` (via operations);
nothing here assigns ``Opinion.state``. Opinions are never deleted.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db


class Upload(db.Model):
    """An uploaded (re-encoded) image, before and after it joins an opinion."""

    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Opinion(db.Model):
    __tablename__ = "opinions"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    deputy_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deputies.id"), index=True)
    submitter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(30), default="other")
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str] = mapped_column(Text)  # staff edits keep the resident's words here
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    hold_reason: Mapped[str] = mapped_column(String(40), default="")
    close_reason: Mapped[str] = mapped_column(String(40), default="")
    level: Mapped[Optional[str]] = mapped_column(String(20))  # town | district | city_and_above
    deadline: Mapped[Optional[date]] = mapped_column(Date, index=True)
    rounds: Mapped[int] = mapped_column(Integer, default=0)  # re-handling rounds (重办)
    rating: Mapped[Optional[str]] = mapped_column(String(24))
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rating_sec_check: Mapped[str] = mapped_column(String(10), default="", index=True)  # as sec_check
    rated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # WeChat msg_sec_check v2 verdict: pass | review | risky; pending while WeChat could
    # not be reached (rechecked inside WeChat's 2-hour window, see content_check.py);
    # manual when it cannot be checked (staff review); "" not checked (demo data).
    sec_check: Mapped[str] = mapped_column(String(10), default="", index=True)
    sec_trace_id: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="miniprogram")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    closed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    scrubbed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Optimistic lock: two concurrent transitions cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)
    events: Mapped[list["OpinionEvent"]] = relationship(
        back_populates="opinion", order_by="OpinionEvent.id")
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="opinion", order_by="Assignment.id")
    photos: Mapped[list["OpinionPhoto"]] = relationship(order_by="OpinionPhoto.position")
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_opinions_station_state", "station_id", "state"),)


class OpinionPhoto(db.Model):
    __tablename__ = "opinion_photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # mediaCheckAsync v2: queued (to send) -> checking (sent, waiting for the pushed
    # verdict) -> pass | review | risky; manual when it cannot be checked (staff review).
    sec_check: Mapped[str] = mapped_column(String(10), default="", index=True)
    sec_trace_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    sec_requested_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    upload: Mapped[Upload] = relationship()


class OpinionEvent(db.Model):
    """Append-only history: every transition, urge and note; also the public timeline."""

    __tablename__ = "opinion_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[Optional[str]] = mapped_column(String(20))
    to_state: Mapped[Optional[str]] = mapped_column(String(20))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(20), default="system")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # 说明（群众可见）: what staff wrote for the resident with this step. Everyone who
    # sees the step reads it; ``payload`` (with the internal ``note``) is filtered by
    # ``opinions.privacy``.
    public_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    # Set by jobs that must record an event at most once (``overdue:2026-11-25``).
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(40))
    opinion: Mapped[Opinion] = relationship(back_populates="events")
    __table_args__ = (UniqueConstraint("opinion_id", "dedupe_key", name="uq_opinion_events_dedupe"),)


class Assignment(db.Model):
    """One handling unit's part of an opinion: lead (主办) or co-handling (协办)."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("handling_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(6), default="lead")  # lead | co
    status: Mapped[str] = mapped_column(String(12), default="pending")
    round: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[Optional[date]] = mapped_column(Date)
    refuse_reason: Mapped[str] = mapped_column(Text, default="")
    extension_requested_to: Mapped[Optional[date]] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    reply_draft: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    opinion: Mapped[Opinion] = relationship(back_populates="assignments")


class ReplyAttachment(db.Model):
    """A file a handling unit sends with its reply: a re-encoded image or a checked PDF
    (``opinions.attachments``). Staff and the unit see it with the draft; the resident
    and the deputy once the station releases that reply (``released_at``)."""

    __tablename__ = "reply_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40))  # image/jpeg | application/pdf
    file_name: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    released_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class Suggestion(db.Model):
    """A closed-session suggestion (闭会期间代表建议) a deputy made from an opinion."""

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinions.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # What became of it (``suggestions.record_outcome``): staff or the NPC office write down
    # the handling unit's answer; ``state`` is ``filed`` (已提出) until then, ``answered`` after.
    state: Mapped[str] = mapped_column(String(20), default="filed", server_default="filed")
    unit_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))


class OpinionCounter(db.Model):
    """The last opinion number handed out per year (LL-2026-000123); see ``numbering``."""

    __tablename__ = "opinion_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyRecord(db.Model):
    """A submit's Idempotency-Key and the opinion it produced."""

    __tablename__ = "idempotency_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(80))
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)


class OpinionIntake(db.Model):
    """A submit taken while its web process was busy with other submits.

    The request checked the caller, the limits and the fields that need no database,
    stored the body here (one insert, one commit) and answered ``202``; a worker then
    registers it as the request would have (``opinions.intake``). Nothing a resident
    sent is lost between the two: the row is committed before the answer, and one not
    registered yet is taken again by the periodic sweep. Once registered or refused the
    body is cleared, so the personal data lives on the opinion alone.
    """

    __tablename__ = "opinion_intakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[Optional[str]] = mapped_column(String(80))  # the Idempotency-Key, when sent
    payload: Mapped[Optional[dict]] = mapped_column(JSON)  # the request's body, until registered
    ip: Mapped[Optional[str]] = mapped_column(String(64))
    slot_window: Mapped[Optional[str]] = mapped_column(String(32))  # the quota slot it holds
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | registered | refused
    opinion_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinions.id"))
    error: Mapped[Optional[dict]] = mapped_column(JSON)  # {code, message, details} when refused
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_opinion_intakes_user_key"),
                      Index("ix_opinion_intakes_status", "status"))


class Block(db.Model):
    """A blocked user, phone or IP, always with a reason."""

    __tablename__ = "blocks"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # user | phone | ip
    value: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_blocks_kind_value"),)
