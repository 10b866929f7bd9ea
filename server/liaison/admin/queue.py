"""The work queue: the opinions a staff member handles, filtered, searched, counted.

Visibility comes from ``opinions.access.visible_clause`` (the same rule as the API);
this module only adds the queue's filters, its order and the counts per state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, or_, select

from ..core.db import db
from ..core.routing import MAX_ID
from ..opinions.access import visible_clause
from ..opinions.deadlines import is_overdue
from ..opinions.models import Opinion
from ..opinions.states import ANSWERED_STATES, OPEN_STATES, STATE_LABELS, SUBMITTED, ON_HOLD, REVIEWING
from ..places.models import Deputy, Station

PER_PAGE = 20
# Dates outside these years broke the date maths (9999-12-31 + 1 day) as a 500.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
CHINA = timezone(timedelta(hours=8))
# States that wait for the station's own move come right after the overdue ones.
WAITING_ON_STAFF = (SUBMITTED, ON_HOLD, REVIEWING)


class BadFilter(ValueError):
    """A query-string filter that cannot be used; the message is Chinese, for the page."""


@dataclass
class Filters:
    state: str = ""  # a state key, or "open" / "answered"
    category: str = ""
    deputy_id: int | None = None
    station_id: int | None = None
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "urgent"  # urgent | newest
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Filters":
        """The filters in a query string.

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

        state = args.get("state", "")
        return cls(
            state=state if state in STATE_LABELS or state in ("open", "answered") else "",
            category=args.get("category", "")[:30], deputy_id=_int("deputy_id"),
            station_id=_int("station_id"), overdue=args.get("overdue") == "1",
            date_from=_date("from"), date_to=_date("to"), q=(args.get("q") or "").strip()[:50],
            sort="newest" if args.get("sort") == "newest" else "urgent",
            page=max(1, min(_int("page") or 1, 1000)))

    def args(self, **changes) -> dict:
        """Query-string arguments for links (drops empty values)."""
        values = {"state": self.state, "category": self.category, "deputy_id": self.deputy_id,
                  "station_id": self.station_id, "overdue": "1" if self.overdue else "",
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "", "q": self.q,
                  "sort": "" if self.sort == "urgent" else self.sort, "page": ""}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.category or self.deputy_id or self.station_id or self.overdue
                    or self.date_from or self.date_to or self.q)


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


def _overdue_clause(today: date):
    return and_(Opinion.state.in_(OPEN_STATES), Opinion.deadline.is_not(None), Opinion.deadline < today)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(timezone.utc)


def _common(viewer, f: Filters, today: date) -> list:
    """Every filter except the state (the counts are per state)."""
    where = [visible_clause(viewer)]
    if f.category:
        where.append(Opinion.category == f.category)
    if f.deputy_id:
        where.append(Opinion.deputy_id == f.deputy_id)
    if f.station_id:
        where.append(Opinion.station_id == f.station_id)
    if f.overdue:
        where.append(_overdue_clause(today))
    if f.date_from:
        where.append(Opinion.created_at >= _start_of(f.date_from))
    if f.date_to:
        where.append(Opinion.created_at < _start_of(f.date_to + timedelta(days=1)))
    if f.q:
        where.append(or_(Opinion.text.icontains(f.q, autoescape=True),
                         Opinion.number.icontains(f.q, autoescape=True),
                         Opinion.reply_text.icontains(f.q, autoescape=True)))
    return where


def _state_clause(state: str):
    if state == "open":
        return Opinion.state.in_(OPEN_STATES)
    if state == "answered":
        return Opinion.state.in_(ANSWERED_STATES)
    return Opinion.state == state


def load(viewer, f: Filters, today: date) -> QueuePage:
    """One page of the queue plus the counts per state (under the other filters)."""
    common = _common(viewer, f, today)
    counts = dict(db.session.execute(
        select(Opinion.state, func.count()).where(*common).group_by(Opinion.state)).all())
    overdue_count = db.session.scalar(
        select(func.count()).select_from(Opinion).where(*common, _overdue_clause(today))) or 0
    where = common + ([_state_clause(f.state)] if f.state else [])
    total = db.session.scalar(select(func.count()).select_from(Opinion).where(*where)) or 0
    if f.sort == "newest":
        order = [Opinion.created_at.desc(), Opinion.id.desc()]
    else:
        urgency = case((_overdue_clause(today), 0), (Opinion.state.in_(WAITING_ON_STAFF), 1),
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
