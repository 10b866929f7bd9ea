"""The Wilson score interval for a proportion (pure, no Flask, no database).

A league table that sorts by a raw share puts a station with 2 of 2 answered in time
above one with 190 of 200; sorting by raw counts rewards volume. The lower bound of
the Wilson interval does neither: it is the share we can be 95% sure of given how
many cases there were (Wilson, 1927; the usual "how not to sort by average rating").
"""
from __future__ import annotations

from math import sqrt

Z_95 = 1.959963984540054  # two-sided 95%: the 97.5th percentile of the standard normal


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The (lower, upper) Wilson score interval of ``successes / trials``.

    :return: ``None`` when there are no trials (nothing is known).
    :raise ValueError: for negative counts or more successes than trials.
    """
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"invalid proportion {successes}/{trials}")
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def wilson_lower_bound(successes: int, trials: int, z: float = Z_95) -> float | None:
    """The lower end of the Wilson score interval (``None`` without trials)."""
    interval = wilson_interval(successes, trials, z)
    return None if interval is None else interval[0]
