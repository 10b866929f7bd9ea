"""Opinion jobs. Periodic (listed in ``core.jobs.PERIODIC``): deadlines, content checks
still open, retention and unattached uploads; on demand: a new opinion's photo checks.

All are safe to run twice: a deadline event is recorded at most once per opinion
per local day (a unique ``dedupe_key``), a content check is claimed before it is
recorded, a scrubbed opinion is never picked again, and a deleted upload is gone.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.jobs import with_app
from . import content_check, deadlines, operations, photo_checks, retention, uploads
from .context import OFFICE, Notify
from .models import Opinion
from .states import CLOSED, DECLINED, OPEN_STATES

log = logging.getLogger(__name__)

OVERDUE_NOTIFY = (Notify("units", "overdue"), Notify("staff", "overdue"), Notify(OFFICE, "overdue"))
NEAR_NOTIFY = (Notify("units", "near_deadline"),)


@with_app
def scan_deadlines(today: date | None = None) -> dict:
    """Record and notify opinions past or near their deadline (督办 by the system).

    Overdue: the handling units, the station's staff and the NPC office are told;
    near the deadline (``DEADLINE_NEAR_WORKING_DAYS`` working days or fewer): the units.
    The workflow's ``urge`` is a person's act (staff or deputy), so the job appends an
    ``overdue`` / ``near_deadline`` event through ``operations.record_system_event``.
    """
    today = today or clock.today()
    near_days = int(current_app.config["DEADLINE_NEAR_WORKING_DAYS"])
    horizon = deadlines.add_working_days(today, near_days)
    rows = db.session.execute(select(Opinion.id, Opinion.deadline).where(
        Opinion.state.in_(OPEN_STATES), Opinion.deadline.is_not(None),
        Opinion.deadline <= horizon).order_by(Opinion.id)).all()
    counts = {"overdue": 0, "near_deadline": 0}
    for opinion_id, deadline in rows:
        if deadlines.is_overdue(deadline, today):
            kind, notifies = "overdue", OVERDUE_NOTIFY
            days = deadlines.working_days_between(deadline, today)
        elif deadlines.near_deadline(deadline, today, near_days):
            kind, notifies = "near_deadline", NEAR_NOTIFY
            days = deadlines.working_days_between(today, deadline)
        else:
            continue
        if operations.record_system_event(
                opinion_id, kind, dedupe_key=f"{kind}:{today.isoformat()}",
                payload={"deadline": deadline.isoformat(), "working_days": days},
                notifies=notifies):
            counts[kind] += 1
    return counts


@with_app
def sweep_content_checks(now: datetime | None = None) -> dict:
    """WeChat's checks not finished yet (every 10 minutes).

    Texts and rating comments left ``pending`` are checked again while the writer is
    inside WeChat's 2-hour window, else go to staff review (``content_check.recheck``);
    photos still ``queued`` are sent, photos whose verdict never came go to staff
    review (``photo_checks.sweep``). Each row is its own transaction: one that fails
    never stops the next.
    """
    now = now or clock.now()
    return {"texts": content_check.recheck(now), "photos": photo_checks.sweep(now)}


@with_app
def check_photos_job(opinion_id: int) -> dict:
    """Send a new opinion's photos to mediaCheckAsync (enqueued after the submit)."""
    return photo_checks.request_checks(opinion_id)


@with_app
def scrub_expired(now: datetime | None = None) -> int:
    """Scrub personal data of cases closed more than RETENTION_DAYS ago; returns the count."""
    now = now or clock.now()
    cutoff = now - timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    ids = list(db.session.scalars(select(Opinion.id).where(
        Opinion.state.in_((CLOSED, DECLINED)), Opinion.closed_at.is_not(None),
        Opinion.closed_at <= cutoff, Opinion.scrubbed_at.is_(None)).order_by(Opinion.id)))
    for opinion_id in ids:
        retention.scrub(opinion_id)
    return len(ids)


@with_app
def delete_unattached_uploads(now: datetime | None = None) -> int:
    """Delete photos uploaded more than a day ago that never joined an opinion."""
    return uploads.delete_unattached(now or clock.now())
