"""Reading single cells of a roster row (``importer``): yes/no flags, deputy levels and
the start date of a seat (进站日期). Pure: each reader appends a Chinese line to
``errors`` for a value it cannot read, naming the row, and returns a usable default.
"""
from __future__ import annotations

import re
from datetime import date

LEVEL_BY_LABEL = {"全国": "national", "国家": "national", "省": "provincial", "市": "municipal",
                  "区": "county", "县": "county", "区县": "county", "县级": "county",
                  "乡": "township", "镇": "township", "乡镇": "township", "街道": "township"}
YES, NO = {"是", "y", "yes", "1", "true"}, {"否", "", "n", "no", "0", "false"}
# 2026-03-10, 2026/3/10, 2026.3.10, 2026年3月10日; an Excel date cell reads "2026-03-10 00:00:00".
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
FIRST_YEAR = 1980


def flag(value: str, row: int, column: str, errors: list[str]) -> bool:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    errors.append(f"第{row}行：“{column}”应填“是”或“否”，实际为“{value}”")
    return False


def levels(value: str, row: int, errors: list[str]) -> list[str]:
    parts = [p.strip().replace("人大代表", "").replace("级", "") for p in re.split(r"[,，、/ ]+", value) if p.strip()]
    out = []
    for p in parts:
        level = LEVEL_BY_LABEL.get(p)
        if level is None:
            errors.append(f"第{row}行：代表层级“{p}”无法识别（可填：全国、省、市、区、县、乡、镇）")
        elif level not in out:
            out.append(level)
    if not parts:
        errors.append(f"第{row}行：填写了代表姓名，但缺少代表层级")
    return out


def start_date(value: str, row: int, today: date, errors: list[str]) -> date | None:
    """The 进站日期 of a row: when the deputy took the seat; empty gives None (the
    importer then uses the import date for a new seat).

    A seat cannot start after the import (a roster records seats that exist).
    """
    value = value.strip()
    if not value:
        return None
    match = _DATE.match(value)
    try:
        day = date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None:
        errors.append(f"第{row}行：进站日期“{value}”无法识别（例如 2026-03-10）")
        return None
    if day > today:
        errors.append(f"第{row}行：进站日期 {day.isoformat()} 晚于今天，名册只登记已经进站的代表")
        return None
    if day.year < FIRST_YEAR:
        errors.append(f"第{row}行：进站日期 {day.isoformat()} 太早，请检查年份")
        return None
    return day
