"""Tables of suggested routing (``insight.routing``).

- ``RoutingModel``: one trained classifier per region scope (``places.scopes.scope_region``,
  a district) and kind (``category`` or ``unit``): the joblib dump of the fitted vectorizer,
  classifier and training rows, kept in the database so every web process and worker
  reads the same model (never a local file).
- ``RoutingChoice``: what staff chose when they accepted (category) or assigned (lead
  unit) a case for which a suggestion was made, and whether it was the suggestion: the
  region report's share of accepted suggestions.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.db import UTCDateTime, db

KINDS = ("category", "unit")


class RoutingModel(db.Model):
    __tablename__ = "routing_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    samples: Mapped[int] = mapped_column(Integer, default=0)
    classes: Mapped[int] = mapped_column(Integer, default=0)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    __table_args__ = (UniqueConstraint("region_id", "kind", name="uq_routing_models_region_kind"),)


class RoutingChoice(db.Model):
    __tablename__ = "routing_choices"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinions.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    kind: Mapped[str] = mapped_column(String(10))
    suggested: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    chosen: Mapped[str] = mapped_column(String(40))
    accepted: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    __table_args__ = (Index("ix_routing_choices_station_decided", "station_id", "decided_at"),)
