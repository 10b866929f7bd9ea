"""Reading the audit log: the rows a staff member may see, newest first."""
from __future__ import annotations

from sqlalchemy import false, or_, select

from ..core.db import db
from ..places.scopes import regions_under
from ..audit.models import AuditEntry

PAGE_SIZE = 30


def visible_clause(scope):
    """WHERE on ``AuditEntry``: rows of the NPC office's region subtrees (``Region.path``)
    and rows of the stations the staff member works at; nothing for anyone else."""
    parts = []
    if scope.office_paths:
        parts.append(AuditEntry.region_id.in_(regions_under(scope.office_paths)))
    if scope.station_ids:
        parts.append(AuditEntry.station_id.in_(sorted(scope.station_ids)))
    return or_(*parts) if parts else false()


def page(scope, before_id: int | None = None, size: int = PAGE_SIZE) -> tuple[list[AuditEntry], int | None]:
    """One page of visible rows, newest first, and the id to continue from (None at the end)."""
    query = select(AuditEntry).where(visible_clause(scope))
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    rows = list(db.session.execute(query.order_by(AuditEntry.id.desc()).limit(size + 1)).scalars())
    more = rows[size - 1].id if len(rows) > size else None
    return rows[:size], more
