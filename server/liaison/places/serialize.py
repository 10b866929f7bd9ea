"""Stations and deputies as the JSON shapes of docs/API.md (StationBrief, Station,
DeputyBrief, Deputy), loaded with a fixed number of queries whatever the list size.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.scopes import current_membership
from .models import DEPUTY_LEVEL_LABELS, DEPUTY_LEVELS, Deputy, Membership, Region, Station

NEXT_DAYS = 3


def active_tokens(kind: str, ids) -> dict[int, str]:
    """{target id: token of its active code} for stations or deputies."""
    from ..codes.models import Code

    ids = list(set(ids))
    if not ids:
        return {}
    column = Code.station_id if kind == "station" else Code.deputy_id
    rows = db.session.execute(select(column, Code.token).where(
        Code.kind == kind, Code.status == "active", column.in_(ids)))
    return {target: token for target, token in rows}


def region_paths(regions) -> dict[int, str]:
    """{region id: "长沙市/岳麓区/望月湖街道"} using the materialised id paths (one query)."""
    regions = list(regions)
    wanted = {int(p) for r in regions for p in (r.path or "").strip("/").split("/") if p}
    names = dict(db.session.execute(select(Region.id, Region.name).where(Region.id.in_(wanted))).tuples().all()) if wanted else {}
    out = {}
    for r in regions:
        ids = [int(p) for p in (r.path or "").strip("/").split("/") if p] or [r.id]
        out[r.id] = "/".join(names.get(i, r.name if i == r.id else "") for i in ids)
    return out


def _sorted_levels(levels) -> list[str]:
    return [lv for lv in DEPUTY_LEVELS if lv in (levels or [])]


def photo_url(deputy: Deputy) -> str | None:
    return f"/api/v1/deputies/{deputy.id}/photo" if deputy.photo_path else None


def deputy_briefs(deputies) -> list[dict]:
    deputies = list(deputies)
    tokens = active_tokens("deputy", [d.id for d in deputies])
    out = []
    for d in deputies:
        levels = _sorted_levels(d.levels)
        out.append({"id": d.id, "name": d.name, "photo_url": photo_url(d), "levels": levels,
                    "level_labels": [DEPUTY_LEVEL_LABELS[lv] for lv in levels],
                    "code_token": tokens.get(d.id)})
    return out


def station_briefs(stations) -> list[dict]:
    stations = list(stations)
    tokens = active_tokens("station", [s.id for s in stations])
    regions = {s.region.id: s.region for s in stations}
    paths = region_paths(regions.values())
    return [{"id": s.id, "name": s.name, "kind": s.kind, "address": s.address,
             "region": {"id": s.region.id, "name": s.region.name, "path": paths[s.region.id]},
             "code_token": tokens.get(s.id)} for s in stations]


def _current(today: date):
    return current_membership(today)


def station_members(station_id: int, today: date | None = None) -> list[Deputy]:
    """Active deputies currently at the station: home (驻站) first, then cross-station."""
    today = today or clock.today()
    rows = db.session.execute(
        select(Deputy).join(Membership, Membership.deputy_id == Deputy.id)
        .where(Membership.station_id == station_id, Deputy.active.is_(True), _current(today))
        .order_by((Membership.kind != "home"), Membership.id)).scalars()
    return list(rows)


def next_reception_days(station: Station, today: date | None = None) -> list[dict]:
    """The next reception days a resident can book (``reception.availability``): stored,
    planned, not past, with places left. The plan alone advertises no date: what the
    station page offers is exactly what a booking accepts."""
    from ..reception.availability import bookable_days
    from ..reception.models import RotaEntry

    today = today or clock.today()
    found = bookable_days(station.id, today, NEXT_DAYS)
    days = [d for d, _ in found]
    rota = db.session.execute(select(RotaEntry.reception_day_id, RotaEntry.deputy_id).where(
        RotaEntry.reception_day_id.in_([d.id for d in days])).order_by(RotaEntry.id)).all() if days else []
    deputies = {d.id: d for d in db.session.execute(
        select(Deputy).where(Deputy.id.in_({r.deputy_id for r in rota}))).scalars()} if rota else {}
    briefs = {b["id"]: b for b in deputy_briefs(deputies.values())}
    return [{"date": d.date.isoformat(), "start": d.start, "end": d.end, "slots_left": left,
             "deputies": [briefs[r.deputy_id] for r in rota if r.reception_day_id == d.id and r.deputy_id in briefs]}
            for d, left in found]


def station_detail(station: Station) -> dict:
    """The Station shape: brief + open hours, plan text, next reception days, deputies, notice."""
    from .schedule import describe

    today = clock.today()
    data = station_briefs([station])[0]
    data.update({
        "open_hours": station.open_hours,
        "reception_plan": "；".join(describe(station.reception_plan)),
        "next_reception_days": next_reception_days(station, today),
        "deputies": deputy_briefs(station_members(station.id, today)),
        "notice": station.notice,
    })
    return data


def deputy_stations(deputy_id: int, today: date | None = None) -> list[tuple[Station, str]]:
    """(station, "home"|"cross") for the deputy's current, active stations."""
    today = today or clock.today()
    rows = db.session.execute(
        select(Station, Membership.kind).join(Membership, Membership.station_id == Station.id)
        .where(Membership.deputy_id == deputy_id, Station.active.is_(True), _current(today))
        .order_by((Membership.kind != "home"), Membership.id)).all()
    return [(station, kind) for station, kind in rows]


def deputy_detail(deputy: Deputy) -> dict:
    """The Deputy shape: brief + work unit, post and stations with the membership kind."""
    data = deputy_briefs([deputy])[0]
    data.update({
        "work_unit": deputy.work_unit,
        "post": deputy.post,
        "stations": [{"id": s.id, "name": s.name, "membership": kind}
                     for s, kind in deputy_stations(deputy.id)],
    })
    return data
