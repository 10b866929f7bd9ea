"""Template filters and globals shared by the admin and H5 pages (Chinese, China time)."""
from __future__ import annotations

from datetime import date, datetime

from flask import request

from .clock import CHINA, in_china

BIG_TEXT_COOKIE = "big_text"


def local_time(value) -> str:
    """'2026年11月25日 16:00' in China time (accepts datetimes and ISO strings); the same
    date format as ``short_date`` and the WeChat messages, so a page never mixes two."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = in_china(value)
        return f"{short_date(value)} {value.hour:02d}:{value.minute:02d}"
    return str(value)


def short_date(value) -> str:
    """'2026年12月20日' for a date or ISO date string."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date() if value.tzinfo else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def short_month(value) -> str:
    """'2026年10月' for a ``YYYY-MM`` string (report months)."""
    text = str(value or "")
    if len(text) >= 7 and text[:4].isdigit() and text[5:7].isdigit():
        return f"{int(text[:4])}年{int(text[5:7])}月"
    return text


def big_text() -> bool:
    return request.cookies.get(BIG_TEXT_COOKIE) == "1"


def in_wechat() -> bool:
    return "micromessenger" in (request.headers.get("User-Agent") or "").lower()


def init_formatting(app) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(short_month, "short_month")
    app.jinja_env.globals.update(big_text=big_text, in_wechat=in_wechat)
