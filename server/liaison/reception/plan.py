"""A station's reception plan: checking it, the year's dates it implies, the rota,
and the words of the day-before reminders. Pure: no Flask, no database.

The plan lives in ``Station.reception_plan`` (its date rules are read by
``places.schedule``, the one place that knows what the days mean)::

    {"monthly_days": [15], "weekdays": [3], "market_days": [3, 6, 9],
     "start": "09:00", "end": "11:30", "capacity": 10,
     "rota": [12, 7, 31], "per_day": 2}

``rota`` is the deputies' order of duty (轮值) and ``per_day`` how many are on duty
on each reception day; the year plan (年度接待计划) hands out turns in that order.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from ..core.errors import DomainError
from ..places.schedule import format_day, hours_of, next_dates

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class PlanError(DomainError):
    """A field of the plan is wrong: ``field`` and a Chinese ``message`` (422)."""

    def __init__(self, field: str, message: str):
        super().__init__("validation_error", message, 422, fields={field: [message]})
        self.field = field


def _int_list(data: dict, key: str, low: int, high: int, label: str) -> list[int]:
    values = data.get(key) or []
    if not isinstance(values, list):
        raise PlanError(key, f"{label}应为列表")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise PlanError(key, f"{label}应为 {low} 到 {high} 之间的整数")
        if v not in out:
            out.append(v)
    return sorted(out)


def normalize_plan(data: dict, member_ids: set[int], default_capacity: int = 10) -> dict:
    """A clean plan from what staff sent.

    :param member_ids: the station's current deputies; only they may be on the rota.
    :raise PlanError: for the first wrong field.
    """
    if not isinstance(data, dict):
        raise PlanError("plan", "接待安排格式不正确")
    plan = {
        "monthly_days": _int_list(data, "monthly_days", 1, 31, "每月接待日"),
        "weekdays": _int_list(data, "weekdays", 1, 7, "每周接待日（1 为周一）"),
        "market_days": _int_list(data, "market_days", 1, 10, "圩日（逢几）"),
    }
    start, end = str(data.get("start") or "09:00"), str(data.get("end") or "11:30")
    for key, value in (("start", start), ("end", end)):
        if not _TIME.match(value):
            raise PlanError(key, "时间应为 HH:MM，例如 09:00")
    if start >= end:
        raise PlanError("end", "结束时间应晚于开始时间")
    plan.update(start=start, end=end)
    capacity = data.get("capacity", default_capacity)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 <= capacity <= 500:
        raise PlanError("capacity", "每个接待日可预约人数应为 0 到 500")
    rota = data.get("rota") or []
    if not isinstance(rota, list) or any(isinstance(d, bool) or not isinstance(d, int) for d in rota):
        raise PlanError("rota", "轮值代表应为代表编号列表")
    strangers = [d for d in rota if d not in member_ids]
    if strangers:
        raise PlanError("rota", "轮值代表必须是本站的代表")
    per_day = data.get("per_day", 1)
    if isinstance(per_day, bool) or not isinstance(per_day, int) or not 1 <= per_day <= 10:
        raise PlanError("per_day", "每次值班代表人数应为 1 到 10")
    plan.update(capacity=capacity, rota=list(dict.fromkeys(rota)), per_day=per_day)
    return plan


def year_dates(plan: dict | None, year: int) -> list[date]:
    """Every date of ``year`` the plan names (固定接待日, weekly days, 圩日)."""
    found = next_dates(plan, date(year, 1, 1), count=366)
    return [d for d in found if d.year == year]


def assign_rota(dates: list[date], rota: list[int], per_day: int, start: int = 0) -> dict[date, list[int]]:
    """Turns of duty in rota order: ``{date: [deputy ids]}`` (empty lists without a rota)."""
    out: dict[date, list[int]] = {}
    if not rota:
        return {d: [] for d in dates}
    take = min(per_day, len(rota))
    position = start
    for d in dates:
        out[d] = [rota[(position + k) % len(rota)] for k in range(take)]
        position += take
    return out


def reminder_due(day: date, now_local: datetime, hour: int) -> bool:
    """Day-before reminders go out on the day before, from ``hour`` o'clock local time."""
    return (day - now_local.date()).days == 1 and now_local.hour >= hour


def reminder_texts(station: str, day: date, start: str, end: str, deputies: list[str]) -> dict[str, tuple[str, str]]:
    """(title, body) per audience: ``deputy`` on duty, ``booked`` residents, ``follower``."""
    when = f"{format_day(day)} {hours_of({'start': start, 'end': end})}".strip()
    names = "、".join(deputies) if deputies else "待定"
    return {
        "deputy": ("明日接待值班提醒",
                   f"您明天（{when}）在{station}值班接待群众，请按时进站，并扫描站码签到。"),
        "booked": ("预约接待提醒",
                   f"您预约的{station}接待日是明天（{when}），值班代表：{names}。如不能前来，请在小程序中取消预约。"),
        "follower": ("接待日预告",
                     f"您关注的{station}明天（{when}）接待群众，值班代表：{names}。欢迎前来反映意见建议。"),
    }
