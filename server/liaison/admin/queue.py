"""The work queue: the opinions a staff member handles, filtered, searched, counted.

The page of opinions is ``opinions.queries.opinion_list`` (the same query as the API's
list and H5's, with the filters of ``opinions.filters``, shared with the case ledger);
this module adds the counts per state and the names the page shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..core.db import db
from ..opinions.access import visible_clause
from ..opinions.deadlines import is_overdue
from ..opinions.filters import (  # noqa: F401  (BadFilter, Filters: the queue page's names)
    ACTIVE, ALL, NOT_DONE_STATES, BadFilter, Filters, common_clauses, overdue_clause,
)
from ..opinions.models import Opinion
from ..opinions.queries import opinion_list
from ..opinions.states import OPEN_STATES
from ..places.models import Deputy, Station

PER_PAGE = 20


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
    """One page of the queue (``opinions.queries.opinion_list``) plus the counts per state
    (under the other filters)."""
    common = common_clauses(viewer, f, today)
    counts = dict(db.session.execute(
        select(Opinion.state, func.count()).where(*common).group_by(Opinion.state)).all())
    overdue_count = db.session.scalar(
        select(func.count()).select_from(Opinion).where(*common, overdue_clause(today))) or 0
    found = opinion_list(viewer, f, f.page, PER_PAGE, today)
    items = found.items
    stations = {s.id: s for s in db.session.execute(select(Station).where(
        Station.id.in_({o.station_id for o in items}))).scalars()} if items else {}
    deputy_ids = {o.deputy_id for o in items if o.deputy_id}
    deputies = {d.id: d for d in db.session.execute(select(Deputy).where(
        Deputy.id.in_(deputy_ids))).scalars()} if deputy_ids else {}
    late = {o.id for o in items if o.state in OPEN_STATES and is_overdue(o.deadline, today)}
    return QueuePage(items, found.total, counts, overdue_count, found.has_more, stations, deputies, late)


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
