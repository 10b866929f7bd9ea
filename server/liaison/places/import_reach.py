"""What an import may touch: checked on every row before anything is written.

Rules for every import (the operator CLI included):

- a station is matched by name *within the row's region*: a name already used by a
  station of another region is an error, never a move or an overwrite;
- a deputy's roster number (代表编号) names one person: a row whose name disagrees
  with the stored deputy of that number is an error.

An NPC office importing on the admin page or the API (``reach`` given) may further
create or change only what lies inside its own regions:

- every row's 区域 is inside one of the office's regions;
- a deputy matched by roster number (or by name and phone) is the office's own:
  their current home seat (驻站), or failing one every current seat, is inside the
  office's regions.

Any problem refuses the whole file with one Chinese line per row.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from .scopes import Scope, current_membership, path_covered
from .models import Deputy, Membership, Region, Station


def office_roots(reach: Scope) -> list[str]:
    """The office's regions as "长沙市/岳麓区" name paths."""
    regions = db.session.scalars(select(Region).where(Region.id.in_(reach.region_ids))).all()
    return sorted(r.full_name() for r in regions)


def _inside(parts: list[str], roots: list[str]) -> bool:
    path = "/".join(parts)
    return any(path == r or path.startswith(r + "/") for r in roots)


def _deputy_in_reach(deputy: Deputy, reach: Scope) -> bool:
    seats = db.session.execute(
        select(Membership.kind, Region.path).join(Station, Station.id == Membership.station_id)
        .join(Region, Region.id == Station.region_id)
        .where(Membership.deputy_id == deputy.id, current_membership())).all()
    homes = [path for kind, path in seats if kind == "home"]
    judged = homes or [path for _, path in seats]
    return bool(judged) and all(path_covered(reach, p) for p in judged)


def find_deputy(d: dict) -> Deputy | None:
    """The stored deputy a row names: by roster number, else by name and phone."""
    if d["external_id"]:
        return db.session.scalar(select(Deputy).where(Deputy.external_id == d["external_id"]))
    if d["phone"]:
        return db.session.scalar(select(Deputy).where(Deputy.name == d["name"], Deputy.phone == d["phone"]))
    return None


def reach_errors(clean: list[dict], reach: Scope | None) -> list[str]:
    """Every row that would touch something it must not, as Chinese lines."""
    errors: list[str] = []
    roots = office_roots(reach) if reach is not None else []
    names = sorted({item["station"] for item in clean if item["station"]})
    stored = {s.name: s for s in db.session.scalars(select(Station).where(Station.name.in_(names)))} if names else {}
    for item in clean:
        n, parts = item["row"], item["region"]
        if reach is not None and parts and not _inside(parts, roots):
            errors.append(f"第{n}行：区域“{'/'.join(parts)}”不在您负责的范围（{'、'.join(roots) or '无'}）内")
            continue
        station = stored.get(item["station"])
        if station is not None and station.region.full_name() != "/".join(parts):
            errors.append(f"第{n}行：已有同名联络站“{station.name}”属于“{station.region.full_name()}”，"
                          f"与本行区域“{'/'.join(parts)}”不符；请核对区域或站名")
        d = item["deputy"]
        if d is None:
            continue
        deputy = find_deputy(d)
        if deputy is None:
            continue
        if d["external_id"] and deputy.name != d["name"]:
            errors.append(f"第{n}行：代表编号“{d['external_id']}”登记的是“{deputy.name}”，与本行姓名“{d['name']}”不符")
        elif reach is not None and not _deputy_in_reach(deputy, reach):
            label = f"代表编号“{d['external_id']}”" if d["external_id"] else f"代表“{d['name']}”"
            errors.append(f"第{n}行：{label}属于您负责范围以外的代表，不能在此修改；请联系其所在区域的人大工委")
    return errors
