"""Duty points (履职积分) and the responsiveness league table. Pure: no Flask, no database.

League formula (stated on the page): in the period, a deputy's or station's
*cases* are its summoned opinions whose outcome became known (``figures.outcome``:
answered in time, late, or closed unresolved). Successes are the cases answered in
time plus the satisfied ratings; trials are the cases plus the ratings.
Fewer than ``min_cases`` cases: "too few to rank", listed but not ranked. The rest
are ranked by the Wilson 95% lower bound of successes / trials, so neither a lucky
2-of-2 nor sheer volume wins. Closed-unresolved cases never count as successes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..settings import DEFAULT_DUTY_POINTS
from .wilson import Z_95, wilson_lower_bound

DEFAULT_POINTS = DEFAULT_DUTY_POINTS  # the weights, declared with the settings
POINT_LABELS = {
    "check_ins": "进站履职", "receptions": "参加接待", "residents": "接待群众人次",
    "opinions_in": "被点将意见", "in_time": "按期答复", "satisfied": "满意评价",
    "suggestions": "提出建议",
}
FORMULA = ("响应度 =（按期答复且已解决的点将意见数 + 满意评价数）÷（有办理结果的点将意见数 + 评价数）；"
           "有办理结果指：按期答复、超期或未解决而关闭（不予受理、重复、非职责范围、无法解决，均不算解决）；"
           "办理期限未到的意见不计入。统计期内有结果的意见少于 {min_cases} 件的，列为“件数太少，暂不排名”；"
           "其余按响应度 95% 置信区间的下限（威尔逊方法）从高到低排名，而不是按原始比例或件数。")


def duty_points(counts: Mapping[str, float], weights: Mapping[str, float] | None = None) -> dict:
    """The duty score: ``{"total": 37.4, "items": [{"key", "label", "count", "weight", "points"}]}``."""
    weights = DEFAULT_POINTS if weights is None else weights
    items, total = [], 0.0
    for key, weight in weights.items():
        count = counts.get(key, 0) or 0
        points = round(count * float(weight), 2)
        total += points
        items.append({"key": key, "label": POINT_LABELS.get(key, key), "count": count,
                      "weight": float(weight), "points": points})
    return {"total": round(total, 2), "items": items}


@dataclass
class Entry:
    """One deputy or station in the league table."""

    id: int
    name: str
    in_time: int = 0
    late: int = 0
    unresolved: int = 0
    ratings: int = 0
    satisfied: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return self.in_time + self.late + self.unresolved

    @property
    def successes(self) -> int:
        return self.in_time + self.satisfied

    @property
    def trials(self) -> int:
        return self.cases + self.ratings


def league(entries: Iterable[Entry], min_cases: int = 10, z: float = Z_95) -> dict:
    """Rank entries: ``{"ranked": [...], "too_few": [...]}`` (rows are dicts).

    Ties on the lower bound share a rank (1, 2, 2, 4); within a tie, more trials
    come first, then the name.
    """
    ranked, too_few = [], []
    for e in entries:
        row = {"id": e.id, "name": e.name, "cases": e.cases, "in_time": e.in_time, "late": e.late,
               "unresolved": e.unresolved, "ratings": e.ratings, "satisfied": e.satisfied,
               "successes": e.successes, "trials": e.trials,
               "share": round(e.successes / e.trials, 4) if e.trials else None, **e.extra}
        if e.cases < min_cases:
            row["rank"] = None
            too_few.append(row)
        else:
            row["lower_bound"] = round(wilson_lower_bound(e.successes, e.trials, z), 4)
            ranked.append(row)
    ranked.sort(key=lambda r: (-r["lower_bound"], -r["trials"], r["name"], r["id"]))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row["lower_bound"] != previous:
            rank, previous = position, row["lower_bound"]
        row["rank"] = rank
    too_few.sort(key=lambda r: (-r["cases"], r["name"], r["id"]))
    return {"ranked": ranked, "too_few": too_few}
