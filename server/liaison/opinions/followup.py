"""After the reply: ask the resident to rate, and close cases nobody rates.

A replied opinion whose resident has not rated it gets one 请评价 reminder after
``RATING_REMINDER_WORKING_DAYS`` working days, and is closed by the system as
"no rating" (still counted as resolved) after ``RATING_AUTOCLOSE_WORKING_DAYS``.
Safe to run twice: the reminder is a deduplicated event; the close is a workflow
transition that only applies while the opinion is still ``replied``.
"""
from __future__ import annotations

import logging
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..core.db import db
from ..core.errors import DomainError
from ..core.jobs import with_app
from . import deadlines, operations
from .context import RESIDENT, Notify
from .models import Opinion
from .states import REPLIED
from ..core import clock

log = logging.getLogger(__name__)

REMINDER_NOTIFY = (Notify(RESIDENT, "rate_request"),)


@with_app
def follow_up_replies(today: date | None = None) -> dict:
    """Send rating reminders and close long-unrated replies; returns the counts."""
    today = today or clock.today()
    remind_after = int(current_app.config["RATING_REMINDER_WORKING_DAYS"])
    close_after = int(current_app.config["RATING_AUTOCLOSE_WORKING_DAYS"])
    counts = {"reminded": 0, "closed": 0}
    rows = db.session.execute(select(Opinion.id, Opinion.replied_at).where(
        Opinion.state == REPLIED, Opinion.replied_at.is_not(None)).order_by(Opinion.id)).all()
    for opinion_id, replied_at in rows:
        waited = deadlines.working_days_between(_local_date(replied_at), today)
        if waited >= close_after:
            try:
                operations.transition_as_system(opinion_id, "close", {"close_reason": "no_rating"})
                counts["closed"] += 1
            except DomainError:  # rated or changed meanwhile: nothing to do (nothing written)
                pass
        elif waited >= remind_after:
            if operations.record_system_event(opinion_id, "rate_request", dedupe_key="rate_request",
                                              payload={"working_days": waited},
                                              notifies=REMINDER_NOTIFY):
                counts["reminded"] += 1
    return counts


def _local_date(moment) -> date:
    from datetime import timezone

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(clock.CHINA).date()
