"""Configuration keys of the stats and reception capabilities, with their defaults.

``register(app)`` fills in whatever the deployment did not set (``setdefault``), so a
deployment overrides any of them in its config. Kept here, next to the code that
reads them, until they move into ``liaison.config``.
"""
from __future__ import annotations

from flask import current_app

from .figures import DEFAULT_SATISFIED
from .flags import Thresholds
from .scoring import DEFAULT_POINTS

DEFAULTS = {
    # The seeds' rules (长沙市人大代表联络站数据分析报告)
    "STATS_MIN_DEPUTIES": 10,  # fewer deputies than this: flagged
    "STATS_MAX_DEPUTIES": 50,  # more deputies than this: flagged
    "STATS_MAX_SENIOR_OFFICIALS": 2,  # county-level-or-above post-holding deputies per station
    "STATS_MAX_PROV_MUNI": 5,  # provincial + municipal deputies per station
    "STATS_INVISIBLE_MONTHS": 3,  # no activity for this many months: 隐身代表
    # League table
    "STATS_LEAGUE_MIN_CASES": 10,  # fewer cases: "too few to rank"
    "STATS_SATISFIED_RATINGS": sorted(DEFAULT_SATISFIED),
    # Duty points (履职积分): points per counted item
    "STATS_DUTY_POINTS": dict(DEFAULT_POINTS),
    # Summary tables: a month older than this is rebuilt when a report asks for it
    "STATS_MAX_AGE_SECONDS": 600,
    "STATS_FLAG_LIST_LIMIT": 200,  # items per flag list in the region report
    # Reception
    "RECEPTION_REMINDER_HOUR": 9,  # local hour from which the day-before reminders go out
    "RECEPTION_DEFAULT_CAPACITY": 10,  # appointments per reception day
}


def register(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)


def get(key: str):
    return current_app.config.get(key, DEFAULTS[key])


def thresholds() -> Thresholds:
    return Thresholds(min_deputies=int(get("STATS_MIN_DEPUTIES")),
                      max_deputies=int(get("STATS_MAX_DEPUTIES")),
                      max_senior=int(get("STATS_MAX_SENIOR_OFFICIALS")),
                      max_prov_muni=int(get("STATS_MAX_PROV_MUNI")),
                      invisible_months=int(get("STATS_INVISIBLE_MONTHS")))


def satisfied_ratings() -> frozenset[str]:
    return frozenset(get("STATS_SATISFIED_RATINGS"))
