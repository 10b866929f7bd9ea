"""The report rules of the app config as the pure modules take them (the settings
themselves, with their defaults, are declared in ``liaison.settings``)."""
from __future__ import annotations

from flask import current_app

from .flags import Thresholds


def thresholds() -> Thresholds:
    config = current_app.config
    return Thresholds(min_deputies=int(config["STATS_MIN_DEPUTIES"]),
                      max_deputies=int(config["STATS_MAX_DEPUTIES"]),
                      max_senior=int(config["STATS_MAX_SENIOR_OFFICIALS"]),
                      max_prov_muni=int(config["STATS_MAX_PROV_MUNI"]),
                      invisible_months=int(config["STATS_INVISIBLE_MONTHS"]))


def satisfied_ratings() -> frozenset[str]:
    return frozenset(current_app.config["STATS_SATISFIED_RATINGS"])
