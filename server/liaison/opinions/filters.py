"""The opinion lists' filters: one set for the API's list (``GET /api/v1/opinions``), the
admin queue page, the H5 我的意见 page and the case ledger (``GET /api/v1/opinions.xlsx``),
so that a download holds exactly the cases the page lists. Visibility comes from
``access.visible_clause``; the filters only narrow it (``queries.opinion_list`` applies
them, orders and pages).

Query-string keys: ``state`` (a state, or ``open`` / ``answered``, ``active`` (not yet
办结 or declined: the queue's default) / ``all`` (closed cases too: the ledger's default)), ``state_group`` (the
API's ``open`` / ``resolved`` / ``closed``), ``category``, ``deputy_id``, ``station_id``,
``overdue`` (``1``), ``from`` / ``to`` (submission dates, China's calendar), ``q`` (text,
number or reply), ``mine`` (``1``: only what the viewer submitted), ``sort`` (``urgent``
default, ``newest``, ``deadline``), ``page``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, false, not_, or_

from ..core.clock import start_of_china_day
from ..core.errors import DomainError
from ..core.routing import MAX_ID
from .access import visible_clause
from .models import Opinion
from .states import (
    ANSWERED_STATES, CLOSED, DECLINED, GROUP_CLOSED, GROUP_LABELS, GROUP_OPEN, GROUP_RESOLVED, OPEN_STATES,
    RESOLVED_CLOSE_REASONS, STATE_LABELS,
)

# Dates outside these years broke the date maths (9999-12-31 + 1 day) as a 500.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


# Groups of states the ``state`` key may name. ``active``: every case not yet closed
# (办结) or declined, what the queue opens on; ``all``: everything, closed cases too.
ACTIVE, ALL = "active", "all"
NOT_DONE_STATES = OPEN_STATES | ANSWERED_STATES
GROUP_FILTERS = (ACTIVE, ALL, "open", "answered")
# Orders of a list: most urgent first (the queue's default), newest first (the API's and
# H5's), nearest deadline first (the API's overdue list).
SORTS = ("urgent", "newest", "deadline")


class BadFilter(DomainError):
    """A query-string filter that cannot be used (422 on the API); the message is Chinese."""

    status = 422
    code = "validation_error"
    title = "筛选条件有误"

    def __init__(self, message: str):
        super().__init__(None, message)


@dataclass
class Filters:
    state: str = ""  # a state key, or one of GROUP_FILTERS; "" (or "all"): every state
    state_group: str = ""  # open | resolved | closed (GET /api/v1/opinions)
    category: str = ""
    deputy_id: int | None = None
    station_id: int | None = None
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    mine: bool = False  # only what the viewer submitted (H5 我的意见)
    sort: str = "urgent"  # one of SORTS
    page: int = 1
    default_state: str = ""  # what an absent ``state`` means (links leave it out)

    @classmethod
    def from_args(cls, args, default_state: str = "") -> "Filters":
        """The filters in a query string; ``default_state`` when it names no state (the
        queue passes ``ACTIVE``: it opens on the cases not yet done).

        :raise BadFilter: a date that is not ``YYYY-MM-DD`` between 2000 and 2099, or an
            id too large to name a row.
        """
        def _date(name):
            value = (args.get(name) or "").strip()
            if not value:
                return None
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise BadFilter("日期格式应为 YYYY-MM-DD，例如 2026-03-01") from None
            if not FIRST_DAY <= day <= LAST_DAY:
                raise BadFilter("日期应在 2000 年至 2099 年之间")
            return day

        def _int(name):
            value = args.get(name, "")
            if not value.isdigit():
                return None
            if int(value) > MAX_ID:
                raise BadFilter("筛选条件不正确，请从页面上重新选择")
            return int(value)

        state, group = args.get("state", ""), args.get("state_group", "")
        return cls(
            state=state if state in STATE_LABELS or state in GROUP_FILTERS else default_state,
            state_group=group if group in GROUP_LABELS else "",
            category=args.get("category", "")[:30], deputy_id=_int("deputy_id"),
            station_id=_int("station_id"), overdue=args.get("overdue") in ("1", "true"),
            date_from=_date("from"), date_to=_date("to"), q=(args.get("q") or "").strip()[:50],
            mine=args.get("mine") in ("1", "true"),
            sort=args.get("sort") if args.get("sort") in SORTS else "urgent",
            page=max(1, min(_int("page") or 1, 1000)), default_state=default_state)

    @classmethod
    def from_query(cls, data: dict) -> "Filters":
        """The filters of the API's validated query (``schemas.ListQuery``): every state
        by default, newest first (an overdue list: nearest deadline first)."""
        return cls(state=data.get("state") or "", state_group=data.get("state_group") or "",
                   category=data.get("category") or "", deputy_id=data.get("deputy_id"),
                   station_id=data.get("station_id"), overdue=bool(data.get("overdue")),
                   date_from=data.get("date_from"), date_to=data.get("date_to"),
                   q=(data.get("q") or "").strip(), mine=bool(data.get("mine")),
                   sort=data.get("sort") or ("deadline" if data.get("overdue") else "newest"),
                   page=data.get("page") or 1)

    def args(self, **changes) -> dict:
        """Query-string arguments for links (drops empty values)."""
        values = {"state": "" if self.state == self.default_state else self.state, "state_group": self.state_group, "category": self.category,
                  "deputy_id": self.deputy_id, "station_id": self.station_id,
                  "overdue": "1" if self.overdue else "",
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "", "q": self.q,
                  "mine": "1" if self.mine else "",
                  "sort": "" if self.sort == "urgent" else self.sort, "page": ""}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.category or self.deputy_id or self.station_id or self.overdue
                    or self.date_from or self.date_to or self.q or self.mine)


def group_clause(group: str):
    """The API's groups: open (in handling), resolved (answered, or closed as solved), closed."""
    resolved_closed = and_(Opinion.state == CLOSED, Opinion.close_reason.in_(RESOLVED_CLOSE_REASONS))
    if group == GROUP_OPEN:
        return Opinion.state.in_(OPEN_STATES)
    if group == GROUP_RESOLVED:
        return or_(Opinion.state.in_(ANSWERED_STATES), resolved_closed)
    if group == GROUP_CLOSED:
        return or_(Opinion.state == DECLINED, and_(Opinion.state == CLOSED, not_(resolved_closed)))
    raise ValueError(group)


def overdue_clause(today: date):
    return and_(Opinion.state.in_(OPEN_STATES), Opinion.deadline.is_not(None), Opinion.deadline < today)


def common_clauses(viewer, f: Filters, today: date) -> list:
    """Every filter except the state (the queue's counts are per state)."""
    where = [visible_clause(viewer)]
    if f.mine:
        where.append(Opinion.submitter_id == viewer.user_id if viewer.user_id is not None else false())
    if f.state_group:
        where.append(group_clause(f.state_group))
    if f.category:
        where.append(Opinion.category == f.category)
    if f.deputy_id:
        where.append(Opinion.deputy_id == f.deputy_id)
    if f.station_id:
        where.append(Opinion.station_id == f.station_id)
    if f.overdue:
        where.append(overdue_clause(today))
    if f.date_from:
        where.append(Opinion.created_at >= start_of_china_day(f.date_from))
    if f.date_to:
        where.append(Opinion.created_at < start_of_china_day(f.date_to + timedelta(days=1)))
    if f.q:
        where.append(or_(Opinion.text.icontains(f.q, autoescape=True),
                         Opinion.number.icontains(f.q, autoescape=True),
                         Opinion.reply_text.icontains(f.q, autoescape=True)))
    return where


def state_clause(state: str):
    if state == ACTIVE:
        return Opinion.state.in_(NOT_DONE_STATES)
    if state == "open":
        return Opinion.state.in_(OPEN_STATES)
    if state == "answered":
        return Opinion.state.in_(ANSWERED_STATES)
    return Opinion.state == state


def where_clauses(viewer, f: Filters, today: date) -> list:
    """Every filter of ``f`` on what ``viewer`` sees: the rows of the queue, all pages."""
    return common_clauses(viewer, f, today) + ([state_clause(f.state)] if f.state and f.state != ALL else [])
