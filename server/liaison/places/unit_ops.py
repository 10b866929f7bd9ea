"""Changing handling units: add, edit, deactivate, merge. Each operation commits once
and writes its audit rows (``audit.log``) in the same transaction.

Who: the NPC office whose region subtree holds the unit (``scope``; ``None`` is the
command line with full reach). A unit outside the reach is a 404 that says nothing
about it; a region outside the reach is refused (403).

Deactivating keeps the unit and its history: open assignments run to their end, the
unit's staff keep reading what was assigned to them, it is only no longer offered
for new assignments. Merging moves one unit's assignments and its staff roles (and
open invitations) onto another, then deactivates it: for a unit entered twice
("发改局" and "区发展和改革局"), or two bodies that became one.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..audit import log as audit
from ..core.db import db
from ..core.errors import ApiError
from ..core.events import Event
from .scopes import Scope, covers_region
from .models import UNIT_LEVELS, HandlingUnit, Region
from .units import NOT_IN_REACH, UNIT_LEVEL_LABELS, unit_in_reach

MAX_NAME, MAX_CONTACT = 120, 120
# Merging asks the packages above (wired by ``create_app``): ``unit_merge_check`` receivers
# raise the refusal (opinions: a case both units handle now, 409); ``units_merging``
# receivers move what points at the source and answer {what: how many} (opinions:
# "assignments", users: "roles"). Neither commits: the merge commits once.
unit_merge_check = Event("places.unit_merge_check")
units_merging = Event("places.units_merging")


@dataclass
class MergeResult:
    source: HandlingUnit
    target: HandlingUnit
    assignments: int
    roles: int


def _snapshot(unit: HandlingUnit) -> dict:
    """What the audit log keeps of a unit (the region by its full name)."""
    region = db.session.get(Region, unit.region_id) if unit.region_id else None
    return {"name": unit.name, "level": unit.level, "region": region.full_name() if region else None,
            "contact": unit.contact, "active": unit.active}


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", message, {"fields": {field: [message]}})


def _region(scope: Scope | None, region_id) -> Region:
    region = db.session.get(Region, region_id) if isinstance(region_id, int) and region_id > 0 else None
    if region is None:
        raise _invalid("region_id", "请选择所属区域")
    if scope is not None and not covers_region(scope, region):
        raise ApiError(403, "forbidden", "只能在本区域内设置承办单位")
    return region


def _clean(scope: Scope | None, data: dict, unit: HandlingUnit | None) -> dict:
    """The given fields, checked; what is absent is left out (a PATCH)."""
    out = {}
    if "name" in data or unit is None:
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            raise _invalid("name", "单位名称不能为空")
        if len(name) > MAX_NAME:
            raise _invalid("name", f"单位名称不能超过{MAX_NAME}个字")
        same = db.session.scalar(select(HandlingUnit).where(func.lower(HandlingUnit.name) == name.lower()))
        if same is not None and same is not unit:
            hint = "（已停用，可在列表中找到并重新启用）" if not same.active else ""
            raise ApiError(409, "unit_exists", f"已有同名的承办单位“{same.name}”{hint}")
        out["name"] = name
    if "level" in data or unit is None:
        if data.get("level") not in UNIT_LEVELS:
            raise _invalid("level", "层级应为：" + "、".join(UNIT_LEVEL_LABELS.values()))
        out["level"] = data["level"]
    if "region_id" in data or unit is None:
        out["region_id"] = _region(scope, data.get("region_id")).id
    if "contact" in data:
        contact = str(data.get("contact") or "").strip()
        if len(contact) > MAX_CONTACT:
            raise _invalid("contact", f"联系人不能超过{MAX_CONTACT}个字")
        out["contact"] = contact
    if "active" in data and unit is not None:
        if not isinstance(data["active"], bool):
            raise _invalid("active", "启用状态应为 true 或 false")
        out["active"] = data["active"]
    return out


def _reachable(scope: Scope | None, unit_id: int) -> HandlingUnit:
    unit = db.session.get(HandlingUnit, unit_id) if scope is None else unit_in_reach(scope, unit_id)
    if unit is None:
        raise ApiError(404, "unit_not_found", NOT_IN_REACH)
    return unit


def create_unit(scope: Scope | None, actor, data: dict) -> HandlingUnit:
    """Add a unit (name, level, region_id, optional contact); one commit.

    :raise ApiError: 422 a bad field, 409 the name is taken, 403 a region outside the reach.
    """
    values = _clean(scope, data, None)
    unit = HandlingUnit(**{"contact": "", "active": True, **values})
    db.session.add(unit)
    db.session.flush()
    audit.record("unit.created", "handling_unit", unit.id, actor=actor, subject=unit.name,
                 after=_snapshot(unit), region_id=unit.region_id)
    db.session.flush()
    return unit


def update_unit(scope: Scope | None, actor, unit_id: int, data: dict) -> HandlingUnit:
    """Change some of name, level, region_id, contact, active; one commit.

    ``active: false`` deactivates, ``true`` brings a unit back.
    :raise ApiError: 404 outside the reach, 422/409/403 as ``create_unit``.
    """
    unit = _reachable(scope, unit_id)
    values = _clean(scope, data, unit)
    before = _snapshot(unit)
    for key, value in values.items():
        setattr(unit, key, value)
    after = _snapshot(unit)
    action = "unit.updated"
    if before["active"] != after["active"]:
        action = "unit.deactivated" if not after["active"] else "unit.reactivated"
    audit.record_change(action, "handling_unit", unit.id, before, after, actor=actor, subject=unit.name,
                        region_id=unit.region_id)
    db.session.flush()
    return unit


def merge_units(scope: Scope | None, actor, source_id: int, target_id) -> MergeResult:
    """Move ``source``'s assignments, unit staff roles and open invitations onto
    ``target``, then deactivate ``source``; one commit, audited.

    :raise ApiError: 404 either unit outside the reach, 422 the same unit or an inactive
        target, 409 a case both units are handling now (withdraw one first).
    """
    source = _reachable(scope, source_id)
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise _invalid("into", "请选择合并到哪个单位")
    target = _reachable(scope, target_id)
    if target.id == source.id:
        raise _invalid("into", "不能把单位合并到它自己")
    if not target.active:
        raise _invalid("into", f"“{target.name}”已停用，请先启用或选择其他单位")
    unit_merge_check.send(source_id=source.id, target_id=target.id)
    counts: dict[str, int] = {}
    for answer in units_merging.send(source_id=source.id, target_id=target.id, actor=actor):
        counts.update(answer)
    moved, roles = counts.get("assignments", 0), counts.get("roles", 0)
    was_active = source.active
    source.active = False
    audit.record("unit.merged", "handling_unit", source.id, actor=actor, subject=source.name,
                 before={"active": was_active},
                 after={"active": False, "merged_into": target.name, "assignments": moved, "roles": roles},
                 region_id=source.region_id)
    db.session.flush()
    db.session.expire_all()
    return MergeResult(source, target, moved, roles)
