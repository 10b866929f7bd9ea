"""Import handling units from .xlsx or .csv (the NPC office, within its regions).

| column | required | example |
|---|---|---|
| 单位名称 | yes | 岳麓区发展和改革局 |
| 层级 | yes | 乡镇（街道） / 区（县） / 市级及以上 (also 乡镇, 街道, 区, 县, 市, 省) |
| 所属区域 | yes | 长沙市/岳麓区 (the full path; a name alone when it names one region) |
| 联系人 | no | 张科长 0731-88888888 |

All or nothing, like the roster (``importer``): every row is checked first, and one bad
row means nothing is written and every problem comes back as a Chinese line. A name
that exists already updates that unit (level, region, contact; an inactive one is
enabled again) when the office reaches it. The region must exist: units are filed
under the region tree the roster built. Audit rows: one per unit created or changed
and one for the import, in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..audit import log as audit
from ..core.db import db
from .scopes import Scope, covers_region
from .importer import ImportFailed, read_rows
from .models import HandlingUnit, Region
from .unit_ops import MAX_CONTACT, MAX_NAME, _snapshot
from .units import LEVEL_BY_LABEL, UNIT_LEVEL_LABELS

COLUMNS = ("单位名称", "层级", "所属区域", "联系人")
REQUIRED = ("单位名称", "层级", "所属区域")
EXAMPLE = ("岳麓区发展和改革局", "区（县）", "长沙市/岳麓区", "张科长 0731-88888888")


@dataclass
class UnitImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0


def read_unit_rows(name: str, data: bytes) -> list[dict]:
    return read_rows(name, data, required=REQUIRED)


def _region(text: str) -> tuple[Region | None, str | None]:
    """(region, None) or (None, the problem) for a path like 长沙市/岳麓区 or a lone name."""
    parts = [p.strip() for p in text.strip().strip("/").split("/") if p.strip()]
    if not parts:
        return None, "缺少“所属区域”"
    if len(parts) == 1:
        found = list(db.session.scalars(select(Region).where(Region.name == parts[0]).limit(2)))
        if len(found) != 1:
            return None, (f"区域“{text}”不存在" if not found else f"区域“{text}”不唯一，请写完整路径，如 长沙市/岳麓区")
        return found[0], None
    region = None
    for part in parts:
        region = db.session.scalar(select(Region).where(
            Region.parent_id == (region.id if region else None), Region.name == part))
        if region is None:
            return None, f"区域“{text}”不存在（“{part}”这一级没有找到），请先导入名册或检查拼写"
    return region, None


def validate(rows: list[dict], reach: Scope | None) -> tuple[list[dict], list[str]]:
    """Check every row; (normalised rows, every problem found)."""
    errors, clean, seen = [], [], {}
    for r in rows:
        n = r["_row"]
        name = " ".join(r.get("单位名称", "").split())
        if not name:
            errors.append(f"第{n}行：缺少“单位名称”")
        elif len(name) > MAX_NAME:
            errors.append(f"第{n}行：单位名称过长（最多{MAX_NAME}字）")
        elif name.lower() in seen:
            errors.append(f"第{n}行：单位“{name}”在第{seen[name.lower()]}行已经出现过")
        else:
            seen[name.lower()] = n
        label = r.get("层级", "").strip()
        level = LEVEL_BY_LABEL.get(label.replace("(", "（").replace(")", "）").replace(" ", ""))
        if level is None:
            errors.append(f"第{n}行：层级“{label}”无法识别（可填：{'、'.join(UNIT_LEVEL_LABELS.values())}）")
        region, problem = _region(r.get("所属区域", ""))
        if problem:
            errors.append(f"第{n}行：{problem}")
        elif reach is not None and not covers_region(reach, region):
            errors.append(f"第{n}行：区域“{region.full_name()}”不在您负责的范围内")
        contact = r.get("联系人", "").strip()
        if len(contact) > MAX_CONTACT:
            errors.append(f"第{n}行：联系人过长（最多{MAX_CONTACT}字）")
        existing = db.session.scalar(select(HandlingUnit).where(func.lower(HandlingUnit.name) == name.lower())) \
            if name else None
        if existing is not None and reach is not None and not (
                existing.region_id and covers_region(reach, db.session.get(Region, existing.region_id))):
            errors.append(f"第{n}行：已有同名单位“{existing.name}”，它不在您负责的区域内，不能修改")
        clean.append({"row": n, "name": name, "level": level, "region": region, "contact": contact,
                      "existing": existing})
    if not rows:
        errors.append("文件里没有单位（第1行是表头，从第2行起每行一个单位）")
    return clean, errors


def import_units(rows: list[dict], reach: Scope | None = None, actor=None) -> UnitImportResult:
    """Validate, then write every unit in one transaction (all or nothing).

    :param reach: the importing office's scope; None is the command line (full reach).
    :raise ImportFailed: one Chinese line per problem; nothing is written.
    """
    clean, errors = validate(rows, reach)
    if errors:
        raise ImportFailed(errors, "承办单位表有误，没有导入任何数据")
    result = UnitImportResult(rows=len(clean))
    try:
        for item in clean:
            unit = item["existing"]
            values = {"name": item["name"], "level": item["level"], "region_id": item["region"].id, "active": True}
            if item["contact"]:
                values["contact"] = item["contact"]
            if unit is None:
                unit = HandlingUnit(**{"contact": "", **values})
                db.session.add(unit)
                db.session.flush()
                result.created += 1
                audit.record("unit.created", "handling_unit", unit.id, actor=actor, subject=unit.name,
                             after=_snapshot(unit), region_id=unit.region_id)
                continue
            before = _snapshot(unit)
            for key, value in values.items():
                setattr(unit, key, value)
            db.session.flush()
            if audit.record_change("unit.updated", "handling_unit", unit.id, before, _snapshot(unit), actor=actor,
                                   subject=unit.name, region_id=unit.region_id):
                result.updated += 1
        audit.record("units.imported", "import", None, actor=actor, subject=f"导入承办单位 {result.rows} 行",
                     after={"rows": result.rows, "created": result.created, "updated": result.updated},
                     region_id=audit.common_region(i["region"].path for i in clean))
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    return result
