"""The seeds' rules as computed flags, and the Changsha report's part one as text.

Pure: no Flask, no database. Thresholds come from the configuration (see
``stats.config``); the rules (长沙市人大代表联络站数据分析报告):
- 10–50 deputies per station (驻站代表 10 人以上、50 人以下);
- at most 2 county-level-or-above post-holding deputies (县处级以上职务代表不超过 2 名);
- at most 5 provincial + municipal deputies (省市代表驻站总数不超过 5 名);
- an activity every month, else the station runs empty (空转);
- a deputy with no activity for 3 months is invisible (隐身代表).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

UNDER_MIN, OVER_MAX = "under_min", "over_max"
TOO_MANY_SENIOR, TOO_MANY_PROV_MUNI = "too_many_senior", "too_many_prov_muni"
IDLE, INVISIBLE = "idle", "invisible"
FLAG_LABELS = {
    UNDER_MIN: "驻站代表少于{min}人",
    OVER_MAX: "驻站代表多于{max}人",
    TOO_MANY_SENIOR: "县级以上职务代表超过{senior}名",
    TOO_MANY_PROV_MUNI: "省市代表超过{prov_muni}名",
    IDLE: "本月无活动（空转）",
    INVISIBLE: "连续{months}个月无履职活动（隐身代表）",
}
STATION_FLAGS = (UNDER_MIN, OVER_MAX, TOO_MANY_SENIOR, TOO_MANY_PROV_MUNI, IDLE)


@dataclass(frozen=True)
class Thresholds:
    min_deputies: int = 10
    max_deputies: int = 50
    max_senior: int = 2
    max_prov_muni: int = 5
    invisible_months: int = 3

    def labels(self) -> dict[str, str]:
        values = {"min": self.min_deputies, "max": self.max_deputies, "senior": self.max_senior,
                  "prov_muni": self.max_prov_muni, "months": self.invisible_months}
        return {k: v.format(**values) for k, v in FLAG_LABELS.items()}


@dataclass(frozen=True)
class Composition:
    """Who sits at a station now (current memberships of active deputies)."""

    deputies: int = 0
    home: int = 0
    cross: int = 0
    senior: int = 0  # county-level-or-above post-holding officials
    prov_muni: int = 0  # provincial or municipal deputies


def station_flags(c: Composition, active_days: int, t: Thresholds) -> list[str]:
    """The flags a station earns with this composition and this month's activity."""
    flags = []
    if c.deputies < t.min_deputies:
        flags.append(UNDER_MIN)
    if c.deputies > t.max_deputies:
        flags.append(OVER_MAX)
    if c.senior > t.max_senior:
        flags.append(TOO_MANY_SENIOR)
    if c.prov_muni > t.max_prov_muni:
        flags.append(TOO_MANY_PROV_MUNI)
    if active_days == 0:
        flags.append(IDLE)
    return flags


def _widen(span: tuple[int, int] | None, n: int) -> tuple[int, int]:
    return (n, n) if span is None else (min(span[0], n), max(span[1], n))


@dataclass
class AreaSummary:
    """One row of part one: an area's stations and how many deputies sit in each,
    overall and per kind of station (the central station, 中心站 or 街道站, and the
    feature stations beside it, 特色站 and the like)."""

    stations: int = 0
    central: int = 0
    feature: int = 0  # every kind other than the central station
    min_deputies: int | None = None
    max_deputies: int | None = None
    flag_counts: dict[str, int] | None = None
    central_span: tuple[int, int] | None = None  # (fewest, most) deputies at a central station
    feature_span: tuple[int, int] | None = None

    def add(self, kind: str, c: Composition, flags: Iterable[str]) -> None:
        self.stations += 1
        if kind == "central":
            self.central += 1
            self.central_span = _widen(self.central_span, c.deputies)
        else:
            self.feature += 1
            self.feature_span = _widen(self.feature_span, c.deputies)
        self.min_deputies = c.deputies if self.min_deputies is None else min(self.min_deputies, c.deputies)
        self.max_deputies = c.deputies if self.max_deputies is None else max(self.max_deputies, c.deputies)
        counts = self.flag_counts if self.flag_counts is not None else dict.fromkeys(STATION_FLAGS, 0)
        for flag in flags:
            counts[flag] += 1
        self.flag_counts = counts


SUBDIVISION_SUFFIXES = ("街道", "镇", "乡", "社区", "村", "区", "县", "市")  # the order they are named in
_MATCH_ORDER = ("街道", "社区", "镇", "乡", "村", "区", "县", "市")  # 社区 before 区


def subdivisions(names: Iterable[str]) -> dict[str, int]:
    """Count sub-areas by the suffix of their names (街道, 镇, 乡, 社区, 村, 区, 县, 市; else 其他)."""
    out = dict.fromkeys(SUBDIVISION_SUFFIXES + ("其他",), 0)
    for name in names:
        suffix = next((s for s in _MATCH_ORDER if name.endswith(s)), "其他")
        out[suffix] += 1
    return out


def _span(span: tuple[int, int]) -> str:
    low, high = span
    return f"{low} 人" if low == high else f"{low}~{high} 人"


def area_sentence(index: int, name: str, sub: dict[str, int], s: AreaSummary, t: Thresholds) -> str:
    """The report's sentence for one area, e.g.
    "（三）岳麓区。辖区 17 个街道、2 个镇，共 39 个代表联络站，驻站代表数在 5~47 人范围，有 10 个联络站驻站代表在 10 人以下。"
    With both kinds of station the range is given per kind, as the Changsha report does
    for 天心区 (街道站 14~28 人、特色站 5~7 人): "驻站代表数中心站 14~28 人、特色站等 5~7 人".
    """
    parts = [f"{sub[k]} 个{k}" for k in SUBDIVISION_SUFFIXES if sub.get(k)]
    head = f"（{_chinese(index)}）{name}。"
    if parts:
        head += "辖区 " + "、".join(parts) + "，"
    if not s.stations:
        return head + "尚无代表联络站。"
    text = head + f"共 {s.stations} 个代表联络站"
    if s.feature:
        text += f"（中心站 {s.central} 个、特色站等 {s.feature} 个）"
    if s.central_span and s.feature_span:
        text += f"，驻站代表数中心站 {_span(s.central_span)}、特色站等 {_span(s.feature_span)}"
    elif s.min_deputies == s.max_deputies:
        text += f"，驻站代表数为 {s.min_deputies} 人"
    else:
        text += f"，驻站代表数在 {s.min_deputies}~{s.max_deputies} 人范围"
    counts = s.flag_counts or {}
    notes = []
    if counts.get(UNDER_MIN):
        notes.append(f"有 {counts[UNDER_MIN]} 个联络站驻站代表在 {t.min_deputies} 人以下")
    if counts.get(OVER_MAX):
        notes.append(f"{counts[OVER_MAX]} 个联络站驻站代表超过 {t.max_deputies} 人")
    if counts.get(TOO_MANY_SENIOR):
        notes.append(f"{counts[TOO_MANY_SENIOR]} 个联络站县级以上职务代表超过 {t.max_senior} 名")
    if counts.get(TOO_MANY_PROV_MUNI):
        notes.append(f"{counts[TOO_MANY_PROV_MUNI]} 个联络站省市代表超过 {t.max_prov_muni} 名")
    if counts.get(IDLE):
        notes.append(f"{counts[IDLE]} 个联络站本月无活动")
    return text + ("，" + "，".join(notes) if notes else "") + "。"


_DIGITS = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    """1..99 in Chinese numerals (一, 十, 十一, 二十三)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")
