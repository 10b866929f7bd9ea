"""The responsiveness league table of a region's deputies or stations (see ``scoring``)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from ..core.db import db
from ..places.models import Deputy, Membership, Region, Station
from .models import DeputyMonth, StationMonth
from ..places.scopes import current_membership
from .refresh import ensure_fresh, freshness, region_station_ids
from .scoring import FORMULA, Entry, league

FIELDS = ("in_time", "late", "unresolved", "ratings", "satisfied")


def league_table(region: Region, kind: str, first: date, last: date, today: date,
                 too_few_limit: int = 200) -> dict:
    """Ranked entries and the "too few to rank" list for months ``first``..``last``."""
    newest = min(last, today.replace(day=1))
    ensure_fresh(region, first, newest, today)
    stations = region_station_ids(region)
    if kind == "station":
        model, key = StationMonth, StationMonth.station_id
        people = db.session.execute(select(Station.id, Station.name).where(Station.id.in_(stations))).all()
    else:
        model, key = DeputyMonth, DeputyMonth.deputy_id
        people = db.session.execute(
            select(Deputy.id, Deputy.name).where(Deputy.active.is_(True), Deputy.id.in_(
                select(Membership.deputy_id).where(current_membership(today), Membership.station_id.in_(stations))))
        ).all()
    ids = select(Station.id).where(Station.id.in_(stations)) if kind == "station" else \
        select(Membership.deputy_id).where(current_membership(today), Membership.station_id.in_(stations))
    sums = {r[0]: r[1:] for r in db.session.execute(
        select(key, *[func.sum(getattr(model, f)) for f in FIELDS])
        .where(model.month >= first, model.month <= last, key.in_(ids)).group_by(key))}
    entries = [Entry(i, name, *(int(v or 0) for v in sums.get(i, (0,) * len(FIELDS)))) for i, name in people]
    min_cases = int(current_app.config["STATS_LEAGUE_MIN_CASES"])
    table = league(entries, min_cases)
    return {
        "region": {"id": region.id, "name": region.name}, "kind": kind,
        "from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m"), **freshness(region, newest, today),
        "min_cases": min_cases, "formula": FORMULA.format(min_cases=min_cases),
        "ranked": table["ranked"], "too_few_total": len(table["too_few"]),
        "too_few": table["too_few"][:too_few_limit],
    }
