"""Handling units (承办单位) as lists: which an NPC office manages, which a case may go to.

Read-only. Who may change a unit is the office whose region subtree holds the unit's
region (``places.scopes.covers_region``); the changes themselves are in ``unit_ops``.

The units a case may be assigned to (交办) lie on the station's *region line*: the
regions above the station (its district, its city) and those below it (a community's
unit under the street's station), plus units filed under no region. The case's level
(乡镇 / 区县 / 市级及以上) narrows the list to units of that level.
"""
from __future__ import annotations

from sqlalchemy import false, or_, select

from ..core.db import db
from .scopes import Scope, covers_region, region_clause
from .models import UNIT_LEVELS, HandlingUnit, Region, Station

UNIT_LEVEL_LABELS = {"town": "乡镇（街道）", "district": "区（县）", "city_and_above": "市级及以上"}
LEVEL_BY_LABEL = {**{label: key for key, label in UNIT_LEVEL_LABELS.items()}, **{key: key for key in UNIT_LEVELS},
                  "乡镇": "town", "街道": "town", "乡": "town", "镇": "town", "乡镇级": "town", "街道级": "town",
                  "区": "district", "县": "district", "区县": "district", "区级": "district", "县级": "district",
                  "市": "city_and_above", "市级": "city_and_above", "省": "city_and_above",
                  "省级": "city_and_above", "市级以上": "city_and_above"}
NOT_IN_REACH = "没有找到这个承办单位，或它不在您负责的区域内"


def level_label(level: str | None) -> str:
    return UNIT_LEVEL_LABELS.get(level or "", level or "")


def _order(query):
    levels = {level: i for i, level in enumerate(UNIT_LEVELS)}
    return sorted(query, key=lambda u: (levels.get(u.level, 9), u.name))


def units_in_reach(scope: Scope, q: str = "", include_inactive: bool = True) -> list[HandlingUnit]:
    """The units an NPC office manages: those filed under its regions' subtrees."""
    if not scope.office_paths:
        return []
    query = select(HandlingUnit).join(Region, Region.id == HandlingUnit.region_id).where(region_clause(scope))
    if q:
        query = query.where(HandlingUnit.name.icontains(q, autoescape=True))
    if not include_inactive:
        query = query.where(HandlingUnit.active.is_(True))
    return _order(db.session.scalars(query))


def unit_in_reach(scope: Scope, unit_id: int | None) -> HandlingUnit | None:
    """The unit when the office's subtree holds it, else None (callers answer 404)."""
    unit = db.session.get(HandlingUnit, unit_id) if unit_id else None
    if unit is None or unit.region_id is None:
        return None
    return unit if covers_region(scope, db.session.get(Region, unit.region_id)) else None


def region_line_clause(station: Station):
    """WHERE on ``HandlingUnit``: filed under the station's region line, or under no region."""
    region = db.session.get(Region, station.region_id)
    if region is None:
        return false()
    above = [int(p) for p in (region.path or "").strip("/").split("/") if p.isdigit()]
    below = select(Region.id).where(Region.path.startswith(region.path, autoescape=True))
    return or_(HandlingUnit.region_id.is_(None), HandlingUnit.region_id.in_(above),
               HandlingUnit.region_id.in_(below))


def units_for_station(station: Station, level: str | None = None, q: str = "") -> list[HandlingUnit]:
    """Active units a case of ``station`` may be assigned to, of ``level`` when given, by
    name search ``q``; ordered by level (乡镇, 区县, 市级及以上), then name."""
    query = select(HandlingUnit).where(HandlingUnit.active.is_(True), region_line_clause(station))
    if level:
        query = query.where(HandlingUnit.level == level)
    if q:
        query = query.where(HandlingUnit.name.icontains(q, autoescape=True))
    return _order(db.session.scalars(query))


def unit_json(unit: HandlingUnit, regions: dict[int, str] | None = None) -> dict:
    """A unit as the API shows it (``HandlingUnit`` in docs/API.md)."""
    region = regions.get(unit.region_id) if regions is not None else (
        db.session.get(Region, unit.region_id).full_name() if unit.region_id else None)
    return {"id": unit.id, "name": unit.name, "level": unit.level, "level_label": level_label(unit.level),
            "region_id": unit.region_id, "region": region, "contact": unit.contact, "active": unit.active}


def region_names(units) -> dict[int, str]:
    ids = {u.region_id for u in units if u.region_id}
    return {r.id: r.full_name() for r in db.session.scalars(select(Region).where(Region.id.in_(ids)))} if ids else {}
