"""One append-only row per change of record (roles, invitations, places, imports)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.db import UTCDateTime, db


class AuditEntry(db.Model):
    """Who (a user, or 命令行), when, what (action on an entity), before → after.

    ``region_id`` is the region the change concerns, so an NPC office reads its
    subtree through ``Region.path``; ``station_id`` lets a station's staff read theirs.
    Written in the same transaction as the change it describes; never updated.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[Optional[int]] = mapped_column(Integer)
    # What the entity was called at the time ("望月湖街道人大代表联络站", "王明"...).
    subject: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("regions.id"), index=True)
    station_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stations.id"), index=True)
    before: Mapped[Optional[dict]] = mapped_column(JSON)
    after: Mapped[Optional[dict]] = mapped_column(JSON)
