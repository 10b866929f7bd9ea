"""Field specs for what each workflow action carries, and their validation.

A payload arrives as decoded JSON (strings, numbers, lists); ``validate`` returns the
declared fields only, normalised to Python values (``date`` for dates, ``int`` for
ids, stripped text) with ``None`` for absent optional fields, or raises one
``MissingField``/``InvalidField`` that lists every bad field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from ..core.routing import MAX_ID
from .errors import InvalidField, MissingField

MAX_UNITS = 10


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Chinese, used in messages
    kind: str = "text"  # text | choice | date | id | ids
    required: bool = True
    choices: Mapping[str, str] | None = None
    max_len: int = 500

    @property
    def said(self) -> str:
        """The label as messages say it: 内部备注（仅工作人员） -> 内部备注."""
        return self.label.split("（", 1)[0]


def text(name: str, label: str, required: bool = True, max_len: int = 500) -> Field:
    return Field(name, label, "text", required, max_len=max_len)


def choice(name: str, label: str, choices: Mapping[str, str], required: bool = True) -> Field:
    return Field(name, label, "choice", required, choices=choices)


def day(name: str, label: str, required: bool = True) -> Field:
    return Field(name, label, "date", required)


def ident(name: str, label: str, required: bool = True) -> Field:
    return Field(name, label, "id", required)


def idents(name: str, label: str, required: bool = True) -> Field:
    return Field(name, label, "ids", required)


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    return value is None


def _as_id(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_ID:  # beyond any row: refused, not an overflow
        raise ValueError
    return value


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError


def _convert(field: Field, value: Any) -> tuple[Any, str | None]:
    """(normalised value, None) or (None, Chinese error message)."""
    if field.kind == "text":
        if not isinstance(value, str):
            return None, f"{field.said}应为文字"
        value = value.strip()
        if len(value) > field.max_len:
            return None, f"{field.said}不能超过{field.max_len}个字"
        return value, None
    if field.kind == "choice":
        if not isinstance(value, str) or value not in (field.choices or {}):
            options = "、".join((field.choices or {}).values())
            return None, f"{field.said}应为以下之一：{options}"
        return value, None
    if field.kind == "date":
        try:
            return _as_date(value), None
        except ValueError:
            return None, f"{field.said}应为日期，格式 YYYY-MM-DD"
    if field.kind == "id":
        try:
            return _as_id(value), None
        except ValueError:
            return None, f"{field.said}无效"
    if field.kind == "ids":
        if not isinstance(value, (list, tuple)):
            return None, f"{field.said}应为列表"
        try:
            ids = list(dict.fromkeys(_as_id(v) for v in value))
        except ValueError:
            return None, f"{field.said}含有无效的编号"
        if len(ids) > MAX_UNITS:
            return None, f"{field.said}最多{MAX_UNITS}个"
        return ids, None
    raise AssertionError(f"unknown field kind {field.kind}")  # a bug in the table


def validate(fields: tuple[Field, ...], payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """Normalise ``payload`` against ``fields``; unknown keys are ignored.

    :raise MissingField: a required field is absent or empty (all bad fields listed).
    :raise InvalidField: a field has an unacceptable value and none is missing.
    """
    if payload is None:
        payload = {}
    if not isinstance(payload, Mapping):
        raise InvalidField({"payload": ["提交的内容格式不正确"]})
    out: dict[str, Any] = {}
    missing: dict[str, list[str]] = {}
    invalid: dict[str, list[str]] = {}
    for field in fields:
        raw = payload.get(field.name)
        if _empty(raw):
            if field.required:
                missing[field.name] = [f"请填写{field.said}"]
            out[field.name] = None
            continue
        value, error = _convert(field, raw)
        if error:
            invalid[field.name] = [error]
        out[field.name] = value
    if missing:
        raise MissingField({**missing, **invalid})
    if invalid:
        raise InvalidField(invalid)
    return out


def json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised payload as the event row stores it: no ``None``, ISO dates."""
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out
