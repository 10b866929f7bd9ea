"""A deputy's duty record (履职档案) for a year, computed live for that one deputy.

It uses the same counting code as the summary tables (``refresh.compute``), so its
monthly numbers equal the league table's for the same months.
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select

from ..core.db import db
from ..opinions.models import Opinion
from ..opinions.states import OPEN_STATES
from ..places.models import Deputy, Membership, Station
from ..reception.models import CheckIn, ReceptionRecord
from ..reception.presence import duty_status
from .figures import IN_TIME, LATE, MONTH_FIELDS, UNRESOLVED, median, response_days, share, total
from ..places.scopes import current_membership
from .refresh import compute
from .scoring import duty_points


def deputy_stations(deputy_id: int, today: date) -> list[dict]:
    rows = db.session.execute(
        select(Station.id, Station.name, Membership.kind).join(Membership, Membership.station_id == Station.id)
        .where(Membership.deputy_id == deputy_id, current_membership(today), Station.active.is_(True))
        .order_by(Membership.kind != "home", Membership.id)).all()
    return [{"id": i, "name": n, "membership": k} for i, n, k in rows]


def duty_record(deputy: Deputy, year: int, today: date) -> dict:
    """Check-ins, receptions, residents, opinions summoned and handled, suggestions,
    median response time, share answered in time, satisfaction and duty points.

    The totals and points count verified check-ins only; the list shows every check-in,
    the unverified ones marked 待确认 (``pending``) and counted apart in
    ``totals.check_ins_pending``.
    """
    first, last = date(year, 1, 1), date(year, 12, 1)
    _, rows, facts = compute(first, last, today, [], [deputy.id], with_facts=True)
    months = []
    for m in range(1, 13):
        row = rows.get((deputy.id, date(year, m, 1))) or dict.fromkeys(MONTH_FIELDS, 0)
        months.append({"month": f"{year}-{m:02d}", **row})
    sums = total(months)
    mine = [f for f in facts if f.deputy_id == deputy.id]
    answered = [response_days(f) for f in mine if f.answered_on is not None and f.answered_on.year == year]
    pending = db.session.scalar(select(func.count()).select_from(Opinion).where(
        Opinion.deputy_id == deputy.id, Opinion.state.in_(OPEN_STATES),
        or_(Opinion.deadline.is_(None), Opinion.deadline >= today)))
    decided = sums[IN_TIME] + sums[LATE] + sums[UNRESOLVED]
    check_ins = db.session.execute(
        select(CheckIn.day, CheckIn.in_plan, CheckIn.source, Station.name, ReceptionRecord.residents,
               CheckIn.verified, CheckIn.unverified_reason, CheckIn.distance_m, CheckIn.confirmed_by_id)
        .join(Station, Station.id == CheckIn.station_id)
        .outerjoin(ReceptionRecord, ReceptionRecord.id == CheckIn.reception_record_id)
        .where(CheckIn.deputy_id == deputy.id, CheckIn.day >= first, CheckIn.day <= date(year, 12, 31))
        .order_by(CheckIn.day, CheckIn.id)).all()
    weights = current_app.config["STATS_DUTY_POINTS"]
    listed = [{"date": c.day.isoformat(), "station": c.name, "in_plan": c.in_plan, "source": c.source,
               "reception": c.residents is not None, "residents": c.residents or 0,
               "verified": c.verified, "pending": not c.verified,
               "status": duty_status(c.verified, c.unverified_reason, c.distance_m, c.source,
                                     c.confirmed_by_id is not None)}
              for c in check_ins]
    return {
        "deputy": {"id": deputy.id, "name": deputy.name, "levels": deputy.levels or [],
                   "work_unit": deputy.work_unit, "post": deputy.post,
                   "is_senior_official": deputy.is_senior_official,
                   "stations": deputy_stations(deputy.id, today)},
        "year": year,
        "totals": {**sums, "check_ins_pending": sum(1 for c in listed if c["pending"]),
                   "summoned": sums["opinions_in"], "decided": decided, "pending_now": pending,
                   "in_time_share": share(sums[IN_TIME], decided),
                   "satisfaction": share(sums["satisfied"], sums["ratings"]),
                   "median_response_days": median([float(d) for d in answered])},
        "points": duty_points(sums, weights),
        "months": months,
        "check_ins": listed,
    }
