"""Find a region, station, handling unit or deputy by what a person types (command line).

A region by its name or full path (长沙市/岳麓区); a station or unit by its full name
or a part of it; a deputy by external id (代表编号), system id or name. Anything that
matches more than one is an error listing the candidates, never a guess.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..places.models import Deputy, HandlingUnit, Region, Station

MAX_LISTED = 10


class LookupProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _listed(names: list[str]) -> str:
    shown = "、".join(names[:MAX_LISTED])
    return shown + (f" 等{len(names)}个" if len(names) > MAX_LISTED else "")


def _one(kind: str, text: str, matches: list, name, hint: str):
    if not matches:
        raise LookupProblem(f"没有找到{kind}“{text}”")
    if len(matches) > 1:
        raise LookupProblem(f"{kind}“{text}”不唯一，{hint}：{_listed([name(m) for m in matches])}")
    return matches[0]


def find_region(text: str) -> Region:
    text = (text or "").strip().strip("/")
    parts = [p.strip() for p in text.split("/") if p.strip()]
    if len(parts) > 1:
        region = None
        for part in parts:
            region = db.session.execute(select(Region).where(
                Region.parent_id == (region.id if region else None), Region.name == part)).scalar()
            if region is None:
                raise LookupProblem(f"没有找到区域“{text}”（“{part}”这一级不存在）")
        return region
    matches = list(db.session.execute(select(Region).where(Region.name == text)
                                      .order_by(Region.path)).scalars())
    return _one("区域", text, matches, lambda r: r.full_name(), "请用完整路径指定")


def _by_name(model, kind: str, text: str):
    text = (text or "").strip()
    if not text:
        raise LookupProblem(f"请给出{kind}名称")
    exact = db.session.execute(select(model).where(model.name == text)).scalar()
    if exact is not None:
        return exact
    matches = list(db.session.execute(select(model).where(
        model.name.contains(text, autoescape=True), model.active.is_(True)).order_by(model.name)).scalars())
    return _one(kind, text, matches, lambda m: m.name, "请写出完整名称")


def find_station(text: str) -> Station:
    return _by_name(Station, "联络站", text)


def find_unit(text: str) -> HandlingUnit:
    return _by_name(HandlingUnit, "承办单位", text)


def find_deputy(text: str) -> Deputy:
    text = (text or "").strip()
    deputy = db.session.execute(select(Deputy).where(Deputy.external_id == text)).scalar()
    if deputy is None and text.isdigit() and len(text) < 10:
        deputy = db.session.get(Deputy, int(text))
    if deputy is not None:
        return deputy
    matches = list(db.session.execute(select(Deputy).where(Deputy.name == text).order_by(Deputy.id)).scalars())
    return _one("代表", text, matches, lambda d: f"{d.name}（编号 {d.external_id or d.id}）",
                "请用代表编号指定")
