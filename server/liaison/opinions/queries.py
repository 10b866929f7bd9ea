"""The one opinion-list query: the API's list, the admin queue page and the H5 我的意见
page all ask ``opinion_list``.

Visibility comes from ``access.visible_clause`` only (``places.scopes`` behind it); the
``filters.Filters`` narrow it; the sort orders it; the page cuts it. ``overdue=1``
within an NPC office's scope is the office's overdue list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ..core.db import db
from .access import Viewer
from .filters import Filters, overdue_clause, where_clauses
from .models import Opinion
from .states import ON_HOLD, OPEN_STATES, REVIEWING, SUBMITTED

MAX_PER_PAGE = 100
# States that wait for the station's own move come right after the overdue ones.
WAITING_ON_STAFF = (SUBMITTED, ON_HOLD, REVIEWING)


@dataclass
class OpinionPage:
    items: list[Opinion]
    total: int
    page: int
    per_page: int

    @property
    def has_more(self) -> bool:
        return self.page * self.per_page < self.total


def order_of(sort: str, today: date) -> list:
    """ORDER BY of a list: ``urgent`` (overdue, then waiting on the station, then the rest
    in handling, then the done; newest first within each), ``newest``, ``deadline``."""
    if sort == "deadline":
        return [Opinion.deadline.asc(), Opinion.id.asc()]
    newest = [Opinion.created_at.desc(), Opinion.id.desc()]
    if sort == "newest":
        return newest
    urgency = case((overdue_clause(today), 0), (Opinion.state.in_(WAITING_ON_STAFF), 1),
                   (Opinion.state.in_(OPEN_STATES), 2), else_=3)
    return [urgency, *newest]


def opinion_list(viewer: Viewer, filters: Filters, page: int, per_page: int, today: date) -> OpinionPage:
    """One page of the opinions ``viewer`` may see that pass ``filters``, in their sort."""
    page = max(1, int(page))
    per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    where = where_clauses(viewer, filters, today)
    total = db.session.scalar(select(func.count()).select_from(Opinion).where(*where)) or 0
    items = list(db.session.scalars(select(Opinion).where(*where).order_by(*order_of(filters.sort, today))
                                    .offset((page - 1) * per_page).limit(per_page)))
    return OpinionPage(items, total, page, per_page)
