"""Consultation jobs (listed in ``core.jobs.PERIODIC``).

``notify_opened`` (hourly) tells the deputies of a consultation that opens on a later day
than it was published, on its first day; each consultation is claimed with a conditional
UPDATE of ``deputies_notified_at``, so two runs never tell twice.

``recheck_comments`` (every 10 minutes) checks again the comments WeChat's msgSecCheck
could not judge when they were written (``pending``: WeChat unreachable), with the policy
of ``opinions.content_check``: while the writer is inside WeChat's two-hour window it asks
again, a ``risky`` verdict hides the comment, and a writer outside the window leaves it
``manual`` for staff to read. Each comment is its own transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.jobs import with_app
from ..core.transaction import checkpoint
from ..opinions import content_check
from ..users.models import User
from . import operations
from .models import Consultation, ConsultationComment


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


def _recheck(comment_id: int, now: datetime) -> str:
    row = db.session.get(ConsultationComment, comment_id)
    if row is None or row.sec_check != "pending":
        return "gone"
    verdict = content_check.check_text(db.session.get(User, row.user_id), row.text, now)
    if verdict.status == "pending":
        return "pending"
    row.sec_check = verdict.status
    if verdict.status == "risky" and row.hidden_at is None:
        row.hidden_at, row.hidden_reason = now, operations.RISKY_REASON
    return verdict.status


@with_app
def recheck_comments(now: datetime | None = None) -> dict[str, int]:
    """:return: {outcome: count} of the pending comments checked again."""
    now = now or clock.now()
    ids = list(db.session.scalars(select(ConsultationComment.id).where(
        ConsultationComment.sec_check == "pending").order_by(ConsultationComment.id)))
    db.session.rollback()  # end the read: each row below is its own transaction
    return content_check.each_row(ids, lambda comment_id: _recheck(comment_id, now), "content recheck of comment")
