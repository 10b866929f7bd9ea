"""Fit values into what WeChat message keywords accept (docs/WECHAT_SETUP.md, section 8).

WeChat rejects a whole subscribe message with 47003 ``argument invalid!
data.<key>.value invalid`` when one value breaks its keyword type's rule, and
never takes an empty value or a newline. ``fit`` makes any value acceptable: text
is trimmed and shortened (``thing`` with an ellipsis counted in, ``phrase`` to its
Chinese characters), dates are written the Chinese way. Where shortening would
change the meaning (a number, a phone number, a time) it raises ``ValueError``
instead, because that is a bug in the caller, not something to hide.

The keyword type is the key's prefix: ``thing1``, ``phrase2``, ``time3``,
``character_string4`` ... Official-account template messages (since May 2023)
take at most 20 characters per value: ``fit_template`` / ``build_template_data``.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from ..core.clock import CHINA

KINDS = ("thing", "phrase", "name", "character_string", "number", "letter", "symbol",
         "amount", "phone_number", "car_number", "time", "date")
ELLIPSIS = "…"
TEMPLATE_LIMIT = 20  # official-account template message, per value

# Fallbacks when a value comes out empty; kinds missing here need a real value.
FALLBACKS = {"thing": "无", "phrase": "无", "name": "无", "character_string": "-"}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_CJK = re.compile(r"[^\u4e00-\u9fff]")
_CN_TIME = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}(~(\d{4}年\d{1,2}月\d{1,2}日 )?"
                      r"\d{1,2}:\d{2})?")
_CN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?")
_NUMBER = re.compile(r"-?(\d+)(\.(\d+))?")


def clean(value: Any) -> str:
    """One line of text: no newlines or control characters, no emoji, single spaces."""
    out = []
    for ch in str(value):
        if ch.isspace():
            out.append(" ")
        elif ord(ch) > 0xFFFF or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue  # astral characters (emoji) count double in WeChat's JavaScript
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def shorten(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """At most ``limit`` characters, the ellipsis counted in."""
    if len(text) <= limit:
        return text
    return text[: limit - len(ellipsis)].rstrip() + ellipsis


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA) if moment.tzinfo else moment


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_time(moment: datetime) -> str:
    moment = _local(moment)
    return f"{_cn_date(moment)} {moment.hour:02d}:{moment.minute:02d}"


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        return _cn_time(value)
    if isinstance(value, date):
        raise ValueError("a time keyword needs a time of day, got a date")
    text = clean(value)
    if _CN_TIME.fullmatch(text):
        return text
    return _cn_time(datetime.fromisoformat(text))  # ValueError when it is not ISO


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return _cn_date(_local(value))
    if isinstance(value, date):
        return _cn_date(value)
    text = clean(value)
    if _CN_DATE.fullmatch(text):
        return text
    if "T" in text or ":" in text:
        return _cn_date(_local(datetime.fromisoformat(text)))
    return _cn_date(date.fromisoformat(text))


def _number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("a number keyword does not take a boolean")
    if isinstance(value, (int, float, Decimal)):
        value = format(Decimal(str(value)), "f")
    text = clean(value).replace(",", "").replace(" ", "")
    match = _NUMBER.fullmatch(text)
    if not match:
        raise ValueError(f"not a number: {value!r}")
    if len(match.group(1)) + len(match.group(3) or "") > 32:
        raise ValueError("a number keyword takes at most 32 digits")
    return text


def _amount(value: Any) -> str:
    text = clean(value).replace("¥", "").replace("元", "").replace(",", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    out = f"{amount:.2f}"
    if len(out.lstrip("-").split(".")[0]) > 10:
        raise ValueError("an amount keyword takes at most 10 digits")
    return f"¥{out}"


def _limited(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise ValueError(f"{what} takes at most {limit} characters: {text!r}")
    return text


def _convert(kind: str, value: Any) -> str:
    if kind == "thing":
        return shorten(clean(value), 20)
    if kind == "phrase":
        return _NON_CJK.sub("", clean(value))[:5]
    if kind == "name":
        text = clean(value)
        return text[:10] if _CJK.search(text) else text[:20]
    if kind == "character_string":
        return "".join(ch for ch in clean(value) if "!" <= ch <= "~")[:32]
    if kind == "letter":
        return "".join(ch for ch in clean(value) if ch.isascii() and ch.isalpha())[:32]
    if kind == "symbol":
        return "".join(ch for ch in clean(value) if "!" <= ch <= "~" and not ch.isalnum())[:5]
    if kind == "number":
        return _number(value)
    if kind == "amount":
        return _amount(value)
    if kind == "phone_number":
        text = "".join(ch for ch in clean(value) if ch.isdigit() or ch in "+-*()")
        return _limited(text, 17, "phone_number") if any(c.isdigit() for c in text) else ""
    if kind == "car_number":
        return _limited(clean(value).replace(" ", ""), 8, "car_number")
    if kind == "time":
        return _time(value)
    if kind == "date":
        return _date(value)
    raise ValueError(f"unknown keyword type: {kind!r}")


def fit(kind: str, value: Any, default: str | None = None) -> str:
    """``value`` as keyword type ``kind`` accepts it; never empty.

    :param default: used when the value comes out empty, or for a phrase that
        would have to be cut (it is fitted too); else the kind's fallback ("无" for thing, phrase and name, "-" for
        character_string).
    :raise ValueError: unknown kind, a value that cannot be fitted without changing
        its meaning, or an empty value with no default or fallback.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown keyword type: {kind!r}")
    if kind == "phrase" and default is not None and len(_NON_CJK.sub("", clean(value or ""))) > 5:
        value = default  # a label cut in the middle says less than the fallback label
    text = "" if value is None else _convert(kind, value)
    if text:
        return text
    if default is not None and default != value:
        return fit(kind, default)
    if kind in FALLBACKS:
        return FALLBACKS[kind]
    raise ValueError(f"an empty value for a {kind} keyword")


def kind_of(key: str) -> str:
    """The keyword type named by a data key: ``thing12`` -> ``thing``.

    :raise ValueError: when the prefix is not a keyword type.
    """
    match = re.fullmatch(r"([a-z_]+)(\d+)", key)
    if not match or match.group(1) not in KINDS:
        raise ValueError(f"not a typed keyword: {key!r}")
    return match.group(1)


def build_data(fields: Mapping[str, Any],
               defaults: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """A subscribe message's ``data``: ``{"thing1": {"value": "..."}, ...}``."""
    defaults = defaults or {}
    return {key: {"value": fit(kind_of(key), value, defaults.get(key))}
            for key, value in fields.items()}


def fit_template(value: Any, kind: str | None = None, default: str | None = None) -> str:
    """An official-account template value: at most 20 characters, never empty.

    With ``kind`` the type's rule applies first; text kinds are then shortened,
    kinds whose meaning a cut would change raise ``ValueError`` when too long.
    """
    if kind is not None:
        text = fit(kind, value, default)
    else:
        text = clean("" if value is None else value) or clean(default or "") or "无"
    if len(text) <= TEMPLATE_LIMIT:
        return text
    if kind in (None, "thing", "name", "phrase"):
        return shorten(text, TEMPLATE_LIMIT)
    if kind in ("character_string", "letter", "symbol"):
        return text[:TEMPLATE_LIMIT]
    raise ValueError(f"a {kind} value longer than {TEMPLATE_LIMIT} characters: {text!r}")


def build_template_data(fields: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """A template message's ``data``; typed keys (``thing1``) follow their type too."""
    out = {}
    for key, value in fields.items():
        try:
            kind = kind_of(key)
        except ValueError:
            kind = None  # keyword1, first, remark ...
        out[key] = {"value": fit_template(value, kind)}
    return out
