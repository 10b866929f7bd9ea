"""Listing opinions: the caller's own (resident) and their queue (staff, deputy, unit).

Visibility comes from ``access.visible_clause`` only; the filters narrow it further.
``overdue=1`` within an NPC office's scope is the office's overdue list.
"""
from __future__ import annotations

from sqlalchemy import and_, func, not_, or_, select

from ..core import clock
from ..core.db import db
from .access import Viewer, visible_clause
from .models import Opinion
from .states import (
    ANSWERED_STATES, CLOSED, DECLINED, GROUP_CLOSED, GROUP_OPEN, GROUP_RESOLVED, OPEN_STATES,
    RESOLVED_CLOSE_REASONS,
)

MAX_PER_PAGE = 100


def group_clause(group: str):
    resolved_closed = and_(Opinion.state == CLOSED, Opinion.close_reason.in_(RESOLVED_CLOSE_REASONS))
    if group == GROUP_OPEN:
        return Opinion.state.in_(OPEN_STATES)
    if group == GROUP_RESOLVED:
        return or_(Opinion.state.in_(ANSWERED_STATES), resolved_closed)
    if group == GROUP_CLOSED:
        return or_(Opinion.state == DECLINED, and_(Opinion.state == CLOSED, not_(resolved_closed)))
    raise ValueError(group)


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filters_clause(f: dict):
    parts = []
    if f.get("state"):
        parts.append(Opinion.state == f["state"])
    if f.get("state_group"):
        parts.append(group_clause(f["state_group"]))
    if f.get("category"):
        parts.append(Opinion.category == f["category"])
    if f.get("station_id"):
        parts.append(Opinion.station_id == f["station_id"])
    if f.get("overdue"):
        parts.append(and_(Opinion.state.in_(OPEN_STATES), Opinion.deadline.is_not(None),
                          Opinion.deadline < clock.today()))
    if f.get("q"):
        pattern = _like(f["q"].strip())
        parts.append(or_(Opinion.text.ilike(pattern, escape="\\"),
                         Opinion.number.ilike(pattern, escape="\\")))
    return and_(*parts) if parts else None


def list_visible(viewer: Viewer, f: dict) -> tuple[list[Opinion], int, int, int]:
    """(opinions of the page, total, page, per_page), newest first."""
    page = max(1, int(f.get("page") or 1))
    per_page = min(MAX_PER_PAGE, max(1, int(f.get("per_page") or 20)))
    where = visible_clause(viewer)
    extra = filters_clause(f)
    if extra is not None:
        where = and_(where, extra)
    total = db.session.scalar(select(func.count(Opinion.id)).where(where))
    order = (Opinion.deadline.asc(), Opinion.id.asc()) if f.get("overdue") else \
        (Opinion.created_at.desc(), Opinion.id.desc())
    items = list(db.session.scalars(select(Opinion).where(where).order_by(*order)
                                    .offset((page - 1) * per_page).limit(per_page)))
    return items, total, page, per_page
