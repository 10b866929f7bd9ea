"""The work queue: the opinions a staff member handles, filtered, searched, counted.

Visibility comes from ``opinions.access.visible_clause`` (the same rule as the API);
the filters are ``opinions.filters`` (shared with the case ledger); this module adds
the queue's order, its pages and the counts per state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from ..core.db import db
from ..opinions.access import visible_clause
from ..opinions.deadlines import is_overdue
from ..opinions.filters import (  # noqa: F401  (BadFilter, Filters: the queue page's names)
    ACTIVE, ALL, NOT_DONE_STATES, BadFilter, Filters, common_clauses, overdue_clause, state_clause,
)
from ..opinions.models import Opinion
from ..opinions.states import OPEN_STATES, SUBMITTED, ON_HOLD, REVIEWING
from ..places.models import Deputy, Station

PER_PAGE = 20
# States that wait for the station's own move come right after the overdue ones.
WAITING_ON_STAFF = (SUBMITTED, ON_HOLD, REVIEWING)


@dataclass
class QueuePage:
    items: list[Opinion]
    total: int
    counts: dict[str, int]
    overdue_count: int
    has_more: bool
    stations: dict[int, Station] = field(default_factory=dict)
    deputies: dict[int, Deputy] = field(default_factory=dict)
    overdue_ids: set[int] = field(default_factory=set)


def load(viewer, f: Filters, today: date) -> QueuePage:
    """One page of the queue plus the counts per state (under the other filters)."""
    common = common_clauses(viewer, f, today)
    counts = dict(db.session.execute(
        select(Opinion.state, func.count()).where(*common).group_by(Opinion.state)).all())
    overdue_count = db.session.scalar(
        select(func.count()).select_from(Opinion).where(*common, overdue_clause(today))) or 0
    where = common + ([state_clause(f.state)] if f.state and f.state != ALL else [])
    total = db.session.scalar(select(func.count()).select_from(Opinion).where(*where)) or 0
    if f.sort == "newest":
        order = [Opinion.created_at.desc(), Opinion.id.desc()]
    else:
        urgency = case((overdue_clause(today), 0), (Opinion.state.in_(WAITING_ON_STAFF), 1),
                       (Opinion.state.in_(OPEN_STATES), 2), else_=3)
        order = [urgency, Opinion.created_at.desc(), Opinion.id.desc()]
    items = list(db.session.execute(
        select(Opinion).where(*where).order_by(*order)
        .offset((f.page - 1) * PER_PAGE).limit(PER_PAGE + 1)).scalars())
    has_more = len(items) > PER_PAGE
    items = items[:PER_PAGE]
    stations = {s.id: s for s in db.session.execute(select(Station).where(
        Station.id.in_({o.station_id for o in items}))).scalars()} if items else {}
    deputy_ids = {o.deputy_id for o in items if o.deputy_id}
    deputies = {d.id: d for d in db.session.execute(select(Deputy).where(
        Deputy.id.in_(deputy_ids))).scalars()} if deputy_ids else {}
    late = {o.id for o in items if o.state in OPEN_STATES and is_overdue(o.deadline, today)}
    return QueuePage(items, total, counts, overdue_count, has_more, stations, deputies, late)


def filter_choices(viewer) -> tuple[list[Station], list[Deputy]]:
    """Stations and summoned deputies that occur in the viewer's opinions (for the selects)."""
    visible = visible_clause(viewer)
    station_ids = select(Opinion.station_id).where(visible).distinct()
    deputy_ids = select(Opinion.deputy_id).where(visible, Opinion.deputy_id.is_not(None)).distinct()
    stations = list(db.session.execute(select(Station).where(Station.id.in_(station_ids))
                                       .order_by(Station.name)).scalars())
    deputies = list(db.session.execute(select(Deputy).where(Deputy.id.in_(deputy_ids))
                                       .order_by(Deputy.name)).scalars())
    return stations, deputies
