"""A station's reception plan: the next dates it implies and how to say it in Chinese.

Pure: no Flask, no database. The plan is the JSON kept in ``Station.reception_plan``::

    {"monthly_days": [15], "weekdays": [3], "market_days": [3, 6, 9],
     "start": "09:00", "end": "11:30"}

- ``monthly_days``: days of the month (固定接待日, e.g. the 15th). A day the month
  does not have (the 31st in November) falls on the month's last day.
- ``weekdays``: ISO weekdays, 1 = Monday … 7 = Sunday (每周三).
- ``market_days``: last digits of the day of the month (逢三、六、九 means the 3rd,
  6th, 9th, 13th, 16th … 29th), the way the countryside names its 圩日; 10 means
  days ending in 0 (逢十).

Planned reception days in the reception_days table win over this; the plan is the
fallback for stations that have not planned concrete days yet.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEKDAY_LABELS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "日"}
DIGITS = "〇一二三四五六七八九十"
HORIZON_DAYS = 400  # never look further than this for the next date


def _ints(values, low: int, high: int) -> set[int]:
    out = set()
    for value in values or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if low <= number <= high:
            out.add(number)
    return out


def _matches(day: date, monthly: set[int], weekdays: set[int], market: set[int]) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day in monthly or (day.day == last and any(m > last for m in monthly)):
        return True
    if day.isoweekday() in weekdays:
        return True
    return (day.day % 10 or 10) in market


def next_dates(plan: dict | None, today: date, count: int = 3) -> list[date]:
    """The next ``count`` dates on or after ``today`` that the plan names.

    :param plan: ``Station.reception_plan``; empty or unreadable plans give [].
    """
    plan = plan if isinstance(plan, dict) else {}
    monthly = _ints(plan.get("monthly_days"), 1, 31)
    weekdays = _ints(plan.get("weekdays"), 1, 7)
    market = _ints(plan.get("market_days"), 1, 10)
    if not (monthly or weekdays or market) or count <= 0:
        return []
    found, day = [], today
    for _ in range(HORIZON_DAYS):
        if _matches(day, monthly, weekdays, market):
            found.append(day)
            if len(found) == count:
                break
        day += timedelta(days=1)
    return found


def _number(n: int) -> str:
    """1..31 in Chinese numerals (逢三、六、九 style)."""
    if n <= 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")


def hours_of(plan: dict | None) -> str:
    """"9:00-11:30" from the plan's start/end, or "" when either is missing."""
    plan = plan if isinstance(plan, dict) else {}
    start, end = str(plan.get("start") or ""), str(plan.get("end") or "")
    if not (start and end):
        return ""
    if start.startswith("0") and start[1:2].isdigit():
        start = start[1:]
    return f"{start}-{end}"


def describe(plan: dict | None) -> list[str]:
    """The plan as short Chinese lines for posters and pages, e.g. ["每月15日 9:00-11:30"]."""
    plan = plan if isinstance(plan, dict) else {}
    hours = hours_of(plan)
    suffix = f" {hours}" if hours else ""
    lines = []
    monthly = sorted(_ints(plan.get("monthly_days"), 1, 31))
    if monthly:
        lines.append("每月" + "、".join(str(d) for d in monthly) + "日" + suffix)
    weekdays = sorted(_ints(plan.get("weekdays"), 1, 7))
    if weekdays:
        lines.append("每周" + "、".join(WEEKDAY_LABELS[d] for d in weekdays) + suffix)
    market = sorted(_ints(plan.get("market_days"), 1, 10))
    if market:
        lines.append("圩日（逢" + "、".join(_number(d) for d in market) + "）" + suffix)
    return lines


def format_day(day: date) -> str:
    """"12月15日（周二）"."""
    return f"{day.month}月{day.day}日（周{WEEKDAY_LABELS[day.isoweekday()]}）"
