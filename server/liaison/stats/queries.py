"""The region report: part one of the Changsha data report, rebuilt from live data.

Composition (who sits where) is read live from memberships; monthly activity and
opinion figures come from the summary tables (rebuilt first when stale). One call
gathers every station of the region's subtree with its figures and flags; the
report and the per-station list are views of that.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date

from sqlalchemy import Text, and_, case, cast, func, or_, select

from ..core.db import db
from ..places.models import Deputy, Membership, Region, Station
from . import config
from .figures import MONTH_FIELDS, add_months, share, total
from .flags import (INVISIBLE, STATION_FLAGS, AreaSummary, Composition, area_sentence,
                    station_flags, subdivisions)
from .models import ACTIVE, DeputyMonth, StationMonth
from .rawsql import rows
from .refresh import current_membership, ensure_fresh, region_station_ids


def _prov_muni():
    text = cast(Deputy.levels, Text)
    return or_(text.like('%"provincial"%'), text.like('%"municipal"%'))


def _current_seats(station_ids, today: date):
    return and_(Deputy.active.is_(True), current_membership(today), Membership.station_id.in_(station_ids))


def compositions(station_ids, today: date) -> dict[int, Composition]:
    """Current composition of each station (active deputies, memberships in force)."""
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    found = rows(
        select(Membership.station_id, func.count(), one(Membership.kind == "home"),
               one(Membership.kind != "home"), one(Deputy.is_senior_official.is_(True)), one(_prov_muni()))
        .join(Deputy, Deputy.id == Membership.deputy_id).where(_current_seats(station_ids, today))
        .group_by(Membership.station_id))
    return {r[0]: Composition(*(int(v) for v in r[1:])) for r in found}


def _newcomers(station_ids, since: date, today: date) -> set[int]:
    """Deputies whose every current seat began after ``since`` (not yet judged invisible)."""
    recent = {r[0] for r in rows(select(Membership.deputy_id).where(
        _current_seats(station_ids, today), Membership.started_on > since).join(Deputy))}
    if not recent:
        return set()
    seasoned = {r[0] for r in rows(select(Membership.deputy_id).where(
        Membership.deputy_id.in_(recent), current_membership(today),
        or_(Membership.started_on.is_(None), Membership.started_on <= since)))}
    return recent - seasoned


def _area_of(root: Region, path: str) -> int:
    rest = path[len(root.path):].strip("/")
    return int(rest.split("/")[0]) if rest else root.id


def region_data(region: Region, month: date, today: date) -> dict:
    """Every station of the subtree with composition, the month's figures and flags;
    who sits where, and who has been invisible for the configured months."""
    t = config.thresholds()
    window_start = add_months(month, -(t.invisible_months - 1))
    ensure_fresh(region, min(window_start, month.replace(month=1)), month, today)
    ids_sel = region_station_ids(region)
    stations = rows(select(Station.id, Station.name, Station.kind, Region.path)
                    .join(Region, Region.id == Station.region_id).where(Station.id.in_(ids_sel))
                    .order_by(Region.path, Station.id))
    comps = compositions(ids_sel, today)
    figures = {r[0]: r[1:] for r in rows(select(StationMonth.station_id, *[getattr(StationMonth, f) for f in MONTH_FIELDS])
                                         .where(StationMonth.month == month, StationMonth.station_id.in_(ids_sel)))}
    zeros, empty = (0,) * len(MONTH_FIELDS), Composition()
    out, station_area = [], {}
    for sid, name, kind, path in stations:
        comp = comps.get(sid, empty)
        values = dict(zip(MONTH_FIELDS, figures.get(sid, zeros)))
        station_area[sid] = _area_of(region, path)
        out.append({"id": sid, "name": name, "kind": kind, "area_id": station_area[sid],
                    "deputies": comp.deputies, "home": comp.home, "cross": comp.cross, "senior": comp.senior,
                    "prov_muni": comp.prov_muni, **values,
                    "satisfaction": share(values["satisfied"], values["ratings"]),
                    "flags": station_flags(comp, values["active_days"], t)})
    seated: dict[int, list[int]] = defaultdict(list)
    for deputy_id, station_id in rows(select(Membership.deputy_id, Membership.station_id)
                                      .join(Deputy, Deputy.id == Membership.deputy_id)
                                      .where(_current_seats(ids_sel, today))):
        seated[deputy_id].append(station_id)
    members = select(Membership.deputy_id).where(Membership.station_id.in_(ids_sel))
    active = {r[0] for r in rows(select(DeputyMonth.deputy_id).where(
        DeputyMonth.month >= window_start, DeputyMonth.month <= month, ACTIVE, DeputyMonth.deputy_id.in_(members))
        .distinct())}
    excused = _newcomers(ids_sel, window_start, today)
    invisible, area_deputies, area_invisible = {}, defaultdict(int), defaultdict(int)
    for deputy_id, sids in seated.items():
        gone = deputy_id not in active and deputy_id not in excused
        if gone:
            invisible[deputy_id] = sids
        for area in {station_area[s] for s in sids}:
            area_deputies[area] += 1
            area_invisible[area] += gone
    return {"region": region, "month": month, "thresholds": t, "stations": out, "deputies": len(seated),
            "invisible": invisible, "area_deputies": area_deputies, "area_invisible": area_invisible,
            "window_start": window_start}


def _region_json(r: Region) -> dict:
    return {"id": r.id, "name": r.name, "level": r.level, "path": r.path}


def region_report(region: Region, month: date, today: date, limit: int | None = None,
                  with_stations: bool = False) -> dict:
    """The report as JSON (see docs/API.md, "Stats"); ``with_stations`` adds every station's row."""
    limit = limit or int(config.get("STATS_FLAG_LIST_LIMIT"))
    data = region_data(region, month, today)
    t, stations, invisible = data["thresholds"], data["stations"], data["invisible"]
    children = list(db.session.execute(select(Region).where(Region.parent_id == region.id)
                                       .order_by(Region.id)).scalars())
    names_under = defaultdict(list)
    if children:
        for parent_id, name in db.session.execute(select(Region.parent_id, Region.name).where(
                Region.parent_id.in_([c.id for c in children]))):
            names_under[parent_id].append(name)
    area_list = [region] + children if any(s["area_id"] == region.id for s in stations) else children
    by_area = defaultdict(list)
    for s in stations:
        by_area[s["area_id"]].append(s)
    areas, sentences = [], []
    for index, area in enumerate(area_list, start=1):
        summary = AreaSummary()
        for s in by_area[area.id]:
            summary.add(s["kind"], Composition(s["deputies"], s["home"], s["cross"], s["senior"], s["prov_muni"]),
                        s["flags"])
        sums = total(by_area[area.id])
        own = area.id == region.id
        sub = subdivisions([] if own else names_under[area.id])
        name = f"{area.name}（本级）" if own else area.name
        sentences.append(area_sentence(index, name, sub, summary, t))
        areas.append({**_region_json(area), "name": name, "subdivisions": {k: v for k, v in sub.items() if v},
                      "stations": summary.stations, "central_stations": summary.central,
                      "feature_stations": summary.feature, "deputies": data["area_deputies"][area.id],
                      "min_deputies": summary.min_deputies, "max_deputies": summary.max_deputies,
                      "flags": summary.flag_counts or dict.fromkeys(STATION_FLAGS, 0),
                      "invisible_deputies": data["area_invisible"][area.id],
                      **sums, "satisfaction": share(sums["satisfied"], sums["ratings"])})
    sums = total(stations)
    counts = [s["deputies"] for s in stations]
    flags = {}
    for flag in STATION_FLAGS:
        hit = [s for s in stations if flag in s["flags"]]
        flags[flag] = {"total": len(hit), "items": [
            {"id": s["id"], "name": s["name"], "deputies": s["deputies"], "senior": s["senior"],
             "prov_muni": s["prov_muni"], "active_days": s["active_days"]} for s in hit[:limit]]}
    shown = sorted(invisible)[:limit]
    names = dict(db.session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(shown))).all()) if shown else {}
    station_names = {s["id"]: s["name"] for s in stations}
    flags[INVISIBLE] = {"total": len(invisible), "items": [
        {"id": d, "name": names.get(d, ""), "stations": [station_names[s] for s in invisible[d]]} for d in shown]}
    report = {
        "region": _region_json(region), "month": month.strftime("%Y-%m"),
        "window": {"invisible_from": data["window_start"].strftime("%Y-%m"), "to": month.strftime("%Y-%m")},
        "thresholds": asdict(t), "flag_labels": t.labels(),
        "totals": {"stations": len(stations), "deputies": data["deputies"],
                   "memberships": sum(counts), "min_deputies": min(counts) if counts else None,
                   "max_deputies": max(counts) if counts else None,
                   "flags": {k: v["total"] for k, v in flags.items()},
                   **sums, "satisfaction": share(sums["satisfied"], sums["ratings"])},
        "areas": areas, "flags": flags, "text": sentences,
        "trend": trend(region, month.replace(month=1), month),
    }
    if with_stations:
        report["stations"] = stations
    return report


def trend(region: Region, first: date, last: date) -> list[dict]:
    """Monthly sums of the region's stations, ``first``..``last`` (months without rows: zeros)."""
    cols = [func.sum(getattr(StationMonth, f)) for f in MONTH_FIELDS]
    sums = {r[0]: r[1:] for r in db.session.execute(
        select(StationMonth.month, *cols).where(
            StationMonth.month >= first, StationMonth.month <= last,
            StationMonth.station_id.in_(region_station_ids(region))).group_by(StationMonth.month))}
    out, month = [], first
    while month <= last:
        values = dict(zip(MONTH_FIELDS, (int(v or 0) for v in sums.get(month, [0] * len(MONTH_FIELDS)))))
        out.append({"month": month.strftime("%Y-%m"), **values,
                    "satisfaction": share(values["satisfied"], values["ratings"])})
        month = add_months(month, 1)
    return out


def station_rows(region: Region, month: date, today: date, flag: str | None = None) -> list[dict]:
    rows = region_data(region, month, today)["stations"]
    return [r for r in rows if flag is None or flag in r["flags"]]
