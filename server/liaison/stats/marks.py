"""Every change that counts marks the summary rows it makes stale (``stats_dirty``).

A session flush that adds, changes or deletes an opinion, suggestion, check-in,
reception record, membership, deputy or station writes, in the same transaction,
one ``StatsDirty`` row per (station or deputy, month) whose figures may move — for
the values before and after the change. So a change and its mark commit together or
not at all; after the commit a job (``stats.drain``) recounts just those rows. The
capabilities that make the changes know nothing of this module.
"""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..core import clock
from ..core.db import dialect_insert
from ..opinions.models import Opinion, Suggestion
from ..places.models import Deputy, Membership, Station
from ..reception.models import CheckIn, ReceptionRecord
from .figures import ONE_DAY, add_months, local_date, month_of
from .models import StatsDirty

log = logging.getLogger(__name__)

MARKS = "liaison_stats_marks"  # session.info: marks of the flush under way
WRITTEN = "liaison_stats_marked"  # session.info: this transaction wrote marks
SEAT_MONTHS_BACK = 12  # a seat change reaches back at most this many months


DEPUTY_SEATING = ("active", "levels", "is_senior_official")  # what a station's composition reads
STATION_SEATING = ("active", "region_id")


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[n].history.has_changes() for n in names)


def _values(obj, name: str, new: bool) -> list:
    """The attribute's value now and, for a changed row, before the change."""
    if new:
        return [getattr(obj, name)]
    hist = inspect(obj).attrs[name].history
    return [*hist.added, *hist.unchanged, *hist.deleted] or [getattr(obj, name)]


def _month(value) -> date | None:
    if value is None:
        return None
    return month_of(local_date(value) if isinstance(value, datetime) else value)


def _months(obj, names, new: bool) -> set[date]:
    return {m for n in names for v in _values(obj, n, new) if (m := _month(v)) is not None}


def _opinion(obj, new: bool, today: date, add) -> None:
    months = _months(obj, ("created_at", "replied_at", "closed_at", "rated_at", "updated_at"), new)
    months |= {month_of(d + ONE_DAY) for d in _values(obj, "deadline", new) if d is not None}
    months.add(month_of(today))  # the change itself (updated_at is set during the flush)
    for station in _values(obj, "station_id", new):
        add("station", station, months)
    for deputy in _values(obj, "deputy_id", new):
        add("deputy", deputy, months)


def _seat_months(dates, today: date) -> set[date]:
    """The months a seat dated ``dates`` can move: from the earliest to this month."""
    current, floor = month_of(today), add_months(month_of(today), -SEAT_MONTHS_BACK)
    known = [month_of(d) for d in dates if d is not None]
    first = max(floor, min(known)) if known and len(known) == len(dates) else floor
    first = min(first, current)
    out, month = set(), first
    while month <= current:
        out.add(month)
        month = add_months(month, 1)
    return out


def _collect(session: Session, today: date) -> set[tuple[str, int, date]]:
    marks: set[tuple[str, int, date]] = set()

    def add(kind, key, months):
        if key is not None:
            marks.update((kind, int(key), m) for m in months)

    current = month_of(today)
    for group, new in ((session.new, True), (session.dirty, False), (session.deleted, False)):
        for obj in group:
            if new is False and group is session.dirty and not session.is_modified(obj):
                continue
            if isinstance(obj, Opinion):
                _opinion(obj, new, today, add)
            elif isinstance(obj, Suggestion):
                add("deputy", obj.deputy_id, _months(obj, ("created_at",), new) or {current})
            elif isinstance(obj, CheckIn):
                months = _months(obj, ("day",), new)
                for name, kind in (("station_id", "station"), ("deputy_id", "deputy")):
                    for key in _values(obj, name, new):
                        add(kind, key, months)
            elif isinstance(obj, ReceptionRecord):
                months = _months(obj, ("date",), new)
                for key in _values(obj, "station_id", new):
                    add("station", key, months)
                for ids in _values(obj, "deputy_ids", new):
                    for key in ids or []:
                        add("deputy", key, months)
            elif isinstance(obj, Membership):
                months = _seat_months(_values(obj, "started_on", new) + _values(obj, "ended_on", new), today)
                for key in _values(obj, "station_id", new):
                    add("seat_station", key, months)
                for key in _values(obj, "deputy_id", new):
                    add("seat_deputy", key, months)
            elif isinstance(obj, Deputy) and not new and (group is session.deleted or _changed(obj, DEPUTY_SEATING)):
                add("seat_deputy", obj.id, _seat_months([], today))
            elif isinstance(obj, Station) and not new and (group is session.deleted or _changed(obj, STATION_SEATING)):
                add("seat_station", obj.id, _seat_months([], today))
                for region_id in _values(obj, "region_id", False):  # the totals of the region it left
                    add("region", region_id, _seat_months([], today))
    return {m for m in marks if m[2] <= current}


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    marks = _collect(session, clock.today())
    if marks:
        session.info.setdefault(MARKS, set()).update(marks)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    marks = session.info.pop(MARKS, None)
    if not marks:
        return
    conn = session.connection()
    rows = [{"kind": k, "key": key, "month": m} for k, key, m in sorted(marks, key=str)]
    conn.execute(dialect_insert(StatsDirty.__table__, conn).on_conflict_do_nothing(), rows)
    session.info[WRITTEN] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.info.pop(WRITTEN, False):
        kick()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(MARKS, None)
    session.info.pop(WRITTEN, None)


QUEUED = "liaison:stats:drain-queued"


def kick() -> bool:
    """Ask a worker to recount the marked rows now (best effort: the periodic drain
    and every report read catch up when Redis or the queue is unreachable)."""
    try:
        from flask import current_app

        if current_app.config.get("RQ_SYNC"):  # the CLI: its own reads drain
            return False
        from ..core.extensions import get_redis
        from ..core.jobs import enqueue
        from .jobs import drain_job

        if get_redis().set(QUEUED, "1", nx=True, ex=300):
            enqueue(drain_job, job_id=f"stats-drain-{uuid.uuid4().hex}")
        return True
    except Exception as exc:  # noqa: BLE001 - a failed kick never fails the change
        log.warning("stats: could not enqueue the summary recount (%s)", exc)
        return False
