"""Import regions, stations, deputies and memberships from .xlsx or .csv.

Column layout (first row is the header, Chinese names; order does not matter):

| column | required | example |
|---|---|---|
| 区域 | yes | 长沙市/岳麓区/望月湖街道 (city/district/street[/community], "/" separated) |
| 联络站 | yes | 望月湖街道人大代表联络站 |
| 站点类型 | no | 中心站 / 特色站 / 园区站 / 小区联络点 / 网上代表联络站 (default 中心站) |
| 地址 | no | 岳麓区望月湖街道办事处一楼 |
| 纬度 / 经度 | no, both or neither | 28.1955 / 112.9430: the station's point, GCJ-02 (picked on a Tencent or Amap map), inside China; check-ins near it are verified |
| 代表姓名 | no | 王明 (empty: a row that only declares the station) |
| 代表编号 | no | a stable id from the NPC office's roster; else name+phone identify a deputy |
| 代表层级 | with a deputy | 市,区 (any of 全国/省/市/区/县/乡/镇, comma or 、 separated) |
| 职务代表 | no | 是 / 否 |
| 县级以上领导干部 | no | 是 / 否 |
| 工作单位 / 职务 / 电话 | no | |
| 进站方式 | no | 驻站 / 交叉进站 (default 驻站) |
| 进站日期 | no | 2026-03-10: when the deputy took the seat (default: the import date, for a new seat; an existing seat keeps its date unless one is given) |

Every row is checked before anything is written; one bad row means nothing is
imported and the errors come back, one Chinese line per problem. What an import may
touch (a station only within its own region, a roster number naming one person, an
NPC office only inside its regions) is decided in ``import_reach``. A successful import
writes its audit rows in the same transaction: one for the import (with the counts,
filed under the deepest region containing every row) and one per region, station,
deputy and membership it created or changed.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..audit import log as audit
from ..core import clock
from ..core.db import db
from ..core.errors import DomainError
from ..core.events import Event
from .scopes import Scope
from .geo import parse_station_point
from .import_cells import flag, levels, start_date
from .import_reach import find_deputy, reach_errors
from .models import Deputy, Membership, Region, Station

# Sent once an import is written, before its commit (``codes`` gives new targets codes).
imported = Event("places.imported")

REGION_LEVEL_ORDER = ("city", "district", "street", "community")
KIND_BY_LABEL = {"中心站": "central", "特色站": "feature", "园区站": "park",
                 "小区联络点": "residential", "网上代表联络站": "online", "网上站": "online"}
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
COLUMNS = ("区域", "联络站", "站点类型", "地址", "纬度", "经度", "代表姓名", "代表编号", "代表层级",
           "职务代表", "县级以上领导干部", "工作单位", "职务", "电话", "进站方式", "进站日期")


class ImportFailed(DomainError):
    """A file refused, nothing written: a Chinese line per problem (``details.rows``)."""
    def __init__(self, errors: list[str], message: str = "名册有误，没有导入任何数据"):
        super().__init__("import_failed", message, 422, rows=errors)
        self.errors = errors


@dataclass
class ImportResult:
    regions: int = 0
    stations: int = 0
    deputies: int = 0
    memberships: int = 0
    rows: int = 0
    warnings: list[str] = field(default_factory=list)


def read_rows(path: str | Path, data: bytes | None = None, required=("区域", "联络站")) -> list[dict]:
    """Read a .xlsx or .csv file into dicts keyed by header (row numbers kept).

    :param required: the header's required columns (the unit import names its own).
    """
    name = str(path).lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data) if data is not None else path, read_only=True,
                               data_only=True)
        except Exception:
            raise ImportFailed(["无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏"])
        rows = list(wb.active.iter_rows(values_only=True))
    elif name.endswith(".csv"):
        raw = data if data is not None else Path(path).read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed(["无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV"])
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportFailed(["只支持 .xlsx 或 .csv 文件"])
    if not rows:
        raise ImportFailed(["文件是空的"])
    header = [str(h or "").strip() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([f"表头缺少必填列：{'、'.join(missing)}（第1行应为列名，见导入说明）"])
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(row)
                  if i < len(header) and header[i]}
        if any(values.values()):
            values["_row"] = number
            out.append(values)
    return out


def validate(rows: list[dict], today: date) -> tuple[list[dict], list[str]]:
    """Check every row; return normalised rows and all the errors found."""
    errors: list[str] = []
    clean = []
    station_region: dict[str, str] = {}
    station_point: dict[str, tuple] = {}
    for r in rows:
        n = r["_row"]
        region_parts = [p.strip() for p in r.get("区域", "").split("/") if p.strip()]
        if not region_parts:
            errors.append(f"第{n}行：缺少“区域”")
        elif len(region_parts) > 4:
            errors.append(f"第{n}行：区域最多四级（市/区县/街道乡镇/社区村），实际为“{r['区域']}”")
        station = r.get("联络站", "")
        if not station:
            errors.append(f"第{n}行：缺少“联络站”名称")
        elif len(station) > 120:
            errors.append(f"第{n}行：联络站名称过长（最多120字）")
        elif station_region.setdefault(station, r.get("区域", "")) != r.get("区域", ""):
            errors.append(f"第{n}行：联络站“{station}”在前面的行里属于另一个区域")
        kind_label = r.get("站点类型", "") or "中心站"
        kind = KIND_BY_LABEL.get(kind_label)
        if kind is None:
            errors.append(f"第{n}行：站点类型“{kind_label}”无法识别（可填：{'、'.join(KIND_BY_LABEL)}）")
        try:
            point = parse_station_point(r.get("纬度", ""), r.get("经度", ""))
        except ValueError as exc:
            errors.append(f"第{n}行：{exc}")
            point = (None, None)
        if point[0] is not None and station_point.setdefault(station, point) != point:
            errors.append(f"第{n}行：联络站“{station}”在前面的行里填了另一个位置（纬度、经度）")
        item = {"row": n, "region": region_parts, "station": station, "kind": kind,
                "address": r.get("地址", ""), "point": point, "deputy": None}
        name = r.get("代表姓名", "")
        if name:
            if len(name) > 50:
                errors.append(f"第{n}行：代表姓名过长")
            phone = r.get("电话", "").replace(" ", "")
            if phone and not PHONE_RE.match(phone):
                errors.append(f"第{n}行：电话“{phone}”格式不正确")
            membership_label = r.get("进站方式", "") or "驻站"
            if membership_label not in ("驻站", "交叉进站"):
                errors.append(f"第{n}行：进站方式应为“驻站”或“交叉进站”")
            item["deputy"] = {
                "name": name,
                "external_id": r.get("代表编号", "") or None,
                "levels": levels(r.get("代表层级", ""), n, errors),
                "is_official": flag(r.get("职务代表", ""), n, "职务代表", errors),
                "is_senior_official": flag(r.get("县级以上领导干部", ""), n, "县级以上领导干部", errors),
                "work_unit": r.get("工作单位", ""), "post": r.get("职务", ""), "phone": phone,
                "membership": "cross" if membership_label == "交叉进站" else "home",
                "started_on": start_date(r.get("进站日期", ""), n, today, errors),
            }
        clean.append(item)
    return clean, errors


def import_rows(rows: list[dict], reach: Scope | None = None, actor=None,
                today: date | None = None) -> ImportResult:
    """Validate, then write everything in one transaction (all or nothing).

    :param reach: the importing NPC office's scope; ``None`` for the operator CLI
        (full reach). See ``import_reach`` for what each may touch.
    :param actor: the user importing (the audit log's who); None is the command line.
    :param today: the import date in China (default: today), a new seat's start date
        when the row gives no 进站日期: the reports judge a deputy only for months
        they have sat through (see ``stats.seats``).
    :raise ImportFailed: with one Chinese line per bad row; nothing is written.
    """
    today = today or clock.today()
    clean, errors = validate(rows, today)
    errors += reach_errors(clean, reach)
    if errors:
        raise ImportFailed(errors)
    result = ImportResult(rows=len(clean))
    touched: set[str] = set()
    try:
        regions: dict[tuple, Region] = {}
        stations: dict[str, Station] = {}
        seen: dict[tuple, Deputy] = {}  # within one file, the same id / name+phone is one person
        for item in clean:
            parent = None
            for depth, name in enumerate(item["region"]):
                key = tuple(item["region"][: depth + 1])
                region = regions.get(key)
                if region is None:
                    region = db.session.query(Region).filter_by(
                        parent_id=parent.id if parent else None, name=name).first()
                    if region is None:
                        region = Region(name=name, level=REGION_LEVEL_ORDER[depth], parent=parent)
                        db.session.add(region)
                        db.session.flush()
                        region.path = (parent.path if parent else "/") + f"{region.id}/"
                        result.regions += 1
                        audit.record("region.created", "region", region.id, actor=actor,
                                     subject=region.full_name(), after={"name": name, "level": region.level},
                                     region_id=region.id)
                    regions[key] = region
                parent = region
            station = stations.get(item["station"])
            if station is None:
                station = db.session.query(Station).filter_by(name=item["station"]).first()
                if station is None:
                    station = Station(name=item["station"], region_id=parent.id, kind=item["kind"],
                                      address=item["address"])
                    db.session.add(station)
                    db.session.flush()
                    result.stations += 1
                    audit.record("station.created", "station", station.id, actor=actor, subject=station.name,
                                 after=audit.snapshot(station, ("name", "kind", "address")),
                                 region_id=station.region_id, station_id=station.id)
                elif item["address"] and item["address"] != station.address:
                    audit.record("station.updated", "station", station.id, actor=actor, subject=station.name,
                                 before={"address": station.address}, after={"address": item["address"]},
                                 region_id=station.region_id, station_id=station.id)
                    station.address = item["address"]
                stations[item["station"]] = station
                touched.add(parent.path)
            if item["point"][0] is not None:  # any row of the station may carry its point
                station.latitude, station.longitude = item["point"]
            d = item["deputy"]
            if d is None:
                continue
            key = ("id", d["external_id"]) if d["external_id"] else ("np", d["name"], d["phone"])
            deputy = seen.get(key) or find_deputy(d)
            before = audit.snapshot(deputy, audit.DEPUTY_FIELDS) if deputy is not None else {}
            if deputy is None:
                deputy = Deputy(name=d["name"], external_id=d["external_id"])
                db.session.add(deputy)
                result.deputies += 1
            deputy.levels = d["levels"]
            for attr in ("is_official", "is_senior_official", "work_unit", "post", "phone"):
                if d[attr] not in ("", None):
                    setattr(deputy, attr, d[attr])
            db.session.flush()
            seen[key] = deputy
            where = {"actor": actor, "region_id": station.region_id, "station_id": station.id}
            audit.record_change("deputy.updated" if before else "deputy.created", "deputy", deputy.id,
                                before, audit.snapshot(deputy, audit.DEPUTY_FIELDS), subject=deputy.name, **where)
            membership = db.session.query(Membership).filter_by(
                deputy_id=deputy.id, station_id=station.id).first()
            if membership is None:
                membership = Membership(deputy_id=deputy.id, station_id=station.id, kind=d["membership"],
                                        started_on=d["started_on"] or today)
                db.session.add(membership)
                db.session.flush()
                result.memberships += 1
                audit.record("membership.started", "membership", membership.id,
                             after={"kind": d["membership"], "started_on": membership.started_on.isoformat()},
                             subject=f"{deputy.name} · {station.name}", **where)
            else:
                _update_membership(membership, d, f"{deputy.name} · {station.name}", where)
        db.session.flush()
        audit.record("places.imported", "import", None, actor=actor, subject=f"导入名册 {result.rows} 行",
                     after={"rows": result.rows, "regions": result.regions, "stations": result.stations,
                            "deputies": result.deputies, "memberships": result.memberships},
                     region_id=audit.common_region(touched))
        imported.send()  # codes gives new stations and deputies theirs, in this transaction
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    return result


def _update_membership(membership: Membership, d: dict, subject: str, where: dict) -> None:
    """An existing seat takes the row's kind, and its 进站日期 when the row gives one."""
    before = audit.snapshot(membership, ("kind", "started_on"))
    membership.kind = d["membership"]
    membership.started_on = d["started_on"] or membership.started_on
    audit.record_change("membership.changed", "membership", membership.id, before,
                        audit.snapshot(membership, ("kind", "started_on")), subject=subject, **where)


def import_file(path: str | Path, data: bytes | None = None, actor=None,
                today: date | None = None) -> ImportResult:
    return import_rows(read_rows(path, data), actor=actor, today=today)
