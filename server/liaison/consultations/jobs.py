"""Consultation jobs (listed in ``core.jobs.PERIODIC``).

``notify_opened`` (hourly) tells the deputies of a consultation that opens on a later day
than it was published, on its first day; each consultation is claimed with a conditional
UPDATE of ``deputies_notified_at``, so two runs never tell twice.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.jobs import with_app
from ..core.transaction import checkpoint
from . import operations
from .models import Consultation


@with_app
def notify_opened() -> int:
    """:return: the number of consultations whose deputies were told now."""
    today = clock.today()
    ids = list(db.session.scalars(select(Consultation.id).where(
        Consultation.deputies_notified_at.is_(None), Consultation.opens_on <= today,
        Consultation.closes_on >= today, Consultation.closed_at.is_(None))))
    told = 0
    for consultation_id in ids:
        if not operations.claim_opening(consultation_id):
            db.session.rollback()
            continue
        operations.notify_deputies(db.session.get(Consultation, consultation_id))
        checkpoint()
        told += 1
    return told
