"""The outbox (one row per message to deliver), consents and the in-app message list.

Workflow state, delivery state and visibility are kept apart: a notification's
``status`` never says anything about the opinion's state.

Delivery statuses: ``pending`` (waiting, maybe until ``next_attempt_at``),
``sending`` (claimed by a worker until ``lease_until``; an expired claim is taken
again), ``sent``, ``failed`` (gave up: visible to staff and ``flask notifications
failed``), ``no_consent`` (no subscribe grant: never retried), ``skipped`` (no
openid, not following the official account: ``last_error`` says why).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.db import UTCDateTime, db

DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "no_consent", "skipped")


class Notification(db.Model):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))  # subscribe | template
    audience: Mapped[str] = mapped_column(String(12), default="")  # resident | deputy | staff | ...
    event: Mapped[str] = mapped_column(String(30))
    template_id: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[str] = mapped_column(String(255), default="")
    opinion_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinions.id"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # claim of a 'sending' row
    wechat_msgid: Mapped[str] = mapped_column(String(40), default="")
    last_error: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_notifications_status_next", "status", "next_attempt_at"),)


class Consent(db.Model):
    """Subscribe-message grants a user gave: one-time grants are counted, long-term are open."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    template_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10), default="one_time")
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    __table_args__ = (UniqueConstraint("user_id", "template_id", name="uq_consents_user_template"),)


class Message(db.Model):
    """The in-app message list (every notification also lands here)."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    event: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text, default="")
    opinion_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinions.id"))
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
