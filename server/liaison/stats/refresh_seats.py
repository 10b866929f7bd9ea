"""The seating part of a refresh: composition per station, deputies and invisible
deputies per region, per month (``seats.month_seats`` does the counting).

Runs after the month rows of deputies are written, because a deputy's presence in
the window (check-ins, receptions, suggestions) comes from ``stats_deputy_months``.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Text, case, cast, delete, or_, select, true

from ..core.db import db
from ..places.models import Deputy, Membership, Region, Station
from . import config
from .figures import ONE_DAY, add_months
from .models import ACTIVE, DeputyMonth, InvisibleDeputy, RegionMonth
from .rawsql import insert_rows
from .seats import Seat, month_seats, path_ids

COMPOSITION = ("deputies", "home", "cross", "senior", "prov_muni", "invisible")


def prov_muni():
    """1 for a provincial or municipal deputy, else 0 (a column expression)."""
    return case((_prov_muni_levels(), 1), else_=0)


def _prov_muni_levels():
    levels = cast(Deputy.levels, Text)
    return or_(levels.like('%"provincial"%'), levels.like('%"municipal"%'))


def seat_rows(months: list[date], today: date, region: Region | None, station_ids, deputy_ids) -> dict:
    """Add composition and invisible counts to the station rows; write region and
    invisible-deputy rows for the region's subtree (``region`` None: everywhere).

    :return: ``{(station_id, month): {"deputies": .., ..., "invisible": ..}}``.
    """
    t = config.thresholds()
    station_sel = station_ids if station_ids is not None else select(Station.id)
    stations = db.session.execute(select(Station.id, Station.region_id, Region.path)
                                  .join(Region, Region.id == Station.region_id)
                                  .where(Station.id.in_(station_sel))).all()
    depth = len(path_ids(region.path)) - 1 if region is not None else 0
    regions_of = {sid: (path_ids(path)[depth:], region_id) for sid, region_id, path in stations}
    back = t.invisible_months - 1
    window_first = add_months(months[0], -back)  # a seat ended inside the window still tells who sat through it
    seats = [Seat(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6])) for r in db.session.execute(
        select(Membership.deputy_id, Membership.station_id, Membership.kind, Membership.started_on,
               Membership.ended_on, Deputy.is_senior_official, prov_muni())
        .join(Deputy, Deputy.id == Membership.deputy_id)
        .where(Deputy.active.is_(True), Membership.station_id.in_(station_sel),
               or_(Membership.ended_on.is_(None), Membership.ended_on >= window_first)))]
    present: dict[date, set[int]] = {}
    for deputy_id, month in db.session.execute(select(DeputyMonth.deputy_id, DeputyMonth.month).where(
            DeputyMonth.month >= window_first, DeputyMonth.month <= months[-1], ACTIVE,
            DeputyMonth.deputy_id.in_(deputy_ids) if deputy_ids is not None else true())):
        present.setdefault(month, set()).add(deputy_id)
    out, region_rows, invisible_rows = {}, [], []
    for month in months:
        as_of = min(today, add_months(month, 1) - ONE_DAY)
        start = add_months(month, -back)
        active = set().union(*(present.get(add_months(month, -k), set()) for k in range(back + 1)))
        ms = month_seats(seats, as_of, start, active, regions_of)
        for sid in regions_of:
            c = ms.compositions.get(sid)
            out[(sid, month)] = {"deputies": c.deputies if c else 0, "home": c.home if c else 0,
                                 "cross": c.cross if c else 0, "senior": c.senior if c else 0,
                                 "prov_muni": c.prov_muni if c else 0, "invisible": ms.station_invisible[sid]}
        region_rows += [{"region_id": r, "direct": direct, "month": month, "deputies": n,
                         "invisible": ms.region_invisible[(r, direct)]}
                        for (r, direct), n in ms.region_deputies.items()]
        invisible_rows += [{"month": month, "deputy_id": d} for d in ms.invisible]
    subtree = select(Region.id).where(Region.path.like(region.path + "%")) if region is not None else None
    for model, rows, cond in ((RegionMonth, region_rows, RegionMonth.region_id.in_(subtree) if subtree is not None else None),
                              (InvisibleDeputy, invisible_rows,
                               InvisibleDeputy.deputy_id.in_(deputy_ids) if deputy_ids is not None else None)):
        q = delete(model).where(model.month >= months[0], model.month <= months[-1])
        db.session.execute((q.where(cond) if cond is not None else q).execution_options(synchronize_session=False))
        insert_rows(model, rows)
    return out
