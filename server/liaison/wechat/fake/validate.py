"""WeChat's value rules for subscribe-message data and wxacode scenes.

Each data key's type is its prefix (``thing1`` -> thing). Rules as WeChat documents
them for subscribe messages; a value that breaks them gets 47003
``argument invalid! data.<key>.value invalid``.
"""
from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_ONLY = re.compile(f"^[{CJK}]+$")
_DATE_CN = r"\d{4}年\d{1,2}月\d{1,2}日"
_DATE_ISO = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_MOMENT = f"(?:(?:{_DATE_CN}|{_DATE_ISO})(?:[ T]?{_TIME})?|{_TIME})"
_DATETIME = re.compile(rf"^{_MOMENT}(?:\s*~\s*{_MOMENT})?$")
SCENE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")


def _thing(v: str) -> bool:
    return len(v) <= 20


def _short_thing(v: str) -> bool:
    return len(v) <= 5


def _number(v: str) -> bool:
    return len(v) <= 32 and re.fullmatch(r"-?\d+(\.\d+)?", v) is not None


def _letter(v: str) -> bool:
    return len(v) <= 32 and re.fullmatch(r"[A-Za-z]+", v) is not None


def _symbol(v: str) -> bool:
    return len(v) <= 5 and re.fullmatch(r"[!-/:-@\[-`{-~]+", v) is not None


def _character_string(v: str) -> bool:
    return len(v) <= 32 and re.fullmatch(r"[!-~]+", v) is not None  # printable ASCII, no space


def _datetime(v: str) -> bool:
    return _DATETIME.fullmatch(v) is not None


def _amount(v: str) -> bool:
    return re.fullmatch(r"[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?", v) is not None


def _phone_number(v: str) -> bool:
    return len(v) <= 17 and re.fullmatch(r"[0-9+\-() ]+", v) is not None


def _car_number(v: str) -> bool:
    return len(v) <= 8 and re.fullmatch(f"[{CJK}A-Za-z0-9]?[A-Za-z0-9]+[{CJK}A-Za-z0-9]?", v) is not None


def _name(v: str) -> bool:
    if _CJK_ONLY.match(v.replace("·", "")):
        return len(v) <= 10
    return len(v) <= 20 and re.fullmatch(r"[A-Za-z .'\-]+", v) is not None


def _phrase(v: str) -> bool:
    return len(v) <= 5 and _CJK_ONLY.match(v) is not None


RULES = {
    "thing": _thing, "short_thing": _short_thing, "number": _number, "letter": _letter,
    "symbol": _symbol, "character_string": _character_string, "time": _datetime,
    "date": _datetime, "amount": _amount, "phone_number": _phone_number,
    "car_number": _car_number, "name": _name, "phrase": _phrase,
}


def key_type(key: str) -> str:
    """``thing12`` -> ``thing``; ``character_string3`` -> ``character_string``."""
    return re.sub(r"\d+$", "", key)


def subscribe_data_error(data, required_keys=None) -> str | None:
    """The 47003 errmsg for the first bad value, or None when all values pass."""
    if not isinstance(data, dict) or not data:
        return "argument invalid! data is empty"
    for key in required_keys or ():
        item = data.get(key)
        if not isinstance(item, dict) or "value" not in item:
            return f"argument invalid! data.{key}.value is empty"
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        rule = RULES.get(key_type(key))
        if not isinstance(value, str) or value.strip() == "" or rule is None:
            return f"argument invalid! data.{key}.value invalid"
        if "\n" in value or "\r" in value or not rule(value):
            return f"argument invalid! data.{key}.value invalid"
    return None


def template_data_error(data) -> str | None:
    """Official-account template message: each keyword value ≤ 20 characters."""
    if not isinstance(data, dict):
        return "argument invalid! data is invalid"
    for key, item in data.items():
        if key in ("first", "remark"):
            continue  # no longer shown since May 2023; WeChat ignores them
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or len(value) > 20:
            return f"argument invalid! data.{key}.value invalid"
    return None
