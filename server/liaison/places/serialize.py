"""Stations and deputies as the JSON shapes of docs/API.md (StationBrief, Station,
DeputyBrief, Deputy), loaded with a fixed number of queries whatever the list size.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.events import Event
from .scopes import current_membership
from .models import DEPUTY_LEVEL_LABELS, DEPUTY_LEVELS, Deputy, Membership, Region, Station

# Answered by the packages above (wired by ``create_app``): the active code tokens of
# stations or deputies (``codes``), more of a station's detail (``reception``).
code_tokens = Event("places.code_tokens")
station_shown = Event("places.station_shown")


def _tokens(kind: str, ids) -> dict[int, str]:
    """{target id: token of its active code} (``codes`` answers ``code_tokens``)."""
    ids = list(set(ids))
    found: dict[int, str] = {}
    for answer in code_tokens.send(kind=kind, ids=ids) if ids else ():
        found.update(answer)
    return found


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
    tokens = _tokens("deputy", [d.id for d in deputies])
    out = []
    for d in deputies:
        levels = _sorted_levels(d.levels)
        out.append({"id": d.id, "name": d.name, "photo_url": photo_url(d), "levels": levels,
                    "level_labels": [DEPUTY_LEVEL_LABELS[lv] for lv in levels],
                    "code_token": tokens.get(d.id)})
    return out


def station_briefs(stations) -> list[dict]:
    stations = list(stations)
    tokens = _tokens("station", [s.id for s in stations])
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


def station_detail(station: Station) -> dict:
    """The Station shape: brief + open hours, plan text, deputies, notice, and what the
    packages above add (``station_shown``: the next reception days)."""
    from .schedule import describe

    today = clock.today()
    data = station_briefs([station])[0]
    data.update({
        "open_hours": station.open_hours,
        "reception_plan": "；".join(describe(station.reception_plan)),
        "deputies": deputy_briefs(station_members(station.id, today)),
        "notice": station.notice,
    })
    for more in station_shown.send(station=station, today=today):
        data.update(more)  # reception: the next bookable days
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


def deputy_place(deputy_id: int, today: date | None = None) -> tuple[int | None, int | None]:
    """(region id, station id) a deputy's changes are filed under: the current home
    station (驻站), else the first current station; (None, None) when none."""
    stations = deputy_stations(deputy_id, today)
    if not stations:
        return None, None
    station = stations[0][0]  # home first
    return station.region_id, station.id
