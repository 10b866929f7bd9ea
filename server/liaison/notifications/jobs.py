"""rq jobs for delivery: they take ids, reload, and are safe to run twice.

- ``deliver_job(id)``: enqueued by ``outbox.kick()`` right after a commit;
  ``deliver_ids_job(ids)`` delivers several (a backlog split between workers).
- ``sweep()``: the periodic job (every 30 s, ``core.jobs.PERIODIC``): delivers what
  is due, retries whose backoff has passed, and rows a dead worker left ``sending``
  once their lease has expired.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..core.db import db
from ..core.transaction import checkpoint
from ..core.jobs import with_app
from . import delivery
from .models import Notification

log = logging.getLogger(__name__)


def due_ids(now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Ids a worker may claim now, oldest first."""
    now = delivery._utc(now)
    limit = limit or int(current_app.config["NOTIFICATION_BATCH"])
    ids = db.session.scalars(select(Notification.id).where(delivery.due_clause(now))
                             .order_by(Notification.id).limit(limit)).all()
    checkpoint()
    return list(ids)


def deliver_pending(limit: int | None = None, now: datetime | None = None,
                    budget_seconds: float | None = None) -> dict[str, int]:
    """Deliver every due row (at most ``limit``); returns {status: count}.

    :param budget_seconds: stop starting new groups after this long, so a job ends well
        inside rq's timeout even when WeChat answers slowly; the next sweep goes on.
    """
    counts = _counts(delivery.deliver_many(due_ids(now, limit), now=now, budget_seconds=budget_seconds))
    if counts:
        log.info("notifications: delivered batch %s", counts)
    return counts


def _counts(statuses: dict[int, str]) -> dict[str, int]:
    return dict(Counter(statuses.values()))


@with_app
def deliver_job(notification_id: int) -> str | None:
    return delivery.deliver(notification_id)


@with_app
def deliver_ids_job(notification_ids: list[int]) -> dict[str, int]:
    """Deliver several rows in one job (a backlog split between workers), several WeChat
    calls side by side (``delivery.deliver_many``); each row is claimed, sent and
    recorded under its own lease and fence, as ``deliver_job`` does."""
    return _counts(delivery.deliver_many(list(notification_ids)))


SWEEP_BUDGET_SECONDS = 120  # rq's default job timeout is 180 s


@with_app
def deliver_pending_job() -> dict[str, int]:
    return deliver_pending(budget_seconds=SWEEP_BUDGET_SECONDS)


@with_app
def sweep() -> dict[str, int]:
    """The periodic job: everything due, including expired claims."""
    return deliver_pending(budget_seconds=SWEEP_BUDGET_SECONDS)
