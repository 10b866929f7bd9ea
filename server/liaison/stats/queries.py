"""The region report: part one of the Changsha data report, rebuilt from live data.

Everything is read from the monthly summary tables (rebuilt first when stale, see
``refresh.ensure_fresh``): per station its composition, activity, opinion figures
and invisible deputies; per region the distinct deputies seated and invisible. The
seeds' rules become flags here, with the thresholds of the configuration, so a
changed threshold applies at once. A province reads ≈10,000 station rows, not its
100,000 memberships.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date

from flask import current_app
from sqlalchemy import or_, select

from ..core.db import db
from ..core.events import Event
from ..places.models import Deputy, Membership, Region, Station
from . import config
from .figures import MONTH_FIELDS, add_months, share, total
from .flags import (INVISIBLE, STATION_FLAGS, AreaSummary, Composition, area_sentence,
                    station_flags, subdivisions)
from .models import InvisibleDeputy, RegionMonth, StationMonth
from .rawsql import rows
from .refresh import ensure_fresh, freshness, region_station_ids
from .totals import trend_rows


COMPOSITION_FIELDS = ("deputies", "home", "cross", "senior", "prov_muni", "invisible")


def _area_of(root: Region, path: str) -> int:
    rest = path[len(root.path):].strip("/")
    return int(rest.split("/")[0]) if rest else root.id


def region_data(region: Region, month: date, today: date) -> dict:
    """Every station of the subtree with composition, the month's figures and flags,
    and the region's seated and invisible deputies (from the summary tables)."""
    t = config.thresholds()
    window_start = add_months(month, -(t.invisible_months - 1))
    ensure_fresh(region, min(window_start, month.replace(month=1)), month, today)
    ids_sel = region_station_ids(region)
    stations = rows(select(Station.id, Station.name, Station.kind, Region.path)
                    .join(Region, Region.id == Station.region_id).where(Station.id.in_(ids_sel))
                    .order_by(Region.path, Station.id))
    columns = MONTH_FIELDS + COMPOSITION_FIELDS
    figures = {r[0]: r[1:] for r in rows(select(StationMonth.station_id, *[getattr(StationMonth, f) for f in columns])
                                         .where(StationMonth.month == month, StationMonth.station_id.in_(ids_sel)))}
    zeros = (0,) * len(columns)
    out = []
    for sid, name, kind, path in stations:
        values = dict(zip(columns, figures.get(sid, zeros)))
        comp = Composition(values["deputies"], values["home"], values["cross"], values["senior"], values["prov_muni"])
        out.append({"id": sid, "name": name, "kind": kind, "area_id": _area_of(region, path), **values,
                    "satisfaction": share(values["satisfied"], values["ratings"]),
                    "flags": station_flags(comp, values["active_days"], t)})
    seated = {(r, direct): (n, inv) for r, direct, n, inv in rows(
        select(RegionMonth.region_id, RegionMonth.direct, RegionMonth.deputies, RegionMonth.invisible).where(
            RegionMonth.month == month, or_(RegionMonth.region_id == region.id, Region.parent_id == region.id))
        .join(Region, Region.id == RegionMonth.region_id))}
    return {"region": region, "month": month, "thresholds": t, "stations": out, "seated": seated,
            "window_start": window_start}


def invisible_list(region: Region, month: date, limit: int) -> list[dict]:
    """The first ``limit`` invisible deputies of the region (by id) and their stations there."""
    # EXISTS per invisible deputy, in id order, stops at the limit (an IN over the region's
    # memberships reads all of them first: seconds for a province on SQLite).
    seated_here = select(Membership.id).join(Station, Station.id == Membership.station_id) \
        .join(Region, Region.id == Station.region_id) \
        .where(Membership.deputy_id == InvisibleDeputy.deputy_id, Station.active.is_(True),
               Region.path.like(region.path + "%"))
    shown = [r[0] for r in rows(select(InvisibleDeputy.deputy_id).where(
        InvisibleDeputy.month == month, seated_here.exists())
        .order_by(InvisibleDeputy.deputy_id).limit(limit))]
    if not shown:
        return []
    names = dict(db.session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(shown))).all())
    where = defaultdict(list)
    # Their few seats, filtered to the region here (an IN over the region's stations makes
    # SQLite read the whole subtree: ≈1.4 s for a province).
    for deputy_id, station, path in db.session.execute(
            select(Membership.deputy_id, Station.name, Region.path)
            .join(Station, Station.id == Membership.station_id).join(Region, Region.id == Station.region_id)
            .where(Membership.deputy_id.in_(shown), Station.active.is_(True)).order_by(Membership.id)):
        if path.startswith(region.path):
            where[deputy_id].append(station)
    return [{"id": d, "name": names.get(d, ""), "stations": where[d]} for d in shown]


def _region_json(r: Region) -> dict:
    return {"id": r.id, "name": r.name, "level": r.level, "path": r.path}


# Fields a package above stats adds to the region report's JSON (``insight``: the share
# of accepted routing suggestions, ``routing``): each receiver answers a dict merged in.
# (The page and the Excel file take sections through ``stats.sections``.)
report_fields = Event("stats.report_fields")


def region_report(region: Region, month: date, today: date, limit: int | None = None,
                  with_stations: bool = False) -> dict:
    """The report as JSON (see docs/API.md, "Stats"); ``with_stations`` adds every station's row."""
    limit = limit or int(current_app.config["STATS_FLAG_LIST_LIMIT"])
    data = region_data(region, month, today)
    t, stations, seated = data["thresholds"], data["stations"], data["seated"]
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
                      "feature_stations": summary.feature, "deputies": seated.get((area.id, own), (0, 0))[0],
                      "min_deputies": summary.min_deputies, "max_deputies": summary.max_deputies,
                      "deputies_by_kind": {kind: {"min": span[0], "max": span[1]} if span else None
                                           for kind, span in (("central", summary.central_span),
                                                              ("feature", summary.feature_span))},
                      "flags": summary.flag_counts or dict.fromkeys(STATION_FLAGS, 0),
                      "invisible_deputies": seated.get((area.id, own), (0, 0))[1],
                      **sums, "satisfaction": share(sums["satisfied"], sums["ratings"])})
    sums = total(stations)
    counts = [s["deputies"] for s in stations]
    flags = {}
    for flag in STATION_FLAGS:
        hit = [s for s in stations if flag in s["flags"]]
        flags[flag] = {"total": len(hit), "items": [
            {"id": s["id"], "name": s["name"], "deputies": s["deputies"], "senior": s["senior"],
             "prov_muni": s["prov_muni"], "active_days": s["active_days"]} for s in hit[:limit]]}
    deputies, invisible = seated.get((region.id, False), (0, 0))
    flags[INVISIBLE] = {"total": invisible, "items": invisible_list(region, month, limit)}
    report = {
        "region": _region_json(region), "month": month.strftime("%Y-%m"),
        **freshness(region, month, today),
        "window": {"invisible_from": data["window_start"].strftime("%Y-%m"), "to": month.strftime("%Y-%m")},
        "thresholds": asdict(t), "flag_labels": t.labels(),
        "totals": {"stations": len(stations), "deputies": deputies,
                   "memberships": sum(counts), "min_deputies": min(counts) if counts else None,
                   "max_deputies": max(counts) if counts else None,
                   "flags": {k: v["total"] for k, v in flags.items()},
                   **sums, "satisfaction": share(sums["satisfied"], sums["ratings"])},
        "areas": areas, "flags": flags, "text": sentences,
        "trend": trend(region, month.replace(month=1), month),
    }
    for section in report_fields.send(region=region, month=month):
        report.update(section or {})
    if with_stations:
        report["stations"] = stations
    return report


def trend(region: Region, first: date, last: date) -> list[dict]:
    """Monthly sums of the region's stations, ``first``..``last`` (months without rows: zeros),
    read from the region's totals (``stats.totals``: one row a month)."""
    sums = trend_rows(region, first, last)
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
